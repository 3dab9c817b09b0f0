#pragma once
// Split conformal prediction: a threshold qhat on a nonconformity score is fitted on
// validation (calibration) events and turns every test prediction into a set of classes
// or an interval that holds the truth with probability >= 1 - alpha, for any model, as
// long as validation and test events are exchangeable (same distribution, no reuse).
// The guarantee is marginal (averaged over events), not per event; coverage is measured
// on test events with a Clopper-Pearson interval to check it.
//
// Classification: nonconformity 1 - p(true class); probs is row-major n x n_classes, y[i]
// in [0, n_classes). Regression: nonconformity |truth - predicted|.
// Every function throws wl::core::InputError on empty input, a size mismatch, a
// non-finite value or probability outside [0, 1], a bad label, or alpha outside (0, 1).
#include <cstddef>
#include <vector>

#include "wavelearn/eval/interval.hpp"

namespace wl::eval {

// The ceil((n + 1)(1 - alpha))-th smallest of the n scores: the finite-sample quantile
// that makes the split-conformal guarantee exact. +infinity when that rank exceeds n
// (too few calibration events for this alpha: every prediction must be maximal).
double conformal_quantile(std::vector<double> scores, double alpha);

struct ConformalSets {
  double alpha, qhat;  // class j is in the set when 1 - p_j <= qhat
};
ConformalSets fit_conformal_classifier(const std::vector<double>& probs, std::size_t n_classes,
                                       const std::vector<int>& y, double alpha);
// One set per event, classes in increasing order; may be empty (no class plausible
// enough) or hold every class (qhat = +inf).
std::vector<std::vector<int>> prediction_sets(const std::vector<double>& probs,
                                              std::size_t n_classes, const ConformalSets& c);

// A binary score p = P(label = 1) as the two-class rows (1 - p, p), for the functions above.
std::vector<double> binary_to_two_class(const std::vector<double>& p);

struct ConformalInterval {
  double alpha, qhat;  // interval predicted +- qhat
};
struct PredictionInterval {
  double lo, hi;
};
ConformalInterval fit_conformal_regressor(const std::vector<double>& predicted,
                                          const std::vector<double>& truth, double alpha);
std::vector<PredictionInterval> prediction_intervals(const std::vector<double>& predicted,
                                                     const ConformalInterval& c);

// How often the truth lies in the set or interval on test events.
struct CoverageReport {
  double alpha;                // the target is coverage >= 1 - alpha
  std::size_t n;               // test events
  Proportion coverage;         // covered / n with its Clopper-Pearson 95 % interval
  double mean_set_size;        // classes per set; NaN for intervals
  double mean_interval_width;  // 2 qhat (+inf when qhat is); NaN for sets
};
CoverageReport set_coverage(const std::vector<double>& probs, std::size_t n_classes,
                            const std::vector<int>& y, const ConformalSets& c);
CoverageReport interval_coverage(const std::vector<double>& predicted,
                                 const std::vector<double>& truth, const ConformalInterval& c);

}  // namespace wl::eval
