#pragma once
// `wavelearn train` for every family: claim the run directory (the overwrite rule, once),
// train (train/ for neural networks on waveforms, tabular/ for BDT, SVM and logistic
// regression on a DSP feature table), record run.json and the training figures, then
// evaluate the held-out test events (evaluate.hpp). No libtorch here.
#include <filesystem>
#include <string>

#include "wavelearn/run/evaluate.hpp"

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

// Family trainers (train_neural.cpp, train_tabular.cpp): each writes the model, run.json
// and metrics.json's "training" block into the claimed directory and returns its summary.
class RunDir;
std::string train_neural(const core::Config& config, const RunDir& dir, const TrainOptions& o);
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
