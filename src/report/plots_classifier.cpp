// Classifier plots: ROC as signal efficiency versus background rejection, score
// distributions (overtraining check) and confusion matrices.
#include <algorithm>
#include <cmath>

#include "plot_util.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/histogram.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/plots.hpp"

namespace wl::report {
namespace fs = std::filesystem;
using detail::fmt;
namespace {

constexpr std::size_t kMaxRocPoints = 2000;  // more cannot be seen and bloat the SVG

// The curve as (signal efficiency, 1/background efficiency); points with no background
// selected have infinite rejection and are left out (a log axis cannot show them).
Series roc_series(const LabelledRoc& c, int color) {
  Series s = detail::line_series(c.label + " (AUC = " + fmt("%.4f", c.curve->auc) + ")", {}, {},
                                 color, false, 2.5);
  const auto& pts = c.curve->points;
  const std::size_t step = std::max<std::size_t>(1, pts.size() / kMaxRocPoints);
  for (std::size_t i = 0; i < pts.size(); i += step) {
    if (!(pts[i].fpr > 0)) continue;
    s.x.push_back(pts[i].tpr);
    s.y.push_back(1.0 / pts[i].fpr);
  }
  if (!pts.empty() && pts.back().fpr > 0) {
    s.x.push_back(pts.back().tpr);
    s.y.push_back(1.0 / pts.back().fpr);
  }
  return s;
}

// A random classifier selects signal and background alike: rejection = 1/efficiency.
Series random_guess() {
  Series s = detail::line_series("random guess (AUC = 0.5)", {}, {}, 7, true, 1.5);
  for (int k = 1; k <= 100; ++k) {
    s.x.push_back(k / 100.0);
    s.y.push_back(100.0 / k);
  }
  return s;
}

}  // namespace

Paths plot_roc(const std::vector<LabelledRoc>& curves, const fs::path& stem,
               const std::string& wp_legend) {
  Figure f;
  f.title = "ROC: signal efficiency vs background rejection";
  f.x_label = "signal efficiency ε#dsig#u";
  f.y_label = "background rejection 1/ε#dbkg#u";
  f.log_y = true;
  f.x_lo = 0;
  f.x_hi = 1.0;
  const Series wp_legend_entry = detail::point_series(wp_legend, {}, {}, 0, Marker::kStar, 1.3);
  int color = 1;
  bool any_wp = false;
  for (const auto& c : curves) {
    if (!c.curve) continue;
    f.series.push_back(roc_series(c, color));
    const double eff = c.wp_signal_efficiency, bkg = c.wp_background_efficiency;
    if (std::isfinite(eff) && std::isfinite(bkg) && bkg > 0) {
      f.series.push_back(detail::point_series("", {eff}, {1.0 / bkg}, color, Marker::kStar, 1.3));
      any_wp = true;
    } else if (std::isfinite(eff) && bkg == 0) {  // infinite rejection: say so, not drop it
      f.notes.push_back(c.label + ": working point (" + fmt("%.3f", eff) + ") keeps no background");
    }
    ++color;
  }
  f.series.push_back(random_guess());
  if (any_wp) f.series.push_back(wp_legend_entry);  // legend only: it has no points
  // Rejection is at least 1: start just below it; leave room above the best curve.
  double top = 1.0;
  for (const auto& s : f.series)
    for (double y : s.y)
      if (std::isfinite(y)) top = std::max(top, y);
  f.y_lo = 0.8;
  f.y_hi = 2.5 * top;
  return render_figure(f, stem);
}

namespace {

// Unit-area histogram (density) so classes of different sizes compare.
Series density_series(const std::vector<double>& v, double lo, double hi, std::size_t bins,
                      std::string label, int color, bool dashed) {
  auto h = eval::make_histogram(v, bins, lo, hi);
  const double norm = v.empty() ? 1.0 : 1.0 / (static_cast<double>(v.size()) * h.bin_width());
  for (auto& c : h.counts) c *= norm;
  return detail::step_series(std::move(label), detail::edges_of(h), h.counts, color, dashed);
}

struct ClassScores {
  std::vector<double> signal, background;
};

ClassScores split_by_class(const ScoreSample& s, double& lo, double& hi) {
  if (s.score.size() != s.is_signal.size())
    throw wl::core::InputError("plot_score_distributions: scores and labels differ in length");
  ClassScores c;
  for (std::size_t i = 0; i < s.score.size(); ++i) {
    if (!std::isfinite(s.score[i])) continue;
    (s.is_signal[i] ? c.signal : c.background).push_back(s.score[i]);
    lo = std::min(lo, s.score[i]);
    hi = std::max(hi, s.score[i]);
  }
  return c;
}

std::string ks_text(double p) { return p >= 0 ? " (KS p = " + fmt("%.3g", p) + ")" : ""; }

}  // namespace

Paths plot_score_distributions(const ScoreSample& train, const ScoreSample& test,
                               const fs::path& stem, const ScorePlotOptions& o) {
  double lo = INFINITY, hi = -INFINITY;
  const ClassScores tr = split_by_class(train, lo, hi), te = split_by_class(test, lo, hi);
  if (!(hi > lo)) {
    lo = std::isfinite(lo) ? lo - 0.5 : 0;
    hi = lo + 1;
  }
  hi += 1e-9 * (hi - lo);  // include the maximum in the last bin
  const std::size_t n = std::max<std::size_t>(1, o.n_bins);
  Figure f;
  f.title = "Score distributions: train (dashed) vs " + o.test_name + " (solid)";
  f.x_label = "classifier score";
  f.y_label = "normalised entries (1/score unit)";
  f.log_y = true;
  auto add = [&](const std::vector<double>& v, const std::string& label, int color, bool dashed) {
    if (!v.empty()) f.series.push_back(density_series(v, lo, hi, n, label, color, dashed));
  };
  add(te.signal, "signal, " + o.test_name, 1, false);
  add(tr.signal, "signal, train" + ks_text(o.ks_p_signal), 1, true);
  add(te.background, "background, " + o.test_name, 4, false);
  add(tr.background, "background, train" + ks_text(o.ks_p_background), 4, true);
  return render_figure(f, stem);
}

Paths plot_confusion_matrix(const eval::MulticlassConfusion& m,
                            const std::vector<std::string>& class_names, const fs::path& stem) {
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
  return render_cells(g, stem);
}

Paths plot_confusion_matrix(const eval::ConfusionMatrix& cm, const fs::path& stem) {
  eval::MulticlassConfusion m;
  m.n_classes = 2;
  m.counts = {{cm.tp, cm.fn}, {cm.fp, cm.tn}};  // rows: true signal, true background
  return plot_confusion_matrix(m, {"signal", "background"}, stem);
}

}  // namespace wl::report
