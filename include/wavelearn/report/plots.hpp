#pragma once
// The report's plots, from plain vectors (and the eval structs already used here, so the
// module stays independent of the model code). Each writes <stem>.png and <stem>.svg
// atomically, replacing files already there (the run directory applies the overwrite rule
// once, when it is claimed), and returns the two paths, PNG first.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "wavelearn/eval/confusion.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/eval/roc.hpp"

namespace wl::report {

using Paths = std::vector<std::filesystem::path>;

// ---- Training -----------------------------------------------------------------------

// One row of history.csv; NaN where a value is missing.
struct HistoryRow {
  int epoch = 0;
  double train_loss = 0.0;
  double val_loss = 0.0;
  double val_metric = std::numeric_limits<double>::quiet_NaN();  // history.csv's val_<metric>
};
// Train and validation loss per epoch (log y when they span more than a factor 20). When
// rows carry a validation metric, a second panel below shows it per epoch, named
// metric_name (e.g. "auc" from the column val_auc).
// step names the x axis: "epoch" for networks, "boosting round" for trees.
Paths plot_loss_curves(const std::vector<HistoryRow>& history, const std::filesystem::path& stem,
                       const std::string& metric_name = "", const std::string& step = "epoch");

// ---- Classification -----------------------------------------------------------------

struct LabelledRoc {
  std::string label;  // the legend shows "label (AUC = 0.9123)"
  const eval::RocCurve* curve;
  // A working point on the curve (e.g. the threshold keeping the A/E cut's DEP acceptance)
  // as signal and background efficiencies; NaN: not marked.
  double wp_signal_efficiency = std::numeric_limits<double>::quiet_NaN();
  double wp_background_efficiency = std::numeric_limits<double>::quiet_NaN();
};
// Signal efficiency (x, linear 0..1) versus background rejection 1/eps_bkg (y, log), the
// convention of PSD papers: good models are not squashed into a corner. One curve per
// model with its AUC in the legend, each curve's working point marked in its colour (one
// legend entry, wp_legend), the random guess (rejection = 1/efficiency) dashed.
Paths plot_roc(const std::vector<LabelledRoc>& curves, const std::filesystem::path& stem,
               const std::string& wp_legend = "A/E DEP-acceptance working point");

// Normalised score histograms of signal and background, train (dashed) and test (solid):
// the TMVA overtraining plot. KS p-values go in the legend when given (>= 0).
struct ScoreSample {
  std::vector<double> score;
  std::vector<uint8_t> is_signal;
};
struct ScorePlotOptions {
  double ks_p_signal = -1;
  double ks_p_background = -1;
  std::size_t n_bins = 50;
  std::string test_name = "test";  // what the solid histograms are ("test", "validation", ...)
};
Paths plot_score_distributions(const ScoreSample& train, const ScoreSample& test,
                               const std::filesystem::path& stem,
                               const ScorePlotOptions& options = {});

Paths plot_confusion_matrix(const eval::MulticlassConfusion& m,
                            const std::vector<std::string>& class_names,
                            const std::filesystem::path& stem);
// Binary matrix laid out as rows true (signal, background) x columns predicted.
Paths plot_confusion_matrix(const eval::ConfusionMatrix& cm, const std::filesystem::path& stem);

// ---- Energy spectra and pulse-shape cuts ----------------------------------------------

// An energy window [lo_kev, hi_kev) cut into bins of bin_kev.
struct EnergyBinning {
  double lo_kev = 0;
  double hi_kev = 3000;
  double bin_kev = 5;
};

// Counts per bin before and after a cut (log y), with the 228Th lines inside the window
// labelled at their peaks: 212Pb 238.6, 208Tl 583.2, 212Bi 727.3, 208Tl 860.6, DEP 1592.5,
// SEP 2103.5, FEP 2614.5 keV.
Paths plot_energy_spectrum(const std::vector<double>& energy_kev, const std::vector<uint8_t>& pass,
                           const std::string& cut_name, const std::filesystem::path& stem,
                           const EnergyBinning& binning = {});

// A/E versus energy as a 2-D histogram (log colour scale). The A/E axis spans the 0.5 to
// 99.5 percentiles of the events in the energy window, padded by 10 % each side, so a few
// outliers do not flatten the band; the title counts every event outside the frame.
Paths plot_avse_vs_energy(const std::vector<double>& energy_kev, const std::vector<double>& avse,
                          const std::filesystem::path& stem,
                          const EnergyBinning& binning = {0, 3000, 10},
                          std::size_t n_avse_bins = 100);

// The fraction of events a cut keeps, per energy bin [lo_kev, hi_kev). err_lo and err_hi
// are the BOUNDS of the interval (e.g. Clopper-Pearson at 68.3 %), not deltas from value.
// A NaN value (an empty bin) draws no point; a NaN bound draws no bar.
struct SurvivalCurve {
  std::string name;
  std::vector<double> lo_kev, hi_kev, value, err_lo, err_hi;
};
// One marker style and colour per cut, bins as horizontal bars, intervals as vertical
// bars, and the 228Th peaks marked with labelled vertical lines.
Paths plot_survival_fraction(const std::vector<SurvivalCurve>& curves,
                             const std::filesystem::path& stem);

// ---- Regression ---------------------------------------------------------------------

// Predicted versus true value as a 2-D histogram (log colour scale) with the diagonal.
// Both axes span the 0.1 to 99.9 percentiles of the true values, padded by 5 %; the title
// counts the events outside the frame. quantity and unit label the axes ("energy", "keV").
Paths plot_predicted_vs_true(const std::vector<double>& truth, const std::vector<double>& predicted,
                             const std::string& quantity, const std::string& unit,
                             const std::filesystem::path& stem, std::size_t n_bins = 100);

// Residuals (predicted - true), one value per event: a log-y histogram of the core
// (median +- 6 robust sigma, or the full range when that is narrower) with the events
// below and above it counted on the plot together with the most extreme values, and
// non-finite residuals counted too, so no event is hidden. fwhm (in `unit`) is shown
// when finite.
Paths plot_residuals(const std::vector<double>& residual, const std::string& unit,
                     const std::filesystem::path& stem,
                     double fwhm = std::numeric_limits<double>::quiet_NaN());

Paths plot_resolution_vs_energy(const std::vector<eval::ResolutionBin>& bins,
                                const std::vector<eval::ResolutionBin>& peaks,
                                const std::filesystem::path& stem);

// One estimator's residuals per bin of an x quantity (e.g. drift time): bin [x_lo, x_hi),
// the median and the 16th and 84th percentiles of its residuals.
struct ResidualProfile {
  std::string name;
  std::vector<double> x_lo, x_hi, median, p16, p84;
};
// Each profile as markers at the bin centres (offset a little so profiles do not hide each
// other) with the 16-84 % band as bars and the bin extent as horizontal bars; a dashed
// zero line. x_label names the quantity with its unit, unit is the residuals'.
Paths plot_residual_profiles(const std::vector<ResidualProfile>& profiles, const std::string& x_label,
                             const std::string& unit, const std::filesystem::path& stem);

// ---- Explanations -------------------------------------------------------------------

// Mean |SHAP| per feature as horizontal bars with the feature names on the axis and the
// value at each bar's end, largest on top; at most max_features bars (the largest).
Paths plot_shap_importance(const std::vector<std::string>& features,
                           const std::vector<double>& mean_abs_shap,
                           const std::filesystem::path& stem, std::size_t max_features = 30);

// SHAP beeswarm: one row per feature (largest mean |SHAP| on top, at most max_features),
// x = SHAP value in log-odds, points spread vertically where they are dense, coloured by
// the feature's value (blue low -> red high over its 5-95 % percentile range; grey when
// missing) with a colour bar. shap and feature_value are row-major n_events x n_features.
Paths plot_shap_beeswarm(const std::vector<std::string>& features, const std::vector<float>& shap,
                         const std::vector<float>& feature_value, const std::filesystem::path& stem,
                         std::size_t max_features = 20);

// ---- Waveforms ----------------------------------------------------------------------

struct WaveformExample {
  std::string class_name;
  std::vector<float> samples;
  double sample_period_ns = 10.0;  // from the file, never assumed
};
// Each waveform min-max normalised so shapes compare; one colour per class.
Paths plot_waveforms(const std::vector<WaveformExample>& examples,
                     const std::filesystem::path& stem);

}  // namespace wl::report
