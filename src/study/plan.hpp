#pragma once
// The study file read into a plan: the models (base configuration, overrides, family), the
// labels, the seeds, the inputs a tabular model drops per label, and the list of runs with
// the exact overrides each one is trained with. Internal to src/study.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "wavelearn/core/config.hpp"

namespace wl::study::detail {

struct ModelSpec {
  std::string name;
  std::filesystem::path base_config;  // absolute
  std::vector<std::string> sets;      // models.NAME.set
  bool tabular = false;               // a feature-table model (bdt, svm, ...), else a network
  bool multitask = false;             // one run per seed predicts every label
  bool without_label_inputs = false;  // models.NAME.inputs = "without_label"
  std::string seed_key;               // the key the study seed goes to
};

struct RunSpec {
  std::string name;  // directory under DIR/runs
  std::size_t model = 0;
  std::string label;  // empty: a multitask run (every label)
  std::int64_t seed = 0;
  std::vector<std::string> assignments;  // applied to the base configuration, in order
};

struct Plan {
  std::vector<std::string> labels;
  std::vector<std::int64_t> seeds;
  std::vector<ModelSpec> models;
  std::map<std::string, std::vector<std::string>> exclude;  // label -> inputs a without_label model drops
  std::vector<std::string> neural_sets, tabular_sets;       // after every model's own overrides
  int bootstrap_replicas = 200;
  std::vector<RunSpec> runs;  // model by model, label by label, seed by seed
  std::string resolved_toml;  // DIR/study.toml: every key, base configurations as absolute paths
};

// Reads every key of the study file (check_all_used), resolves base configurations
// relative to `study_dir`, loads each to check it, and lists the runs. InputError naming the
// key on anything inconsistent (an excluded input the model does not have, a multitask model
// whose targets miss a label, ...).
Plan read_plan(core::Config study, const std::filesystem::path& study_dir);

// The run's configuration: its model's base file with the run's assignments.
core::Config run_config(const Plan& plan, const RunSpec& run);

// "psd_label_low_avse" -> "low_avse", "psd_pass" -> "pass".
std::string short_label(const std::string& label);

}  // namespace wl::study::detail
