#pragma once
// `wavelearn tune`: random search over a search space (space.hpp) with successive halving
// on epochs (halving.hpp). Each trial is an ordinary run directory DIR/trial_NNN trained by
// the run layer; selection reads validation metrics only. Writes DIR/trials.csv,
// DIR/best.toml, DIR/tune.json and DIR/tune.html (docs/tune.md). No libtorch here.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace wl::tune {

struct TuneOptions {
  std::filesystem::path config;  // base configuration (empty on --resume: DIR/base.toml)
  std::filesystem::path space;   // search space (empty on --resume: DIR/space.toml)
  std::filesystem::path out;
  std::string data;               // sets data.file (made absolute)
  std::vector<std::string> sets;  // --set overrides of the base configuration
  int trials = 0;                 // 0 on --resume: the recorded number
  uint64_t seed = 1;
  bool seed_given = false;
  // 0: the space's [tune] table, else 3, 1 and the base configuration's train.epochs.
  int eta = 0, min_epochs = 0, max_epochs = 0;
  bool force = false, resume = false, quiet = false;
  int threads = 0;
};

struct TuneSummary {
  std::filesystem::path out;
  int trials = 0, failed = 0, best_trial = -1;
  std::vector<int> rungs;
  std::string metric;
  double best_val_metric = 0.0, best_test_metric = 0.0;  // NaN when unknown
  int best_epochs = 0;
  int epochs_trained = 0;  // over all trials and rungs
  double seconds = 0.0;
};

TuneSummary run_tune(const TuneOptions& options);
std::string format_tune(const TuneSummary& s);

}  // namespace wl::tune
