// The study file: [study] (labels, seeds, models, ...), [models.NAME] and [exclude].
#include "plan.hpp"

#include <algorithm>

#include "wavelearn/core/error.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/tabular/matrix.hpp"

namespace wl::study::detail {

namespace fs = std::filesystem;
using core::InputError;

namespace {

std::string toml_strings(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
  return s + "]";
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The inputs a tabular base configuration feeds its model (its features.names, else the
// physics set), read from a copy so that the base keeps its keys unread.
std::vector<std::string> tabular_inputs(const core::Config& base) {
  const core::Config probe = base;
  if (probe.has("features.names")) return probe.get<std::vector<std::string>>("features.names");
  return tabular::default_physics_features();
}

ModelSpec read_model(core::Config& study, const std::string& name, const fs::path& study_dir) {
  const std::string key = "models." + name;
  if (!study.has_section(key)) throw InputError("study: model '" + name + "' of study.models has no [" + key + "] table");
  ModelSpec m;
  m.name = name;
  m.base_config = fs::absolute(study_dir / study.get<std::string>(key + ".config")).lexically_normal();
  study.set_string(key + ".config", m.base_config.string(), study.source());
  m.sets = study.get<std::vector<std::string>>(key + ".set", {});
  m.multitask = study.get<bool>(key + ".multitask", false);
  const auto inputs = study.get<std::string>(key + ".inputs", "all");
  if (inputs != "all" && inputs != "without_label")
    throw InputError("study key '" + key + ".inputs' = \"" + inputs + "\": expected \"all\" or \"without_label\"");
  m.without_label_inputs = inputs == "without_label";
  auto base = core::Config::load(m.base_config);
  base.set_all(m.sets);
  m.tabular = run::is_tabular_config(base);
  if (m.tabular && m.multitask) throw InputError("study key '" + key + ".multitask': a tabular model predicts one label");
  if (!m.tabular && m.without_label_inputs)
    throw InputError("study key '" + key + ".inputs': networks read the waveform, not the feature table");
  const core::Config probe = base;
  const std::string fallback =
      !m.tabular ? "train.init_seed" : probe.get<std::string>("model.type", "") == "bdt" ? "model.seed" : "";
  m.seed_key = study.get<std::string>(key + ".seed_key", fallback);
  if (m.seed_key.empty())
    throw InputError("study: give '" + key + ".seed_key' (the key the study seed sets without moving the split)");
  return m;
}

std::vector<std::string> label_assignments(const Plan& p, const ModelSpec& m, const std::string& label) {
  if (m.multitask) return {};
  if (!m.tabular) return {"data.targets=" + toml_strings({label})};
  std::vector<std::string> a{"task.label=\"" + label + "\""};
  if (!m.without_label_inputs) return a;
  auto base = core::Config::load(m.base_config);
  base.set_all(m.sets);
  std::vector<std::string> kept;
  const auto& drop = p.exclude.at(label);
  const auto inputs = tabular_inputs(base);
  for (const auto& d : drop)
    if (!contains(inputs, d))
      throw InputError("study key 'exclude." + label + "': '" + d + "' is not an input of model '" + m.name + "' (" +
                       m.base_config.filename().string() + ")");
  for (const auto& f : inputs)
    if (!contains(drop, f)) kept.push_back(f);
  if (kept.empty()) throw InputError("study key 'exclude." + label + "' leaves model '" + m.name + "' no input");
  a.push_back("features.names=" + toml_strings(kept));
  return a;
}

void check_multitask_targets(const ModelSpec& m, const std::vector<std::string>& labels) {
  auto base = core::Config::load(m.base_config);
  base.set_all(m.sets);
  const core::Config probe = base;
  const auto targets = probe.get<std::vector<std::string>>("data.targets", {});
  for (const auto& l : labels)
    if (!contains(targets, l))
      throw InputError("study: multitask model '" + m.name + "' does not predict '" + l + "' (data.targets of " +
                       m.base_config.filename().string() + " and models." + m.name + ".set)");
}

void list_runs(Plan& p) {
  for (std::size_t k = 0; k < p.models.size(); ++k) {
    const auto& m = p.models[k];
    const auto labels = m.multitask ? std::vector<std::string>{""} : p.labels;
    for (const auto& label : labels)
      for (const auto seed : p.seeds) {
        RunSpec r;
        r.model = k;
        r.label = label;
        r.seed = seed;
        r.name = m.name + (label.empty() ? "" : "-" + short_label(label)) + "-s" + std::to_string(seed);
        r.assignments = m.sets;
        for (auto& a : label_assignments(p, m, label)) r.assignments.push_back(a);
        r.assignments.push_back(m.seed_key + "=" + std::to_string(seed));
        r.assignments.push_back("name=\"" + r.name + "\"");
        for (const auto& s : m.tabular ? p.tabular_sets : p.neural_sets) r.assignments.push_back(s);
        p.runs.push_back(std::move(r));
      }
  }
}

}  // namespace

std::string short_label(const std::string& label) {
  const std::string prefix = "psd_label_";
  if (label.rfind(prefix, 0) == 0) return label.substr(prefix.size());
  if (label == "psd_pass") return "pass";
  return label;
}

Plan read_plan(core::Config study, const fs::path& study_dir) {
  Plan p;
  p.labels = study.get<std::vector<std::string>>("study.labels");
  p.seeds = study.get<std::vector<std::int64_t>>("study.seeds", {1, 2, 3});
  const auto names = study.get<std::vector<std::string>>("study.models");
  p.bootstrap_replicas = study.get<int>("study.bootstrap_replicas", 200);
  p.neural_sets = study.get<std::vector<std::string>>("study.neural_set", {});
  p.tabular_sets = study.get<std::vector<std::string>>("study.tabular_set", {});
  if (p.labels.empty() || names.empty() || p.seeds.empty())
    throw InputError("study: study.labels, study.models and study.seeds must not be empty");
  if (p.bootstrap_replicas < 2 || p.bootstrap_replicas > 100000)
    throw InputError("study key 'study.bootstrap_replicas' must be from 2 to 100000");
  for (std::size_t i = 0; i < p.seeds.size(); ++i)
    if (p.seeds[i] < 0 || std::count(p.seeds.begin(), p.seeds.end(), p.seeds[i]) > 1)
      throw InputError("study key 'study.seeds': seeds must be distinct and >= 0");
  for (const auto& n : names) {
    if (n.empty() || n.find_first_of("/ .") != std::string::npos || std::count(names.begin(), names.end(), n) > 1)
      throw InputError("study key 'study.models': '" + n + "' must be a distinct name without '/', '.' or spaces");
    p.models.push_back(read_model(study, n, study_dir));
  }
  for (const auto& m : p.models) {
    if (m.multitask) check_multitask_targets(m, p.labels);
    if (!m.without_label_inputs) continue;
    for (const auto& l : p.labels)
      if (!p.exclude.count(l)) p.exclude[l] = study.get<std::vector<std::string>>("exclude." + l);
  }
  // Tables of models and labels this study does not train are allowed (--set study.models=...).
  study.mark_used("exclude");
  for (const auto& k : study.keys())
    if (k.rfind("models.", 0) == 0 && !contains(names, k.substr(7, k.find('.', 7) - 7))) study.mark_used(k);
  study.check_all_used();
  list_runs(p);
  p.resolved_toml = study.to_toml();
  return p;
}

core::Config run_config(const Plan& plan, const RunSpec& run) {
  auto c = core::Config::load(plan.models[run.model].base_config);
  c.set_all(run.assignments);
  return c;
}

}  // namespace wl::study::detail
