#include "wavelearn/report/plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/eval/histogram.hpp"
#include "wavelearn/report/figure.hpp"

namespace wl::report {
namespace fs = std::filesystem;
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::vector<double> edges_of(const eval::Histogram& h) {
  std::vector<double> e(h.n_bins() + 1);
  for (std::size_t i = 0; i <= h.n_bins(); ++i) e[i] = h.lo + i * h.bin_width();
  return e;
}

// Unit-area histogram (density) so classes of different sizes compare.
Series density_series(const std::vector<double>& v, double lo, double hi, std::size_t bins,
                      std::string label, int color, bool dashed) {
  auto h = eval::make_histogram(v, bins, lo, hi);
  const double norm = v.empty() ? 1.0 : 1.0 / (static_cast<double>(v.size()) * h.bin_width());
  for (auto& c : h.counts) c *= norm;
  Series s{std::move(label), edges_of(h), h.counts, color, SeriesStyle::kStep, dashed, 2.0};
  return s;
}

}  // namespace

Paths plot_loss_curves(const std::vector<HistoryRow>& history, const fs::path& stem, bool force) {
  if (history.empty()) throw wl::core::InputError("plot_loss_curves: empty history");
  Figure f;
  f.title = "Loss per epoch";
  f.x_label = "epoch";
  f.y_label = "loss";
  Series tr{"train", {}, {}, 1, SeriesStyle::kLine, false, 2.0};
  Series va{"validation", {}, {}, 2, SeriesStyle::kLine, false, 2.0};
  for (const auto& r : history) {
    tr.x.push_back(r.epoch);
    tr.y.push_back(r.train_loss);
    va.x.push_back(r.epoch);
    va.y.push_back(r.val_loss);
  }
  // Losses spanning over a decade read better on a log axis.
  double lo = INFINITY, hi = 0;
  for (const auto* s : {&tr, &va})
    for (double y : s->y)
      if (y > 0 && std::isfinite(y)) {
        lo = std::min(lo, y);
        hi = std::max(hi, y);
      }
  f.log_y = hi > 0 && hi / lo > 20.0;
  f.series = {tr, va};
  if (history.size() == 1) {
    f.series[0].style = f.series[1].style = SeriesStyle::kPoints;
  }
  return render_figure(f, stem, force);
}

Paths plot_roc(const std::vector<LabelledRoc>& curves, const fs::path& stem, bool force) {
  Figure f;
  f.title = "ROC curve";
  f.x_label = "false positive rate (background efficiency)";
  f.y_label = "true positive rate (signal efficiency)";
  f.x_lo = 0;
  f.x_hi = 1;
  f.y_lo = 0;
  f.y_hi = 1.05;
  f.legend_top_right = false;
  int color = 1;
  for (const auto& c : curves) {
    if (!c.curve) continue;
    Series s{c.label + " (AUC = " + fmt("%.4f", c.curve->auc) + ")",
             {},
             {},
             color++,
             SeriesStyle::kLine,
             false,
             2.5};
    // Thin to ~2000 points: more cannot be seen and bloat the SVG.
    const std::size_t n = c.curve->points.size(), step = std::max<std::size_t>(1, n / 2000);
    for (std::size_t i = 0; i < n; i += step) {
      s.x.push_back(c.curve->points[i].fpr);
      s.y.push_back(c.curve->points[i].tpr);
    }
    s.x.push_back(c.curve->points.back().fpr);
    s.y.push_back(c.curve->points.back().tpr);
    f.series.push_back(std::move(s));
  }
  f.series.push_back(
      {"random guess (AUC = 0.5)", {0, 1}, {0, 1}, 7, SeriesStyle::kLine, true, 1.5});
  return render_figure(f, stem, force);
}

