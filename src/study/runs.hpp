#pragma once
// Training the study's runs through the run layer, each once: a finished run (its
// study_run.json records the same overrides and data) is skipped, an interrupted network
// continues from its checkpoint, anything else starts again. Internal to src/study.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan.hpp"

namespace wl::study::detail {

struct Inputs {
  std::filesystem::path out;  // the study directory
  std::string data;           // waveform file (absolute)
  std::string features;       // feature table (absolute)
};

struct RunOutcome {
  bool trained = false;  // false: finished before and skipped
  double wall_seconds = 0.0;
};

std::filesystem::path run_dir(const std::filesystem::path& out, const RunSpec& r);

struct TrainSettings {
  bool force = false;  // retrain every run (study --force)
  bool quiet = false;
  int threads = 0;
};

// Trains (or skips) every run of the plan in order; throws core::Interrupted on Ctrl-C and
// InputError naming the run when one fails.
std::vector<RunOutcome> train_runs(const Plan& plan, const Inputs& in, const TrainSettings& s);

}  // namespace wl::study::detail
