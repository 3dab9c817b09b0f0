#pragma once
// A resumed training must continue the run it resumes: the same resolved configuration and
// the same data file. Anything else mixes two runs in one history, so it is refused, naming
// what differs, unless the user asks for it (--resume-with-changes), and then the change is
// recorded in the run (resume.json, and metrics.json's training block). No libtorch here.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/core/config.hpp"

namespace wl::train {

struct ConfigChange {
  std::string key, before, after;  // values as TOML text; "(unset)" when absent
};

// Keys whose value differs between two resolved configurations (sorted). Keys that only say
// how long to train or how to report (train.epochs, eval.*, name) are not changes.
std::vector<ConfigChange> config_changes(const core::Config& before, const core::Config& after);

// "train.lr 0.001 -> 0.01, data.file \"a.h5\" -> \"b.h5\"" (at most `max_shown`, then "and N more").
std::string describe_changes(const std::vector<ConfigChange>& changes, std::size_t max_shown = 6);

// Before the first epoch of a new run: records the data file's fingerprint in run/resume.json.
void record_start(const std::filesystem::path& run, const std::string& data_file);

// On --resume: compares `config` (resolved) with run/config.toml and the data file with the
// fingerprint in run/resume.json. A difference throws InputError naming it unless
// allow_changes; then it is appended to resume.json's "changes" at `epochs_done`.
void check_resume(const std::filesystem::path& run, const core::Config& config, const std::string& data_file,
                  bool allow_changes, std::int64_t epochs_done);

// The data fingerprint recorded when the run started ("" when the run has none).
std::string recorded_fingerprint(const std::filesystem::path& run);

// resume.json's "changes" (an empty array when none, or when the run has no resume.json).
nlohmann::json recorded_changes(const std::filesystem::path& run);

}  // namespace wl::train