Paths plot_score_distributions(const ScoreSample& train, const ScoreSample& test,
                               const fs::path& stem, bool force, double ks_p_signal,
                               double ks_p_background, std::size_t n_bins) {
  std::vector<double> tr_s, tr_b, te_s, te_b;
  double lo = INFINITY, hi = -INFINITY;
  auto split = [&](const ScoreSample& s, std::vector<double>& sig, std::vector<double>& bkg) {
    if (s.score.size() != s.is_signal.size())
      throw wl::core::InputError("plot_score_distributions: scores and labels differ in length");
    for (std::size_t i = 0; i < s.score.size(); ++i) {
      if (!std::isfinite(s.score[i])) continue;
      (s.is_signal[i] ? sig : bkg).push_back(s.score[i]);
      lo = std::min(lo, s.score[i]);
      hi = std::max(hi, s.score[i]);
    }
  };
  split(train, tr_s, tr_b);
  split(test, te_s, te_b);
  if (!(hi > lo)) {
    lo = std::isfinite(lo) ? lo - 0.5 : 0;
    hi = lo + 1;
  }
  hi += 1e-9 * (hi - lo);  // include the maximum in the last bin
  const std::string ps = ks_p_signal >= 0 ? " (KS p = " + fmt("%.3g", ks_p_signal) + ")" : "";
  const std::string pb =
      ks_p_background >= 0 ? " (KS p = " + fmt("%.3g", ks_p_background) + ")" : "";
  Figure f;
  f.title = "Score distributions: train (dashed) vs test (solid)";
  f.x_label = "score";
  f.y_label = "normalised entries";
  f.log_y = true;
  f.legend_top_right = true;
  if (!te_s.empty())
    f.series.push_back(density_series(te_s, lo, hi, n_bins, "signal, test", 1, false));
  if (!tr_s.empty())
    f.series.push_back(density_series(tr_s, lo, hi, n_bins, "signal, train" + ps, 1, true));
  if (!te_b.empty())
    f.series.push_back(density_series(te_b, lo, hi, n_bins, "background, test", 4, false));
  if (!tr_b.empty())
    f.series.push_back(density_series(tr_b, lo, hi, n_bins, "background, train" + pb, 4, true));
  return render_figure(f, stem, force);
}

Paths plot_confusion_matrix(const eval::MulticlassConfusion& m,
                            const std::vector<std::string>& class_names, const fs::path& stem,
                            bool force) {
  if (class_names.size() != static_cast<std::size_t>(m.n_classes)) {
    throw wl::core::InputError("plot_confusion_matrix: " + std::to_string(class_names.size()) +
                               " class names for " + std::to_string(m.n_classes) + " classes");
  }
  CellGrid g;
  g.title = "Confusion matrix (row-normalised)";
  g.x_label = "predicted class";
  g.y_label = "true class";
  g.x_names = g.y_names = class_names;
  for (int r = 0; r < m.n_classes; ++r) {
    double row = 0;
    for (auto c : m.counts[r]) row += c;
    std::vector<double> shade;
    std::vector<std::string> text;
    for (int c = 0; c < m.n_classes; ++c) {
      const double frac = row > 0 ? m.counts[r][c] / row : 0.0;
      shade.push_back(frac);
      text.push_back(std::to_string(m.counts[r][c]) + " (" + fmt("%.1f", 100 * frac) + "%)");
    }
    g.shade.push_back(shade);
    g.text.push_back(text);
  }
  return render_cells(g, stem, force);
}

Paths plot_confusion_matrix(const eval::ConfusionMatrix& cm, const fs::path& stem, bool force) {
  eval::MulticlassConfusion m;
  m.n_classes = 2;
  m.counts = {{cm.tp, cm.fn}, {cm.fp, cm.tn}};  // rows: true signal, true background
  return plot_confusion_matrix(m, {"signal", "background"}, stem, force);
}

Paths plot_energy_spectrum(const std::vector<double>& energy_kev, const std::vector<uint8_t>& pass,
                           const std::string& cut_name, const fs::path& stem, bool force,
                           double lo_kev, double hi_kev, double bin_kev) {
  if (energy_kev.size() != pass.size())
    throw wl::core::InputError("plot_energy_spectrum: energies and cut flags differ in length");
  if (!(bin_kev > 0) || !(hi_kev > lo_kev))
    throw wl::core::InputError("plot_energy_spectrum: bad energy binning");
  const auto bins = static_cast<std::size_t>(std::ceil((hi_kev - lo_kev) / bin_kev));
  std::vector<double> after;
  for (std::size_t i = 0; i < pass.size(); ++i)
    if (pass[i]) after.push_back(energy_kev[i]);
  const auto hb = eval::make_histogram(energy_kev, bins, lo_kev, lo_kev + bins * bin_kev);
  const auto ha = eval::make_histogram(after, bins, lo_kev, lo_kev + bins * bin_kev);
  Figure f;
  f.title = "Energy spectrum before and after the cut";
  f.x_label = "energy [keV]";
  f.y_label = "counts / " + fmt("%g", bin_kev) + " keV";
  f.log_y = true;
  f.series.push_back({"all events", edges_of(hb), hb.counts, 0, SeriesStyle::kStep, false, 1.5});
  f.series.push_back(
      {"after " + cut_name, edges_of(ha), ha.counts, 1, SeriesStyle::kStep, false, 1.5});
  // Peak markers: thin vertical lines at DEP, SEP, FEP.
  double top = 1;
  for (double c : hb.counts) top = std::max(top, c);
  for (double e : {wl::core::kDepKev, wl::core::kSepKev, wl::core::kTl208PeakKev}) {
    if (e > lo_kev && e < hi_kev)
      f.series.push_back({"", {e, e}, {0.5, top * 1.5}, 7, SeriesStyle::kLine, true, 1.0});
  }
  return render_figure(f, stem, force);
}

