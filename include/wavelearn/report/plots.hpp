#pragma once
// The report's plots, from plain vectors and eval structs. Each writes <stem>.png and
// <stem>.svg (atomically; force allows replacing) and returns the two paths.
#include <filesystem>
#include <string>
#include <vector>

#include "wavelearn/eval/confusion.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/eval/roc.hpp"

namespace wl::report {

using Paths = std::vector<std::filesystem::path>;

// One row of history.csv: per-epoch losses (NaN where a value is missing).
struct HistoryRow {
  int epoch = 0;
  double train_loss = 0.0;
  double val_loss = 0.0;
};
Paths plot_loss_curves(const std::vector<HistoryRow>& history, const std::filesystem::path& stem,
                       bool force = false);

struct LabelledRoc {
  std::string label;  // the legend shows "label (AUC = 0.912)"
  const eval::RocCurve* curve;
};
// Signal efficiency versus background rejection is what PSD papers show; this plot uses
// the lectures' TPR versus FPR with the random-guess diagonal.
Paths plot_roc(const std::vector<LabelledRoc>& curves, const std::filesystem::path& stem,
               bool force = false);

// Normalised score histograms of signal and background, train (dashed) and test (solid):
// the TMVA overtraining plot. KS p-values go in the legend when given (>= 0).
struct ScoreSample {
  std::vector<double> score;
  std::vector<uint8_t> is_signal;
};
Paths plot_score_distributions(const ScoreSample& train, const ScoreSample& test,
                               const std::filesystem::path& stem, bool force = false,
                               double ks_p_signal = -1, double ks_p_background = -1,
                               std::size_t n_bins = 50);

Paths plot_confusion_matrix(const eval::MulticlassConfusion& m,
                            const std::vector<std::string>& class_names,
                            const std::filesystem::path& stem, bool force = false);
// Binary matrix laid out as rows true (signal, background) x columns predicted.
Paths plot_confusion_matrix(const eval::ConfusionMatrix& cm, const std::filesystem::path& stem,
                            bool force = false);

// Counts per keV bin before and after a cut (log y), the 228Th peaks marked.
Paths plot_energy_spectrum(const std::vector<double>& energy_kev, const std::vector<uint8_t>& pass,
                           const std::string& cut_name, const std::filesystem::path& stem,
                           bool force = false, double lo_kev = 0, double hi_kev = 3000,
                           double bin_kev = 5);

Paths plot_residuals(const eval::RegressionMetrics& m, const std::string& unit,
                     const std::filesystem::path& stem, bool force = false);
Paths plot_resolution_vs_energy(const std::vector<eval::ResolutionBin>& bins,
                                const std::vector<eval::ResolutionBin>& peaks,
                                const std::filesystem::path& stem, bool force = false);

struct WaveformExample {
  std::string class_name;
  std::vector<float> samples;
  double sample_period_ns = 10.0;  // from the file, never assumed
};
// Each waveform min-max normalised so shapes compare; one colour per class.
Paths plot_waveforms(const std::vector<WaveformExample>& examples,
                     const std::filesystem::path& stem, bool force = false);

}  // namespace wl::report
