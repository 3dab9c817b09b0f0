#include "wavelearn/eval/psd.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/pr.hpp"

namespace wl::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// An optional per-event vector is either absent (empty) or one entry per event.
void check_optional(std::size_t size, std::size_t n_events, const std::string& what) {
  if (size != 0 && size != n_events) {
    throw wl::core::InputError(what + ": " + std::to_string(size) + " entries for " +
                               std::to_string(n_events) + " events");
  }
}

void check_confidence(double confidence, const char* what) {
  if (!(confidence > 0.0 && confidence < 1.0))
    throw wl::core::InputError(std::string(what) + ": confidence must be in (0, 1)");
}

AucInterval no_auc(double confidence, uint64_t seed) {
  AucInterval a;
  a.auc = a.lower = a.upper = a.std_error = kNaN;
  a.confidence = confidence;
  a.seed = seed;
  return a;
}

// The ROC AUC, with its bootstrap interval when asked for; NaN when a class is missing
// (one class cannot be ranked against the other) rather than an exception, so that a
// small or one-sided subset still gets its survival and truth tables.
AucInterval auc_of(const PsdInputs& in) {
  AucInterval a = no_auc(in.confidence, in.seed);
  const auto n_signal = static_cast<std::size_t>(
      std::count_if(in.is_signal.begin(), in.is_signal.end(), [](uint8_t y) { return y != 0; }));
  if (n_signal == 0 || n_signal == in.is_signal.size()) return a;
  if (in.bootstrap_replicas >= 2) {
    return roc_auc_bootstrap(in.score, in.is_signal, in.bootstrap_replicas, in.seed, in.confidence,
                             in.threads);
  }
  a.auc = roc_auc(in.score, in.is_signal);
  return a;
}

void check_inputs(const PsdInputs& in) {
  const std::size_t n = in.score.size();
  detail::check_same_size(n, in.is_signal.size(), "evaluate_psd");
  check_optional(in.energy_kev.size(), n, "evaluate_psd (energy_kev)");
  check_optional(in.ae_pass.size(), n, "evaluate_psd (ae_pass)");
  check_optional(in.truth_single_site.size(), n, "evaluate_psd (truth_single_site)");
  // Both are only meaningful per energy region: silently dropping them would hide a bug.
  if (in.energy_kev.empty() && !(in.ae_pass.empty() && in.truth_single_site.empty())) {
    throw wl::core::InputError(
        "evaluate_psd: A/E decisions and truth flags need the events' energies");
  }
  detail::check_finite(in.score, "evaluate_psd (score)");
  check_confidence(in.confidence, "evaluate_psd");
}

}  // namespace

PsdEvaluation evaluate_psd(const PsdInputs& in) {
  check_inputs(in);
  PsdEvaluation e;
  e.n_events = in.score.size();
  e.auc = auc_of(in);
  // Average precision needs signal events (recall); without background it is 1.
  if (std::any_of(in.is_signal.begin(), in.is_signal.end(), [](uint8_t y) { return y != 0; }))
    e.pr_auc = pr_auc(in.score, in.is_signal);
  if (in.energy_kev.empty()) return e;
  e.wp = dep_working_point(in.score, in.energy_kev, in.ae_pass);
  const auto pass = pass_from_score(in.score, e.wp.threshold);
  const auto regions = default_truth_regions();
  e.survival = survival_by_region(pass, in.energy_kev, regions, in.confidence);
  if (!in.truth_single_site.empty()) {
    e.truth =
        truth_evaluation("model", pass, in.truth_single_site, in.energy_kev, regions, in.confidence)
            .regions;
  }
  return e;
}

PsdEvaluation evaluate_cut(const std::vector<uint8_t>& pass, const std::vector<double>& energy_kev,
                           const std::vector<uint8_t>& truth_single_site, double confidence) {
  detail::check_same_size(pass.size(), energy_kev.size(), "evaluate_cut (cut vs energy)");
  check_optional(truth_single_site.size(), pass.size(), "evaluate_cut (truth_single_site)");
  check_confidence(confidence, "evaluate_cut");
  PsdEvaluation e;
  e.n_events = pass.size();
  e.auc = no_auc(confidence, 0);
  e.wp.definition = "fixed cut";
  const auto regions = default_truth_regions();
  e.survival = survival_by_region(pass, energy_kev, regions, confidence);
  for (const auto& s : e.survival) {
    if (s.region.name != "DEP") continue;
    e.wp.n_dep = s.survival.n;
    e.wp.dep_acceptance = e.wp.model_dep_acceptance = s.survival.value;
    e.wp.matched = s.survival.n > 0;
  }
  if (!truth_single_site.empty()) {
    e.truth =
        truth_evaluation("cut", pass, truth_single_site, energy_kev, regions, confidence).regions;
  }
  return e;
}

}  // namespace wl::eval
