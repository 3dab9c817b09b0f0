#pragma once
// ROC analysis of a binary classifier score (higher score = more signal-like).
// Conventions follow scikit-learn's roc_curve(drop_intermediate=False): an event is
// selected at threshold t when score >= t; one point per distinct score (tied scores move
// together, so ties give one diagonal step); points ordered by increasing FPR, starting
// at (0, 0) with threshold +inf and ending at (1, 1). AUC is the trapezoid area, which
// equals the Mann-Whitney probability that a random signal outscores a random background
// with ties counted 1/2.
#include <cstdint>
#include <vector>

namespace wl::eval {

struct RocPoint {
  double threshold;  // select score >= threshold
  double fpr;        // background efficiency = 1 - background rejection
  double tpr;        // signal efficiency
};

struct RocCurve {
  std::vector<RocPoint> points;
  double auc = 0.0;
  std::size_t n_signal = 0;
  std::size_t n_background = 0;
};

// Throws wl::core::InputError on size mismatch, NaN scores, or a missing class.
double roc_auc(const std::vector<double>& score, const std::vector<uint8_t>& is_signal);
RocCurve roc_curve(const std::vector<double>& score, const std::vector<uint8_t>& is_signal);

// Percentile bootstrap interval of the AUC: events are resampled with replacement within
// each class (class counts fixed), replica r uses wl::core::Rng(seed, r), so the result
// does not depend on `threads`.
struct AucInterval {
  double auc = 0.0;         // on the full sample
  double lower = 0.0;       // lower percentile of the replicas
  double upper = 0.0;       // upper percentile of the replicas
  double std_error = 0.0;   // standard deviation of the replicas
  double confidence = 0.0;  // e.g. 0.95
  int replicas = 0;
  uint64_t seed = 0;
};
AucInterval roc_auc_bootstrap(const std::vector<double>& score,
                              const std::vector<uint8_t>& is_signal, int replicas = 200,
                              uint64_t seed = 1, double confidence = 0.95, int threads = 1);

// Signal efficiency (TPR) where the background rejection 1 - FPR equals `rejection`,
// linearly interpolated in FPR between ROC points; at an FPR reached exactly, the best TPR
// there. rejection in [0, 1].
double efficiency_at_rejection(const RocCurve& curve, double rejection);

// The highest threshold t whose selection (score >= t) keeps at least `efficiency` of the
// signal, with what it achieves on both classes. efficiency in (0, 1].
struct WorkingPoint {
  double threshold = 0.0;
  double signal_efficiency = 0.0;
  double background_rejection = 0.0;
};
WorkingPoint threshold_for_efficiency(const std::vector<double>& score,
                                      const std::vector<uint8_t>& is_signal, double efficiency);

}  // namespace wl::eval
