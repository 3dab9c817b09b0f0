#pragma once
// `wavelearn train` for every family: claim the run directory (the overwrite rule, once),
// train (train/ for neural networks on waveforms, tabular/ for BDT, SVM and logistic
// regression on a DSP feature table), record run.json and the training figures, then
// evaluate the held-out test events (evaluate.hpp). No libtorch here.
#include <filesystem>
#include <string>

#include "wavelearn/run/evaluate.hpp"
#include "wavelearn/train/distributed.hpp"

namespace wl::core {
class Config;
}

namespace wl::run {

struct TrainOptions {
  std::filesystem::path out;
  std::string data;  // waveform file (neural) or feature table (tabular); empty: data.file
  bool force = false, resume = false, quiet = false;
  bool resume_with_changes = false;  // implies resume; the change is recorded in the run
  int threads = 0;
  // A data-parallel run (world_size > 1, neural networks only): rank 0 claims, records and
  // evaluates the run; every other rank trains its share and writes nothing.
  train::DistEnv dist;
};

struct TrainResult {
  std::string summary;  // the lines `wavelearn train` prints
  bool evaluated = false;
  EvaluateSummary evaluation;
};

bool is_tabular_config(const core::Config& config);
// task.kind = "masked_patches": self-supervised pretraining (docs/pretraining.md), not evaluated.
bool is_pretraining_config(const core::Config& config);
TrainResult train_run(core::Config config, const TrainOptions& o);
// A data-parallel run of `world_size` ranks: neural networks only, not an ensemble, and
// data.batch_size divisible by world_size. InputError naming the key otherwise.
void check_data_parallel(const core::Config& config, int world_size);

// Family trainers (train_neural.cpp, train_tabular.cpp): each writes the model, run.json
// and metrics.json's "training" block into the claimed directory and returns its summary.
class RunDir;
std::string train_neural(const core::Config& config, const RunDir& dir, const TrainOptions& o);
// A rank other than 0 of a data-parallel run: trains its share of each batch, writes nothing.
void train_neural_rank(const core::Config& config, const TrainOptions& o);
std::string train_tabular(const core::Config& config, const RunDir& dir, const TrainOptions& o);
// train.ensemble = K > 1 (train_ensemble.cpp): K neural runs in dir/member_k, then the
// ensemble's run.json and metrics.json.
// Members (metrics.json training.ensemble.member_runs) whose best validation loss is over 1.5
// times the members' median: a network that did not learn (e.g. collapsed to a constant)
// pulls the mean toward it and inflates the spread, so the ensemble warns instead of
// averaging it in silently.
nlohmann::json members_not_learned(const nlohmann::json& member_runs);
std::string train_ensemble(const core::Config& config, const RunDir& dir, const TrainOptions& o, int members);

}  // namespace wl::run
