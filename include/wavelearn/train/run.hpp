#pragma once
// `wavelearn train` as a library call: configuration -> data -> model -> trainer -> a run
// directory with config.toml, preprocess.json, checkpoint.pt, history.csv (every epoch),
// model.pt, metrics.json and predictions.h5 (at the end), all written atomically.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace wl::core {
class Config;
}

namespace wl::train {

struct RunOptions {
  std::filesystem::path out;
  bool force = false;   // replace the files of an existing run directory
  bool resume = false;  // continue from out/checkpoint.pt
  bool quiet = false;
  int threads = 0;      // 0: all cores
};

struct RunSummary {
  std::filesystem::path out;
  std::string model_type, task_kind, metric_name;
  int64_t parameters = 0;
  int64_t epochs_done = 0;
  int64_t best_epoch = 0;
  bool stopped_early = false;
  double val_loss = 0.0;    // of the exported (best) weights, on every validation event
  double val_metric = 0.0;
  std::size_t n_train = 0, n_validation = 0;
  double train_seconds = 0.0;          // this invocation's epochs
  double train_samples_per_s = 0.0;    // training events per second over those epochs
  double inference_samples_per_s = 0.0;  // validation events scored per second (batches from
                                         // the loader, forward, loss), with the best weights
  std::filesystem::path report;        // report.html, empty if the report failed
};

// Reads every section it needs, then Config::check_all_used() (an unknown key is an
// InputError before any work). Throws core::Interrupted after SIGINT (checkpoint saved).
RunSummary run_training(const core::Config& config, const RunOptions& options);

// The run's summary as the lines printed at the end of `wavelearn train`.
std::string format_summary(const RunSummary& summary);

}  // namespace wl::train
