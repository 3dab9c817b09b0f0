#pragma once
// `wavelearn evaluate`, for every model family, in four steps: select events
// (select.hpp) -> score them through the run's Scorer -> metrics (metrics.hpp) -> report
// (page.hpp: plots/, report.html, MODEL_CARD.md; predictions.h5 and metrics.json). Also the
// last step of `wavelearn train`. No libtorch here.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wl::run {

struct EvaluateOptions {
  std::filesystem::path out;  // report directory; empty: the run directory
  bool force = false;         // replace an existing report there
  bool all_events = false;    // on the training file too: every selected event
  std::size_t batch_size = 1024;
  std::size_t max_train_events = 20000;  // training events scored for the KS check; 0: none
  int bootstrap_replicas = 200;          // AUC interval
  std::size_t waveforms_per_class = 3;   // example waveforms in the report
  bool quiet = false;
  int threads = 0;  // 0: all cores
  // Events of a shifted detector (another simulation's response): the out-of-distribution
  // check of the model's uncertainty (metrics.json "ood"); empty: none.
  std::string shifted;
  double alpha = 0.1;  // split-conformal miscoverage: 1 - alpha sets and intervals
  int mc_samples = 0;  // networks with dropout: score by Monte Carlo dropout (mean and spread)
  std::string device = "cpu";  // neural models: cpu, cuda or cuda:N (--device)
};

struct EvaluateSummary {
  std::filesystem::path report_dir;
  std::string model_type, task, events;
  std::size_t n_events = 0, n_train_scored = 0;
  std::vector<std::pair<std::string, double>> key_numbers;  // headline numbers, print order
  std::vector<std::string> warnings;
  nlohmann::json metrics;  // what metrics.json now holds
  double seconds = 0.0;
};

// data_file empty: the run's training file (its held-out test events). InputError naming
// the path for a missing run, model or data file, or an existing report without force.
EvaluateSummary evaluate_run(const std::filesystem::path& run_dir, const std::string& data_file,
                             const EvaluateOptions& options = {});

std::string format_evaluation(const EvaluateSummary& s);

}  // namespace wl::run
