// report.html sections of energy regression, multiclass, training and explanations.
#include <cmath>
#include <cstdio>

#include "page_sections.hpp"
#include "wavelearn/report/tables.hpp"

namespace wl::run {

namespace {

constexpr std::size_t kMaxRoundRows = 12;  // boosting tables: every k-th round, not hundreds

std::string kev(double v) { return std::isfinite(v) ? report::format_number(v, 3) : "n/a"; }

// The two estimators side by side at each peak: width (fit and direct) and the fit
// centroid's bias from the line.
report::Table peak_table(const RegressionResult& g, const std::string& events) {
  const std::string ref = g.trapezoid.empty() ? "the trapezoid filter's (calibrated energy, the target)"
                                              : "the trapezoid filter's (calibrated energy_label)";
  report::Table t;
  t.caption = "FWHM and bias (fit centroid - line) at the 228Th peaks: model energy beside " + ref + " on the same " +
              events + " events (keV; fit: Gaussian + step as in `wavelearn calibrate`)";
  t.header = {"peak", "model: FWHM fit", "model: FWHM direct", "model: bias", "model: events",
              "trapezoid: FWHM fit", "trapezoid: FWHM direct", "trapezoid: bias", "trapezoid: events"};
  auto cells = [](const PeakWidth& w, std::vector<std::string>& row) {
    const bool ok = w.fit_error.empty();
    row.push_back(ok ? kev(w.fwhm_fit_kev) : "fit failed");
    row.push_back(kev(w.fwhm_direct_kev));
    row.push_back(ok ? kev(w.bias_kev) + " ± " + kev(w.centroid_err_kev) : "n/a");
    row.push_back(std::to_string(w.n));
  };
  for (const auto& p : g.peaks) {
    char line[32];
    std::snprintf(line, sizeof line, " (%.1f keV)", p.energy_kev);
    std::vector<std::string> row{p.name + (p.name.find("keV") == std::string::npos ? line : "")};
    cells(p.model, row);
    cells(p.reference, row);
    t.rows.push_back(row);
  }
  return t;
}

report::Table drift_table(const RegressionResult& g, bool with_trapezoid) {
  report::Table t;
  t.caption = "Residuals (estimate - " + g.target + ", keV) per bin of " + g.drift_time_field +
              ": median [16 %, 84 %]";
  t.header = {"drift time (ns)", "events", "model"};
  if (with_trapezoid) t.header.push_back("trapezoid filter");
  auto cell = [](double m, double lo, double hi) { return kev(m) + " [" + kev(lo) + ", " + kev(hi) + "]"; };
  for (const auto& d : g.by_drift_time) {
    std::vector<std::string> row{report::format_number(d.lo_ns, 4) + " - " + report::format_number(d.hi_ns, 4),
                                 std::to_string(d.n), cell(d.model_median_kev, d.model_p16_kev, d.model_p84_kev)};
    if (with_trapezoid) row.push_back(cell(d.trapezoid_median_kev, d.trapezoid_p16_kev, d.trapezoid_p84_kev));
    t.rows.push_back(row);
  }
  return t;
}

std::vector<report::ResidualProfile> drift_profiles(const RegressionResult& g, bool with_trapezoid) {
  report::ResidualProfile m{"model", {}, {}, {}, {}, {}}, r{"trapezoid filter", {}, {}, {}, {}, {}};
  for (const auto& d : g.by_drift_time) {
    for (auto* p : {&m, &r}) p->x_lo.push_back(d.lo_ns), p->x_hi.push_back(d.hi_ns);
    m.median.push_back(d.model_median_kev), m.p16.push_back(d.model_p16_kev), m.p84.push_back(d.model_p84_kev);
    r.median.push_back(d.trapezoid_median_kev), r.p16.push_back(d.trapezoid_p16_kev), r.p84.push_back(d.trapezoid_p84_kev);
  }
  if (with_trapezoid) return {m, r};
  return {m};
}

// Residuals versus drift time, both estimators: where charge trapping would show.
void add_drift_time(const RegressionResult& g, const RunDir& out, report::Section& s) {
  if (g.by_drift_time.empty()) return;
  const bool with_trapezoid = !g.trapezoid.empty();
  s.tables.push_back(drift_table(g, with_trapezoid));
  s.images.push_back(image_of(report::plot_residual_profiles(drift_profiles(g, with_trapezoid),
                                                             g.drift_time_field + " (ns)", g.unit,
                                                             out.plots_dir() / "residuals_vs_drift_time"),
                              out, "Residuals versus drift time: model" +
                                       std::string(with_trapezoid ? " and trapezoid filter" : "")));
}

std::vector<double> residuals(const RegressionResult& g) {
  std::vector<double> r(g.predicted.size());
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = g.predicted[i] - g.truth[i];
  return r;
}

report::Table round_table(const std::vector<report::HistoryRow>& h, const std::string& unit) {
  const std::size_t step = std::max<std::size_t>(1, (h.size() + kMaxRoundRows - 1) / kMaxRoundRows);
  report::Table t;
  t.caption = "Loss per " + unit + " (every " + std::to_string(step) + ". " + unit + " and the last)";
  t.header = {unit, "training loss", "validation loss"};
  for (std::size_t i = 0; i < h.size(); ++i)
    if (i % step == 0 || i + 1 == h.size())
      t.rows.push_back({std::to_string(h[i].epoch), report::format_number(h[i].train_loss, 5),
                        report::format_number(h[i].val_loss, 5)});
  return t;
}

}  // namespace

std::vector<report::Section> regression_sections(const PageInputs& in, const RunDir& out) {
  const auto& r = *in.results;
  if (!r.regression) return {};
  const auto& g = *r.regression;
  const auto dir = out.plots_dir();
  report::Section s;
  s.title = "Regression: " + g.target;
  s.paragraphs.push_back("Residual = predicted - target on the " + r.events +
                         " events. Resolution is the FWHM of the residuals and, where it matters for "
                         "physics, the width of the peaks in the model's own energy spectrum.");
  s.tables.push_back(report::regression_table(g.metrics, g.unit));
  if (!g.peaks.empty()) s.tables.push_back(peak_table(g, r.events));
  if (!g.at_peaks.empty()) s.tables.push_back(report::resolution_table(g.at_peaks, "Residual FWHM at the 228Th peaks"));
  s.images.push_back(image_of(report::plot_predicted_vs_true(g.truth, g.predicted, g.target, g.unit, dir / "predicted_vs_true"),
                              out, "Predicted vs target"));
  s.images.push_back(image_of(report::plot_residuals(residuals(g), g.unit, dir / "residuals",
                                                     g.metrics.resolution.fwhm_interpolated), out,
                              "Residuals over their full range (under- and overflow counted)"));
  if (!g.by_energy.empty())
    s.images.push_back(image_of(report::plot_resolution_vs_energy(g.by_energy, g.at_peaks, dir / "resolution"), out,
                                "Residual FWHM versus energy"));
  add_drift_time(g, out, s);
  return {s};
}

std::vector<report::Section> multiclass_sections(const PageInputs& in, const RunDir& out) {
  const auto& r = *in.results;
  if (!r.multiclass) return {};
  const auto& m = *r.multiclass;
  const auto mc = eval::multiclass_confusion(m.true_class, m.predicted_class, static_cast<int>(m.class_names.size()));
  report::Section s;
  s.title = "Multiclass classification (" + r.events + " events)";
  s.tables.push_back(report::multiclass_table(mc, m.class_names));
  s.images.push_back(image_of(report::plot_confusion_matrix(mc, m.class_names, out.plots_dir() / "confusion_multiclass"),
                              out, "Multiclass confusion matrix"));
  return {s};
}

std::vector<report::Section> training_sections(const PageInputs& in, const RunDir& out) {
  if (in.history.empty()) return {};
  const bool boosting = in.record->model_type == "bdt";
  const std::string step = history_step(*in.record);
  report::Section s;
  s.title = "Training";
  if (boosting)
    s.paragraphs.push_back(std::string(in.record->task == "regression" ? "The regression loss (RMSE, or MAE for "
                                                                          "model.regression_loss = absolute_error; a "
                                                                          "residual regression's in per mille)"
                                                                        : "Log-loss") +
                           " per boosting round on the training and validation events; the model keeps the "
                           "round with the lowest validation loss.");
  else if (in.record->family == "neural")
    s.paragraphs.push_back("Loss per epoch on the training and validation events, and the validation metric; the "
                           "exported weights are the best epoch's.");
  else
    s.paragraphs.push_back("Loss per solver iteration on the training and validation events.");
  if (in.training.contains("convergence"))
    s.warnings.push_back("Not converged: " + in.training["convergence"].get<std::string>());
  if (in.training.contains("data_quality") && in.training["data_quality"].contains("warning"))
    s.warnings.push_back("Data quality: " + in.training["data_quality"]["warning"].get<std::string>());
  for (const auto& c : in.training.value("resumed_with_changes", nlohmann::json::array()))
    s.warnings.push_back("Resumed with a change after epoch " + std::to_string(c.value("after_epoch", 0)) + ": " +
                         c.value("key", "") + " " + c.value("before", "") + " -> " + c.value("after", "") +
                         " (--resume-with-changes); the history mixes two configurations.");
  if (in.record->family == "tabular") s.tables.push_back(round_table(in.history, step));
  s.images.push_back(image_of(report::plot_loss_curves(in.history, out.plots_dir() / "training", in.history_metric, step),
                              out, "Loss per " + step + (in.history_metric.empty() ? "" : " and validation metric")));
  return {s};
}

std::vector<report::Section> explanation_sections(const PageInputs& in, const RunDir& out) {
  std::vector<report::Section> sections;
  if (in.has_shap) {
    report::Section s;
    s.title = "Explanation (SHAP)";
    s.paragraphs.push_back("TreeSHAP contributions of each input to the model's log-odds on the held-out events.");
    s.links.push_back({in.shap_prefix + "shap.html",
                       "SHAP explanations: importance, beeswarm and per-event breakdowns (shap.html)"});
    s.images.push_back({in.shap_prefix + "plots/shap_importance.png", "Mean |SHAP| per input"});
    s.images.push_back({in.shap_prefix + "plots/shap_beeswarm.png", "SHAP value per event, coloured by the input's value"});
    sections.push_back(s);
  }
  if (!in.waveforms.empty()) {
    report::Section s;
    s.title = "Example waveforms";
    s.images.push_back(image_of(report::plot_waveforms(in.waveforms, out.plots_dir() / "waveforms"), out,
                                "Example waveforms per class (the model's input window)"));
    sections.push_back(s);
  }
  return sections;
}

}  // namespace wl::run
