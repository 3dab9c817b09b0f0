#pragma once
// `wavelearn train` for neural networks as a library call: configuration -> data -> model
// -> trainer, into a run directory already claimed by run::RunDir (the overwrite rule is
// checked there): config.toml, preprocess.json, checkpoint.pt, history.csv (every epoch)
// and model.pt (the best epoch's weights). Evaluation and the report are run/'s next step.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "wavelearn/core/split.hpp"
#include "wavelearn/train/distributed.hpp"
#include "wavelearn/train/init_from.hpp"

namespace wl::core {
class Config;
}

namespace wl::train {

struct RunOptions {
  std::filesystem::path out;  // claimed run directory
  bool resume = false;        // continue from out/checkpoint.pt
  bool resume_with_changes = false;  // resume even if the config or data changed (recorded)
  bool quiet = false;
  int threads = 0;            // 0: all cores
  // Data-parallel training (world_size > 1): this rank's place. Only rank 0 writes to `out`;
  // the others read its checkpoint on resume and return after the last epoch.
  DistEnv dist;
};

struct RunSummary {
  std::filesystem::path out;
  std::string model_type, task_kind, metric_name;
  std::vector<std::string> targets;
  std::string data_file;
  double energy_threshold_kev = -1.0;  // < 0: none
  core::PartFractions fractions;
  core::GroupBy group_by = core::GroupBy::kEvent;
  bool keyed_split = true;
  uint64_t seed = 42;
  int64_t parameters = 0;
  int64_t max_epochs = 0;
  int64_t epochs_done = 0;
  int64_t best_epoch = 0;
  bool stopped_early = false;
  double val_loss = 0.0;  // of the exported (best) weights, on every validation event
  double val_metric = 0.0;
  std::size_t n_train = 0, n_validation = 0, n_test = 0;
  double train_seconds = 0.0;            // this invocation's epochs
  double train_samples_per_s = 0.0;      // training events per second over those epochs
  double inference_samples_per_s = 0.0;  // validation events scored per second (batches from
                                         // the loader, forward, loss), with the best weights
  std::size_t inference_batch_size = 0;
  int threads = 0;
  int world_size = 1;  // ranks of a data-parallel run
  double all_reduce_ms_per_step = 0.0;  // rank 0's mean time in the gradient all-reduce
  std::string device = "cpu";             // train.device ("cpu", "cuda", "cuda:N")
  std::string mixed_precision = "none";   // train.mixed_precision
  bool pretraining = false;          // a self-supervised objective (task.kind masked_patches)
  std::optional<EncoderInit> init_from;  // train.init_from: where the encoder started
};

// Reads every section it needs, then Config::check_all_used() (an unknown key is an
// InputError before any work). Throws core::Interrupted after SIGINT (checkpoint saved).
RunSummary run_training(const core::Config& config, const RunOptions& options);

// The run's summary as the lines printed at the end of `wavelearn train`.
std::string format_summary(const RunSummary& summary);

}  // namespace wl::train
