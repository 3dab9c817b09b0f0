#pragma once
// One trial of a tune: its draws, the rungs it trained, and its record on disk
// (DIR/trial_NNN/tune_trial.json beside the run's own files, so removing a trial's directory
// removes its results, and a resumed tune trains it again).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/core/config.hpp"
#include "wavelearn/tune/space.hpp"

namespace wl::tune::detail {

struct RungResult {
  int epochs = 0;       // the rung's budget (train.epochs of that step)
  int epochs_done = 0;  // fewer when early stopping ended the run
  bool stopped_early = false;
  int epochs_trained = 0;  // by this step: the new epochs of a continued run, all of a restarted one
  double val_metric = 0.0, val_loss = 0.0;  // of the exported (best) weights, all validation events
  double seconds = 0.0;                     // wall clock of the step (training and evaluation)
  std::string error;                        // non-empty: the step failed (e.g. diverged)
};

struct Trial {
  int index = 0;
  std::vector<Draw> draws;
  std::vector<std::string> assignments;  // key=value on the base configuration
  std::vector<RungResult> rungs;         // rungs reached, in order
  std::string metric_name;               // the head's validation metric (auc, accuracy, rmse)
  bool failed() const { return !rungs.empty() && !rungs.back().error.empty(); }
  // The metric at rung r (NaN when not reached or failed).
  double metric_at(std::size_t rung) const;
};

std::string trial_name(int index);  // trial_000
std::filesystem::path trial_dir(const std::filesystem::path& out, int index);

// The record written after each rung, and read back on --resume (empty rungs when the
// directory has none). InputError when it was drawn with other parameters.
void write_trial_record(const std::filesystem::path& out, const Trial& t);
void read_trial_record(const std::filesystem::path& out, Trial& t);

struct StepOptions {
  bool force_new = false;  // a first rung replaces what a trial directory holds (tune --force)
  bool quiet = false;
  int threads = 0;
};

// Trains trial t to `epochs` through the run layer (train_run) and appends the rung's
// result: a new run at the first rung; the run continued with --resume and the larger
// train.epochs after (bit-identical to a run started with that budget), or started again
// when the schedule depends on train.epochs (cosine). Throws core::Interrupted on Ctrl-C.
void train_rung(const std::filesystem::path& out, const core::Config& base, Trial& t, int epochs,
                const StepOptions& o);

// Whether continuing a run changes it: a cosine schedule spans train.epochs.
bool schedule_depends_on_epochs(const core::Config& trial_config);

}  // namespace wl::tune::detail
