#pragma once
// Probability calibration: does a score of 0.8 mean that 80 % of such events are signal?
// Reliability bins and the expected calibration error (ECE) measure it; temperature
// scaling repairs the commonest failure (a network that is right in ranking but over- or
// under-confident) with one parameter T fitted on validation events, which keeps the
// ranking, hence the ROC, unchanged.
//
// Binary: p[i] is P(label = 1) in [0, 1], y[i] the label, 0 or 1 (doubles, so that the
// per-event columns of a run can be passed as they are). Multiclass: probs is row-major
// n x n_classes, row i the class probabilities of event i; y[i] in [0, n_classes).
// Every function throws wl::core::InputError on empty input, a size mismatch, a
// probability outside [0, 1] or non-finite, or a bad label.
#include <cstddef>
#include <vector>

namespace wl::eval {

// Probabilities are clipped to [kProbabilityClip, 1 - kProbabilityClip] before a logit
// or log is taken, so that a score of exactly 0 or 1 costs a finite loss.
inline constexpr double kProbabilityClip = 1e-7;

// The temperature is searched on [kMinTemperature, kMaxTemperature].
inline constexpr double kMinTemperature = 0.05;
inline constexpr double kMaxTemperature = 20.0;

struct ReliabilityBin {
  double lo, hi;             // bin edges: lo <= p < hi (the last bin includes p = 1)
  std::size_t n;             // events in the bin
  double mean_score;         // mean p in the bin; NaN when n == 0
  double fraction_positive;  // fraction with y = 1; NaN when n == 0
};

// n_bins equal-width bins on [0, 1], all returned (empty ones too). n_bins >= 1.
std::vector<ReliabilityBin> reliability_bins(const std::vector<double>& p,
                                             const std::vector<double>& y, int n_bins = 15);

// sum over bins of (n_b / N) |mean_score_b - fraction_positive_b|, on reliability_bins.
double expected_calibration_error(const std::vector<double>& p, const std::vector<double>& y,
                                  int n_bins = 15);

// The T minimising the mean log-loss of sigmoid(logit(p) / T): golden-section search over
// log T on [log kMinTemperature, log kMaxTemperature] to 1e-6 in log T. T > 1 softens
// over-confident scores. A minimum outside the range returns the nearer end (e.g. all
// labels equal).
double fit_temperature(const std::vector<double>& p, const std::vector<double>& y);

// sigmoid(logit(clip(p)) / t) per event; t > 0 and finite.
std::vector<double> apply_temperature(const std::vector<double>& p, double t);

// The T minimising the mean negative log-likelihood of softmax(log(clip(probs)) / T) of
// the true class; same search as fit_temperature. Rows need not sum to 1 exactly (the
// softmax normalises). n_classes >= 2.
double fit_temperature_multiclass(const std::vector<double>& probs, std::size_t n_classes,
                                  const std::vector<int>& y);

// softmax(log(clip(probs)) / t) per row, row-major like probs; t > 0 and finite.
std::vector<double> apply_temperature_multiclass(const std::vector<double>& probs,
                                                 std::size_t n_classes, double t);

}  // namespace wl::eval
