// fidelity.json: the headline numbers under fixed keys, then everything needed to read them.
#include <nlohmann/json.hpp>

#include "wavelearn/eval/json.hpp"
#include "wavelearn/fidelity/fidelity.hpp"

namespace wl::fidelity {

namespace {

using nlohmann::json;
using eval::finite_or_null;

json parameter_json(const ParameterDistance& p) {
  return {{"column", p.column}, {"label", p.label}, {"unit", p.unit},
          {"n_reference", p.n_reference}, {"n_candidate", p.n_candidate}, {"w1", finite_or_null(p.w1)},
          {"w1_reference_halves", finite_or_null(p.w1_reference_halves)},
          {"noise_floor", finite_or_null(p.noise_floor)}, {"ratio", finite_or_null(p.ratio)}};
}

json c2st_json(const C2stResult& c) {
  const auto& s = c.settings;
  json loss = json::array();
  for (const double v : c.epoch_loss) loss.push_back(finite_or_null(v));
  return {{"auc", finite_or_null(c.auc)}, {"auc_ci95", {finite_or_null(c.ci_lo), finite_or_null(c.ci_hi)}},
          {"interval", "percentile bootstrap of the test events, within each class"},
          {"train_auc", finite_or_null(c.train_auc)}, {"positive_class", "candidate"},
          {"n_per_class", c.n_per_class}, {"n_train_per_class", c.n_train_per_class},
          {"n_test_per_class", c.n_test_per_class}, {"usable_reference", c.usable_reference},
          {"usable_candidate", c.usable_candidate}, {"max_events", s.max_events},
          {"window", {{"aligned_on", "tp50_ns"}, {"before_ns", s.before_tp50_ns}, {"after_ns", s.after_tp50_ns},
                      {"samples", c.window_samples}}},
          {"preprocessing", "(x - baseline_mean_adc) / energy_trap_adc, each event's own DSP values"},
          {"model", c.model}, {"n_parameters", c.n_parameters}, {"epochs", c.epochs},
          {"epochs_requested", s.epochs}, {"min_steps", s.min_steps},
          {"batch_size", s.batch_size}, {"learning_rate", s.learning_rate}, {"optimizer", "adam"},
          {"test_fraction", s.test_fraction}, {"epoch_loss", loss},
          {"bootstrap_replicas", s.bootstrap_replicas}, {"seconds", c.seconds}};
}

}  // namespace

nlohmann::json fidelity_json(const FidelityResult& r) {
  json ratio = json::object(), w1 = json::object(), halves = json::object(), floor = json::object(),
       units = json::object(), params = json::array();
  for (const auto& p : r.parameters) {
    ratio[p.column] = finite_or_null(p.ratio);
    w1[p.column] = finite_or_null(p.w1);
    halves[p.column] = finite_or_null(p.w1_reference_halves);
    floor[p.column] = finite_or_null(p.noise_floor);
    units[p.column] = p.unit;
    params.push_back(parameter_json(p));
  }
  return {{"c2st_auc", finite_or_null(r.c2st.auc)},
          {"c2st_auc_ci95", {finite_or_null(r.c2st.ci_lo), finite_or_null(r.c2st.ci_hi)}},
          {"w1_ratio", ratio},
          {"n_reference", r.n_reference},
          {"n_candidate", r.n_candidate},
          {"mode", r.self_split ? "self_split" : "two_files"},
          {"reference", r.reference},
          {"candidate", r.candidate},
          {"reference_sample", r.reference_label},
          {"candidate_sample", r.candidate_label},
          {"sample_period_ns", r.sample_period_ns},
          {"n_samples", r.n_samples},
          {"dsp_quality_ok", {{"reference", r.quality_ok_reference}, {"candidate", r.quality_ok_candidate}}},
          {"w1", w1},
          {"w1_reference_halves", halves},
          {"w1_noise_floor", floor},
          {"w1_halves", "mean over " + std::to_string(kHalfSplits) + " half-splits of the reference sample "
                        "(even/odd events, then seeded random halves); noise floor = the mean of each split's W1 x "
                        "sqrt((1/n_reference + 1/n_candidate) / (1/n_half_a + 1/n_half_b))"},
          {"units", units},
          {"parameters", params},
          {"c2st", c2st_json(r.c2st)},
          {"seed", r.seed},
          {"seconds", r.seconds}};
}

}  // namespace wl::fidelity
