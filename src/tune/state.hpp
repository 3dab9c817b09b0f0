#pragma once
// What a tune knows while it runs, and the files it writes from it (outputs.cpp, page.cpp).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trial.hpp"
#include "wavelearn/tune/space.hpp"

namespace wl::tune::detail {

struct Settings {
  uint64_t seed = 1;
  int trials = 0, eta = 3, min_epochs = 1, max_epochs = 0, threads = 0;
  std::string base_config, space, data_file;  // as given, for tune.json
};

struct TuneState {
  std::filesystem::path out;
  Settings settings;
  Space space;
  std::vector<int> rungs;          // epoch budgets
  std::vector<Trial> trials;
  std::vector<int> last_member;    // per trial: the last rung it was admitted to (-1: none yet)
  std::string metric;              // the validation metric's name (auc, accuracy, rmse)
  bool higher_is_better = true;
  std::string status = "running";  // running | interrupted | finished
  int best = -1;                   // trial index, once known
  double seconds = 0.0;
};

// pending (its next rung not trained yet), failed, halted (below the top 1/eta of its rung),
// completed (trained the last rung).
std::string trial_status(const TuneState& s, const Trial& t);

// The best trial: the best finite validation metric at the highest rung that has one;
// -1 when every trial failed.
int best_trial(const TuneState& s);

void write_trials_csv(const TuneState& s);
// tune.json; the best trial's test metric from its metrics.json (NaN when it has none).
nlohmann::json tune_json(const TuneState& s, double best_test_metric);
double test_metric_of(const TuneState& s, int trial);
// best.toml: the best trial's resolved config.toml under a comment saying where it came from.
void write_best_toml(const TuneState& s, double best_test_metric);
// tune.html and its plots: the validation metric against every parameter.
void write_tune_page(const TuneState& s, double best_test_metric);

}  // namespace wl::tune::detail
