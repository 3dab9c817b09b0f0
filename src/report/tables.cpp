#include "wavelearn/report/tables.hpp"

#include <cmath>

namespace wl::report {
namespace {
std::string pct(double v) { return std::isfinite(v) ? format_number(100.0 * v, 4) + " %" : "n/a"; }
}  // namespace

Table binary_summary_table(const eval::BinaryEvaluation& e) {
  Table t;
  t.caption = "Threshold-independent metrics (test sample)";
  t.header = {"metric", "value"};
  t.rows.push_back({"ROC AUC", format_number(e.roc.auc, 5)});
  if (e.auc.replicas > 0) {
    t.rows.push_back(
        {"AUC " + format_number(100 * e.auc.confidence, 3) + " % bootstrap interval (" +
             std::to_string(e.auc.replicas) + " replicas)",
         "[" + format_number(e.auc.lower, 5) + ", " + format_number(e.auc.upper, 5) + "]"});
  }
  t.rows.push_back({"signal events", std::to_string(e.roc.n_signal)});
  t.rows.push_back({"background events", std::to_string(e.roc.n_background)});
  for (const auto& r : e.efficiency_at_rejection) {
    t.rows.push_back(
        {"signal efficiency at " + pct(r.background_rejection) + " background rejection",
         pct(r.signal_efficiency)});
  }
  for (const auto& w : e.working_points) {
    t.rows.push_back({"threshold for " + pct(w.signal_efficiency) + " signal efficiency",
                      format_number(w.threshold, 5) + " (background rejection " +
                          pct(w.background_rejection) + ")"});
  }
  return t;
}

Table confusion_table(const eval::ConfusionMatrix& cm) {
  Table t;
  t.caption = "Confusion matrix at threshold " + format_number(cm.threshold) +
              " (score > threshold is signal)";
  t.header = {"quantity", "value"};
  t.rows = {{"TP", std::to_string(cm.tp)},
            {"FP", std::to_string(cm.fp)},
            {"FN", std::to_string(cm.fn)},
            {"TN", std::to_string(cm.tn)},
            {"TPR (signal efficiency, recall)", format_number(cm.tpr())},
            {"FPR", format_number(cm.fpr())},
            {"background rejection", format_number(cm.background_rejection())},
            {"accuracy", format_number(cm.accuracy())},
            {"precision", format_number(cm.precision())},
            {"F1", format_number(cm.f1())}};
  return t;
}

Table multiclass_table(const eval::MulticlassConfusion& m, const std::vector<std::string>& names) {
  Table t;
  t.caption = "Per-class metrics (accuracy " + format_number(m.accuracy()) + ", macro F1 " +
              format_number(m.macro_f1()) + ")";
  t.header = {"class", "events", "precision", "recall", "F1"};
  for (int k = 0; k < m.n_classes; ++k) {
    std::size_t n = 0;
    for (auto c : m.counts[k]) n += c;
    t.rows.push_back({k < static_cast<int>(names.size()) ? names[k] : std::to_string(k),
                      std::to_string(n), format_number(m.precision(k)), format_number(m.recall(k)),
                      format_number(m.f1(k))});
  }
  return t;
}

Table overtraining_table(const eval::OvertrainingCheck& c) {
  Table t;
  t.caption = "Overtraining check: Kolmogorov-Smirnov test, train vs test scores";
  t.header = {"class", "KS statistic D", "p-value", "train events", "test events"};
  t.rows.push_back({"signal", format_number(c.signal.statistic), format_number(c.signal.p_value),
                    std::to_string(c.signal.n_a), std::to_string(c.signal.n_b)});
  t.rows.push_back({"background", format_number(c.background.statistic),
                    format_number(c.background.p_value), std::to_string(c.background.n_a),
                    std::to_string(c.background.n_b)});
  return t;
}

Table regression_table(const eval::RegressionMetrics& m, const std::string& unit) {
  Table t;
  t.caption = "Regression metrics (residual = predicted - true)";
  t.header = {"metric", "value"};
  t.rows = {{"events", std::to_string(m.n)},
            {"MSE [" + unit + "^2]", format_number(m.mse)},
            {"RMSE [" + unit + "]", format_number(m.rmse)},
            {"MAE [" + unit + "]", format_number(m.mae)},
            {"mean residual [" + unit + "]", format_number(m.mean_residual)},
            {"median residual [" + unit + "]", format_number(m.median_residual)},
            {"FWHM, interpolated half maximum [" + unit + "]",
             format_number(m.resolution.fwhm_interpolated)},
            {"FWHM, Gaussian fit [" + unit + "]", format_number(m.resolution.fwhm_gaussian)}};
  return t;
}

Table resolution_table(const std::vector<eval::ResolutionBin>& bins, const std::string& caption) {
  Table t;
  t.caption = caption;
  t.header = {"region",
              "true energy [keV]",
              "events",
              "median residual [keV]",
              "FWHM interp. [keV]",
              "FWHM Gauss [keV]"};
  for (const auto& b : bins) {
    t.rows.push_back({b.name.empty() ? "bin" : b.name,
                      format_number(b.lo_kev, 6) + " - " + format_number(b.hi_kev, 6),
                      std::to_string(b.n), format_number(b.median_residual_kev),
                      format_number(b.resolution.fwhm_interpolated),
                      format_number(b.resolution.fwhm_gaussian)});
  }
  return t;
}

Table truth_table(const std::vector<eval::CutTruthEvaluation>& cuts) {
  Table t;
  t.caption = "Truth-level: efficiency for true single-site, rejection of true multi-site events";
  t.header = {"region", "cut", "true SS", "true MS", "SS efficiency", "MS rejection", "survival"};
  if (cuts.empty()) return t;
  for (std::size_t r = 0; r < cuts.front().regions.size(); ++r) {
    for (const auto& c : cuts) {
      if (r >= c.regions.size()) continue;
      const auto& x = c.regions[r];
      t.rows.push_back({x.region.name + " (" + format_number(x.region.lo_kev, 6) + "-" +
                            format_number(x.region.hi_kev, 6) + " keV)",
                        c.cut_name, std::to_string(x.n_single_site), std::to_string(x.n_multi_site),
                        pct(x.single_site_efficiency), pct(x.multi_site_rejection),
                        pct(x.survival_fraction)});
    }
  }
  return t;
}

}  // namespace wl::report
