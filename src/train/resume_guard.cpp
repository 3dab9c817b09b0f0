#include "wavelearn/train/resume_guard.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/core/fingerprint.hpp"

namespace wl::train {

namespace fs = std::filesystem;
using core::InputError;

namespace {

constexpr const char* kResumeFile = "resume.json";

// Continuing a run for more epochs, or reporting it differently, is what resume is for; the
// device is where it runs, not what it is (checkpoints hold CPU tensors).
bool may_change_on_resume(const std::string& key) {
  return key == "train.epochs" || key == "name" || key == "train.device" || key.rfind("eval.", 0) == 0;
}

nlohmann::json read_resume_file(const fs::path& run) {
  const fs::path p = run / kResumeFile;
  if (!fs::exists(p)) return nlohmann::json::object();
  std::ifstream in(p);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    throw InputError(p.string() + ": not valid JSON (the run directory is damaged)");
  }
}

void write_resume_file(const fs::path& run, const nlohmann::json& j) {
  core::write_text_atomically(run / kResumeFile, j.dump(2) + "\n");
}

}  // namespace

std::vector<ConfigChange> config_changes(const core::Config& before, const core::Config& after) {
  std::set<std::string> keys;
  for (const auto& k : before.keys()) keys.insert(k);
  for (const auto& k : after.keys()) keys.insert(k);
  std::vector<ConfigChange> out;
  for (const auto& key : keys) {
    if (may_change_on_resume(key)) continue;
    const std::string a = before.value_text(key), b = after.value_text(key);
    if (a != b) out.push_back({key, a, b});
  }
  return out;
}

std::string describe_changes(const std::vector<ConfigChange>& changes, std::size_t max_shown) {
  std::string s;
  for (std::size_t i = 0; i < changes.size() && i < max_shown; ++i)
    s += (i ? ", " : "") + changes[i].key + " " + changes[i].before + " -> " + changes[i].after;
  if (changes.size() > max_shown) s += " and " + std::to_string(changes.size() - max_shown) + " more";
  return s;
}

void record_start(const fs::path& run, const std::string& data_file) {
  write_resume_file(run, {{"data_file", core::absolute_file_spec(data_file)},
                          {"data_fingerprint", core::file_fingerprint(data_file)},
                          {"changes", nlohmann::json::array()}});
}

void check_resume(const fs::path& run, const core::Config& config, const std::string& data_file,
                  bool allow_changes, std::int64_t epochs_done) {
  std::vector<ConfigChange> changes;
  if (fs::exists(run / "config.toml")) changes = config_changes(core::Config::load(run / "config.toml"), config);
  auto record = read_resume_file(run);
  const std::string fingerprint = core::file_fingerprint(data_file);
  if (record.contains("data_fingerprint") && record["data_fingerprint"].get<std::string>() != fingerprint)
    changes.push_back({"data file content", record["data_fingerprint"].get<std::string>(), fingerprint});
  if (changes.empty()) return;
  if (!allow_changes)
    throw InputError(run.string() + ": --resume would continue the run with another configuration or data (" +
                     describe_changes(changes) +
                     "); resume with the run's own settings, or give --resume-with-changes to record the change");
  if (!record.contains("changes")) record["changes"] = nlohmann::json::array();
  for (const auto& c : changes)
    record["changes"].push_back({{"key", c.key}, {"before", c.before}, {"after", c.after}, {"after_epoch", epochs_done}});
  record["data_file"] = core::absolute_file_spec(data_file);
  record["data_fingerprint"] = fingerprint;
  write_resume_file(run, record);
}

std::string recorded_fingerprint(const fs::path& run) {
  const auto record = read_resume_file(run);
  return record.contains("data_fingerprint") ? record["data_fingerprint"].get<std::string>() : "";
}

nlohmann::json recorded_changes(const fs::path& run) {
  const auto record = read_resume_file(run);
  return record.contains("changes") ? record["changes"] : nlohmann::json::array();
}

}  // namespace wl::train
