// Training curves: loss per epoch (or boosting round) and, when recorded, the validation
// metric per epoch.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "plot_util.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/plots.hpp"

namespace wl::report {
namespace fs = std::filesystem;
namespace {

constexpr int kPanelHeightPx = 420;  // per panel when loss and metric share a page

// Losses spanning more than a factor 20 read better on a log axis.
bool wants_log(const std::vector<Series>& series) {
  double lo = INFINITY, hi = 0;
  for (const auto& s : series)
    for (double y : s.y)
      if (y > 0 && std::isfinite(y)) lo = std::min(lo, y), hi = std::max(hi, y);
  return hi > 0 && hi / lo > 20.0;
}

// One point per epoch is no line: draw markers instead.
void points_if_single(std::vector<Series>& series, std::size_t n) {
  if (n != 1) return;
  for (auto& s : series) s.style = SeriesStyle::kPoints;
}

Figure loss_panel(const std::vector<HistoryRow>& history, const std::string& step) {
  Figure f;
  f.title = "Loss per " + step;
  f.x_label = step;
  f.y_label = "loss";
  Series tr = detail::line_series("train", {}, {}, 1);
  Series va = detail::line_series("validation", {}, {}, 2);
  for (const auto& r : history) {
    tr.x.push_back(r.epoch);
    tr.y.push_back(r.train_loss);
    va.x.push_back(r.epoch);
    va.y.push_back(r.val_loss);
  }
  f.series = {tr, va};
  f.log_y = wants_log(f.series);
  points_if_single(f.series, history.size());
  return f;
}

// history.csv names metrics in lower case; acronyms read better in capitals.
std::string display_name(const std::string& metric) {
  static const char* kAcronyms[] = {"auc", "rmse", "mse", "mae", "f1", "fwhm"};
  if (metric.empty()) return "metric";
  for (const char* a : kAcronyms)
    if (metric == a) {
      std::string up = metric;
      for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return up;
    }
  return metric;
}

Figure metric_panel(const std::vector<HistoryRow>& history, const std::string& metric_name,
                    const std::string& step) {
  const std::string name = display_name(metric_name);
  Figure f;
  f.title = "Validation " + name + " per " + step;
  f.x_label = step;
  f.y_label = "validation " + name;
  Series s = detail::line_series("validation " + name, {}, {}, 3);
  for (const auto& r : history) {
    s.x.push_back(r.epoch);
    s.y.push_back(r.val_metric);
  }
  f.series = {s};
  points_if_single(f.series, history.size());
  return f;
}

}  // namespace

Paths plot_loss_curves(const std::vector<HistoryRow>& history, const fs::path& stem,
                       const std::string& metric_name, const std::string& step) {
  if (history.empty()) throw wl::core::InputError("plot_loss_curves: empty history");
  const bool has_metric = std::any_of(history.begin(), history.end(), [](const HistoryRow& r) {
    return std::isfinite(r.val_metric);
  });
  if (!has_metric) return render_figure(loss_panel(history, step), stem);
  std::vector<Figure> panels{loss_panel(history, step), metric_panel(history, metric_name, step)};
  for (auto& p : panels) p.height_px = kPanelHeightPx;
  return render_figures(panels, stem);
}

}  // namespace wl::report
