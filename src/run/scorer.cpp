#include "wavelearn/run/scorer.hpp"

#include "wavelearn/core/error.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::run {

const std::vector<double>* EventTable::field(const std::string& name) const {
  const auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

bool is_energy_target(const std::string& target) { return target == "energy" || target == "energy_label"; }

bool is_kev_target(const std::string& target) {
  return is_energy_target(target) || target == "truth_energy_kev" || target == "truth_visible_energy_kev";
}

const std::vector<double>* EventTable::target_values(const std::string& target) const {
  const auto* t = field(target);
  return !t && is_energy_target(target) && !energy_kev.empty() ? &energy_kev : t;
}

std::unique_ptr<Scorer> load_scorer(const std::filesystem::path& run_dir, const ScorerOptions& o) {
  if (std::filesystem::is_regular_file(run_dir)) return make_bare_model_scorer(run_dir, o);
  const auto dir = RunDir::open_existing(run_dir);
  const auto record = read_run_record(dir);
  if (record.family == "generator")
    throw core::InputError(run_dir.string() + " is a generator (model.type = " + record.model_type +
                           "): use `wavelearn generate`");
  if (record.family == "pretrain")
    throw core::InputError(run_dir.string() + ": a pretraining run (task " + record.task +
                           "): its model rebuilds masked waveforms and gives no scores; fine-tune it with "
                           "--set train.init_from=" + run_dir.string());
  if (record.ensemble_members > 0) return make_ensemble_scorer(run_dir, record, o);
  if (record.family == "tabular" && o.mc_samples > 0)
    throw core::InputError(run_dir.string() + ": a " + record.model_type + " model has no dropout; --mc-samples "
                           "applies to neural networks trained with model.dropout > 0");
  if (record.family == "tabular") return make_tabular_scorer(run_dir, record, o);
  return make_neural_scorer(run_dir, record, o);
}

}  // namespace wl::run
