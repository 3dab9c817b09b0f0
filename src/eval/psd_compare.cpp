// worse_than_reference: the warnings a report page shows when the model loses to the
// reference cut by more than the statistics allow (see psd.hpp for the rule).
#include <cmath>
#include <cstdio>
#include <string>

#include "wavelearn/eval/psd.hpp"

namespace wl::eval {
namespace {

// "12.3 % [10.1 %, 14.8 %] (61/500)": the interval and the counts travel with the value.
std::string describe(const Proportion& p) {
  char b[128];
  std::snprintf(b, sizeof b, "%.1f %% [%.1f %%, %.1f %%] (%zu/%zu)", 100.0 * p.value, 100.0 * p.lo,
                100.0 * p.hi, p.k, p.n);
  return b;
}

std::string percent(double confidence) {
  char b[32];
  std::snprintf(b, sizeof b, "%g %%", 100.0 * confidence);
  return b;
}

// True when a's interval lies entirely above b's; false when either has no events.
bool above(const Proportion& a, const Proportion& b) { return a.n > 0 && b.n > 0 && a.lo > b.hi; }

const Proportion* survival_of(const PsdEvaluation& e, const std::string& region) {
  for (const auto& s : e.survival)
    if (s.region.name == region) return &s.survival;
  return nullptr;
}

const RegionCutResult* truth_of(const PsdEvaluation& e, const std::string& region) {
  for (const auto& t : e.truth)
    if (t.region.name == region) return &t;
  return nullptr;
}

// More background-like (mostly multi-site) events survive the model than the reference.
void compare_survival(const PsdEvaluation& model, const PsdEvaluation& reference,
                      const std::string& name, std::vector<std::string>& out) {
  for (const char* region : {"SEP", "FEP", "Compton"}) {
    const Proportion* m = survival_of(model, region);
    const Proportion* r = survival_of(reference, region);
    if (m == nullptr || r == nullptr || !above(*m, *r)) continue;
    out.push_back(std::string(region) + ": " + describe(*m) +
                  " of the events survive the model, more than the " + describe(*r) +
                  " that survive " + name + " (" + percent(m->confidence) +
                  " intervals disjoint).");
  }
}

void compare_truth(const PsdEvaluation& model, const PsdEvaluation& reference,
                   const std::string& name, std::vector<std::string>& out) {
  for (const auto& m : model.truth) {
    const RegionCutResult* r = truth_of(reference, m.region.name);
    if (r == nullptr) continue;
    const std::string disjoint =
        " (" + percent(m.mse_rejection.confidence) + " intervals disjoint).";
    if (above(r->mse_rejection, m.mse_rejection)) {
      out.push_back(m.region.name + ": the model rejects " + describe(m.mse_rejection) +
                    " of true multi-site events, less than " + name + "'s " +
                    describe(r->mse_rejection) + disjoint);
    }
    if (above(r->sse_efficiency, m.sse_efficiency)) {
      out.push_back(m.region.name + ": the model keeps " + describe(m.sse_efficiency) +
                    " of true single-site events, less than " + name + "'s " +
                    describe(r->sse_efficiency) + disjoint);
    }
  }
}

}  // namespace

std::vector<std::string> worse_than_reference(const PsdEvaluation& model,
                                              const PsdEvaluation& reference,
                                              const std::string& reference_name) {
  std::vector<std::string> out;
  if (!model.wp.matched && !(model.survival.empty() && model.truth.empty())) {
    char b[96];
    if (std::isfinite(model.wp.threshold))
      std::snprintf(b, sizeof b, "threshold %g, %zu DEP events", model.wp.threshold,
                    model.wp.n_dep);
    else
      std::snprintf(b, sizeof b, "%zu DEP events", model.wp.n_dep);
    out.push_back("The model's working point (" + std::string(b) +
                  ") is not matched to the A/E DEP acceptance, so the comparison with " +
                  reference_name + " is not at equal DEP acceptance.");
  }
  compare_survival(model, reference, reference_name, out);
  compare_truth(model, reference, reference_name, out);
  return out;
}

}  // namespace wl::eval
