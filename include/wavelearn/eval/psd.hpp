#pragma once
// Evaluation of a binary pulse-shape-discrimination (PSD) classifier on held-out events,
// as a physicist needs it: ranking quality (ROC AUC with a bootstrap interval, PR AUC),
// and, at the ONE working point where the model keeps the A/E cut's DEP acceptance
// (working_point.hpp), the survival of each energy region and, on simulation, the
// true single-site efficiency and multi-site rejection, all with exact intervals.
// to_json (json.hpp) writes the contract read by reports:
//   {"n_events", "auc", "auc_ci95": [lo, hi], "pr_auc",
//    "working_point": {"definition", "threshold", "dep_acceptance", "model_dep_acceptance",
//                      "matched", "n_dep",
//                      "survival": {"DEP"|"SEP"|"FEP"|"Compton": {"value", "ci95", "n", "k"}}},
//    "truth": {"DEP"|...: {"sse_efficiency", "sse_efficiency_ci95", "mse_rejection",
//                          "mse_rejection_ci95", "n_sse", "n_mse"}}}
// "truth" only with truth flags; NaN is null. The "ci95" intervals have coverage
// PsdInputs::confidence (0.95 unless the caller changes it; the key names do not).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "wavelearn/eval/roc.hpp"
#include "wavelearn/eval/survival.hpp"
#include "wavelearn/eval/truth.hpp"
#include "wavelearn/eval/working_point.hpp"

namespace wl::eval {

struct PsdInputs {
  std::vector<double> score;               // higher = more signal (single-site) like
  std::vector<uint8_t> is_signal;          // the label
  std::vector<double> energy_kev;          // may be empty: then no working point / survival
  std::vector<uint8_t> ae_pass;            // A/E cut decisions, may be empty
  std::vector<uint8_t> truth_single_site;  // may be empty (real data); needs energy_kev
  int bootstrap_replicas = 200;            // < 2: no AUC interval (null bounds)
  uint64_t seed = 1;
  int threads = 1;
  double confidence = 0.95;
};

struct PsdEvaluation {
  std::size_t n_events = 0;
  // auc.auc is NaN when a class is missing; lower/upper are NaN without a bootstrap.
  AucInterval auc;
  double pr_auc = std::numeric_limits<double>::quiet_NaN();  // NaN without signal events
  DepWorkingPoint wp;
  std::vector<RegionSurvival> survival;  // default_truth_regions() at wp.threshold
  std::vector<RegionCutResult> truth;    // same regions; empty without truth flags
};

// Scores must be finite (InputError naming the event: a model emitting NaN is broken, and
// no AUC should hide it); sizes of the optional vectors must be 0 or n_events.
PsdEvaluation evaluate_psd(const PsdInputs& in);

// The reference evaluated as a fixed cut: survival and truth of `pass` itself (e.g. the
// A/E cut's decisions). wp.definition is "fixed cut", wp.threshold NaN, dep_acceptance =
// model_dep_acceptance = the cut's own DEP survival, matched when the DEP window has
// events. No AUC (NaN). truth_single_site may be empty.
PsdEvaluation evaluate_cut(const std::vector<uint8_t>& pass, const std::vector<double>& energy_kev,
                           const std::vector<uint8_t>& truth_single_site, double confidence = 0.95);

// Warnings, one sentence each, where the model is worse than the reference (e.g. the A/E
// cut, from evaluate_cut) at the same working point. "Worse" is decided by intervals,
// never by point estimates: a warning needs the two Clopper-Pearson intervals to be
// disjoint, i.e.
//   - survival in SEP, FEP or Compton (background-like regions): model.lo > reference.hi;
//   - truth multi-site rejection or single-site efficiency, in any region present in
//     both: model.hi < reference.lo.
// Disjoint 95 % intervals are a stricter test than a two-sided 5 % test of the
// difference (about 0.6 % for intervals of equal width; 5 % only when one interval is
// negligibly narrow), and Clopper-Pearson intervals over-cover, so a warning is a real,
// not a fluctuating, deficit. The converse does not hold: no warning does not mean
// "at least as good", only "not shown worse by these events". Regions are paired by name;
// one with no events on either side is skipped. An unmatched model working point adds a
// warning that the comparison is not at equal DEP acceptance.
std::vector<std::string> worse_than_reference(const PsdEvaluation& model,
                                              const PsdEvaluation& reference,
                                              const std::string& reference_name);

}  // namespace wl::eval
