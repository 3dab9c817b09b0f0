#pragma once
// Step 3 of an evaluation: the figures of merit of the scored events, per score column, for
// every family alike. Binary labels get the physics contract of eval/psd.hpp (AUC with its
// interval, the working point at the A/E cut's DEP acceptance, survival per region, truth
// on simulation), the A/E cut itself as the reference on the same events, and the ROC,
// confusion and train-versus-test check for the plots. Pure: no files, no libtorch.
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/psd.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/run/scorer.hpp"
#include "wavelearn/run/select.hpp"

namespace wl::run {

// Step 2's output: scores of chosen rows (row-major rows.size() x n_columns).
struct ScoredRows {
  std::vector<std::size_t> rows;
  std::vector<double> scores;
  std::size_t n_columns = 0;
  std::vector<double> column(std::size_t c) const;
};

struct BinaryResult {
  std::string label, column;  // target and score column
  std::vector<double> score;  // evaluated events
  std::vector<uint8_t> is_signal;
  std::vector<double> train_score;  // empty without training events
  std::vector<uint8_t> train_is_signal;
  eval::PsdEvaluation psd;
  eval::RocCurve roc;
  eval::ConfusionMatrix confusion;  // at the working point
  std::vector<eval::EfficiencyAtRejection> efficiency_at_rejection;
  std::optional<eval::OvertrainingCheck> overtraining;
  std::vector<uint8_t> pass;  // score > working-point threshold
};

// The traditional cut on the same events: what the model must beat.
struct ReferenceCut {
  std::string name;
  std::vector<uint8_t> pass;
  eval::PsdEvaluation psd;
};

// The width of one 228Th peak in a spectrum: a Gaussian + step fit (dsp::fit_peak, as
// `wavelearn calibrate` does) and the direct half-maximum reading of the same window.
struct PeakWidth {
  double fwhm_fit_kev = std::numeric_limits<double>::quiet_NaN();
  double fwhm_direct_kev = std::numeric_limits<double>::quiet_NaN();
  // The fit's centroid, and its bias: centroid - the line's energy (a calibrated spectrum
  // puts its peaks at the lines; NaN when the fit failed).
  double centroid_kev = std::numeric_limits<double>::quiet_NaN();
  double centroid_err_kev = std::numeric_limits<double>::quiet_NaN();
  double bias_kev = std::numeric_limits<double>::quiet_NaN();
  std::size_t n = 0;       // events in the window
  std::string fit_error;   // empty when the fit converged
};

// One peak in the model's energy spectrum and in the reference spectrum of the same events:
// the trapezoid filter's calibrated energy (the events' energy_label / energy_kev; for an
// energy_label target that is the target itself), else the target.
struct PeakResolution {
  std::string name;
  double energy_kev = 0.0;
  PeakWidth model, reference;
};

// Residuals (estimate - target) of the events in one drift-time bin [lo_ns, hi_ns), for the
// model and for the trapezoid filter (NaN where there is no trapezoid series): the median
// and the 16th and 84th percentiles, in keV. A drift-time-dependent charge deficit shows as
// a median that moves with drift time.
struct DriftTimeBin {
  double lo_ns = 0.0, hi_ns = 0.0;
  std::size_t n = 0;
  double model_median_kev = 0.0, model_p16_kev = 0.0, model_p84_kev = 0.0;
  double trapezoid_median_kev = std::numeric_limits<double>::quiet_NaN();
  double trapezoid_p16_kev = std::numeric_limits<double>::quiet_NaN();
  double trapezoid_p84_kev = std::numeric_limits<double>::quiet_NaN();
};

struct RegressionResult {
  std::string target, unit;
  std::vector<double> predicted, truth;
  eval::RegressionMetrics metrics;
  std::vector<eval::ResolutionBin> by_energy, at_peaks;  // energy targets only
  std::vector<PeakResolution> peaks;                     // energy targets only
  // Energy targets other than the calibrated energy itself (e.g. truth_energy_kev): the
  // trapezoid filter's calibrated energy of the same events, the second estimator of the
  // energy report; empty otherwise.
  std::vector<double> trapezoid;
  std::string drift_time_field;             // "drift_time_ns" (DSP) or "truth_drift_time_ns"
  std::vector<DriftTimeBin> by_drift_time;  // energy targets with a drift-time field
};

// Peak widths and centroids at 583, DEP, SEP and FEP in the model's spectrum and in the
// reference spectrum. target_kev selects the peak events that set the model's fit window.
std::vector<PeakResolution> peak_resolutions(const std::vector<double>& predicted_kev,
                                             const std::vector<double>& reference_kev,
                                             const std::vector<double>& target_kev);

// Residuals versus drift time in n_bins bins of equal population (edges at the quantiles of
// the finite drift times; events with a non-finite drift time are left out); trapezoid_kev
// may be empty.
std::vector<DriftTimeBin> residuals_vs_drift_time(const std::vector<double>& drift_time_ns,
                                                  const std::vector<double>& predicted_kev,
                                                  const std::vector<double>& trapezoid_kev,
                                                  const std::vector<double>& target_kev,
                                                  std::size_t n_bins = 8);

struct MulticlassResult {
  std::vector<std::string> class_names;
  std::vector<int> true_class, predicted_class;
  std::vector<double> one_vs_rest_auc;
};

struct MetricsOptions {
  int bootstrap_replicas = 200;
  uint64_t seed = 1;
  int threads = 1;
};

struct EvaluationResults {
  std::string events;  // "test", "validation", "all"
  std::size_t n_events = 0, n_train = 0;
  std::vector<double> energy_kev;         // evaluated events; empty when the file has none
  std::vector<uint8_t> truth_single_site;  // empty without truth
  std::vector<double> avse;                // the A/E parameter when the events carry one
  std::vector<BinaryResult> binary;        // the primary label first
  std::optional<ReferenceCut> reference;
  std::optional<RegressionResult> regression;
  std::optional<MulticlassResult> multiclass;
  std::vector<std::string> skipped;  // labels not evaluated, and why
};

EvaluationResults compute_metrics(const std::vector<ScoreColumn>& columns, const EventTable& events,
                                  const Selection& selection, const ScoredRows& evaluated,
                                  const ScoredRows& train, const MetricsOptions& o);

// metrics.json's evaluation block: {"events", "n_events", "<events>": the primary label's
// contract (eval/psd.hpp) or the regression/multiclass figures, "labels": every binary
// label's contract, "reference": the A/E cut's, ...}.
nlohmann::json to_json(const EvaluationResults& r);

}  // namespace wl::run