Paths plot_residuals(const eval::RegressionMetrics& m, const std::string& unit,
                     const fs::path& stem, bool force) {
  Figure f;
  f.title = "Residuals (predicted - true)";
  f.x_label = "residual [" + unit + "]";
  f.y_label = "events";
  f.series.push_back({"FWHM = " + fmt("%.3g", m.resolution.fwhm_interpolated) + " " + unit +
                          ", RMS = " + fmt("%.3g", m.std_residual),
                      edges_of(m.residuals), m.residuals.counts, 1, SeriesStyle::kStep, false,
                      2.0});
  return render_figure(f, stem, force);
}

Paths plot_resolution_vs_energy(const std::vector<eval::ResolutionBin>& bins,
                                const std::vector<eval::ResolutionBin>& peaks, const fs::path& stem,
                                bool force) {
  Figure f;
  f.title = "Resolution versus energy";
  f.x_label = "true energy [keV]";
  f.y_label = "FWHM of residuals [keV]";
  Series b{"energy bins", {}, {}, 1, SeriesStyle::kLine, false, 2.0};
  for (const auto& r : bins)
    if (std::isfinite(r.resolution.fwhm_interpolated)) {
      b.x.push_back(r.center_kev);
      b.y.push_back(r.resolution.fwhm_interpolated);
    }
  Series p{"228Th peaks", {}, {}, 4, SeriesStyle::kPoints, false, 2.0};
  for (const auto& r : peaks)
    if (std::isfinite(r.resolution.fwhm_interpolated)) {
      p.x.push_back(r.center_kev);
      p.y.push_back(r.resolution.fwhm_interpolated);
    }
  if (!b.x.empty()) f.series.push_back(b);
  if (!p.x.empty()) f.series.push_back(p);
  if (f.series.empty())
    throw wl::core::InputError("plot_resolution_vs_energy: no bin has enough events for a FWHM");
  return render_figure(f, stem, force);
}

Paths plot_waveforms(const std::vector<WaveformExample>& examples, const fs::path& stem,
                     bool force) {
  if (examples.empty()) throw wl::core::InputError("plot_waveforms: no examples");
  Figure f;
  f.title = "Example waveforms per class (min-max normalised)";
  f.x_label = "time [#gms]";
  f.y_label = "normalised amplitude";
  std::map<std::string, int> color_of;
  for (const auto& w : examples) {
    if (w.samples.empty()) continue;
    if (!(w.sample_period_ns > 0))
      throw wl::core::InputError("plot_waveforms: sample period must be > 0 ns");
    const auto [it, fresh] = color_of.emplace(w.class_name, static_cast<int>(color_of.size()) + 1);
    const auto [mn, mx] = std::minmax_element(w.samples.begin(), w.samples.end());
    const double span = *mx > *mn ? *mx - *mn : 1.0;
    Series s{fresh ? w.class_name : "", {}, {}, it->second, SeriesStyle::kLine, false, 1.2};
    for (std::size_t i = 0; i < w.samples.size(); ++i) {
      s.x.push_back(i * w.sample_period_ns * 1e-3);
      s.y.push_back((w.samples[i] - *mn) / span);
    }
    f.series.push_back(std::move(s));
  }
  f.legend_top_right = false;
  return render_figure(f, stem, force);
}

}  // namespace wl::report
