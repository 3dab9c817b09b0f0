// SHAP plots with the feature names on the axis: the mean |SHAP| bar chart and the
// beeswarm coloured by feature value.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "plot_util.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/plots.hpp"

namespace wl::report {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kSwarmBins = 80;  // SHAP-value bins in which points stack vertically
constexpr double kRowHalfHeight = 0.4;  // a row's swarm stays inside its category band

// Feature indices by decreasing importance (stable: ties keep the input order), at most n.
std::vector<std::size_t> top_features(const std::vector<double>& importance, std::size_t n) {
  std::vector<std::size_t> order(importance.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return importance[a] > importance[b]; });
  if (order.size() > n) order.resize(n);
  return order;
}

// Rank 0 (most important) on top: category k is drawn at y = k from the bottom.
void name_rows(Figure& f, const std::vector<std::string>& names,
               const std::vector<std::size_t>& order) {
  f.y_categories.resize(order.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    f.y_categories[order.size() - 1 - k] = names[order[k]];
  f.height_px = std::max(420, 120 + 34 * static_cast<int>(order.size()));
}

std::string shown_of(std::size_t shown, std::size_t total) {
  return shown < total ? " (top " + std::to_string(shown) + " of " + std::to_string(total) + ")"
                       : "";
}

// Feature value -> [0, 1] over its 5-95 % range, as SHAP colours it; NaN stays NaN.
std::vector<double> color_values(const std::vector<double>& v) {
  const double lo = detail::quantile(v, 0.05), hi = detail::quantile(v, 0.95);
  std::vector<double> c(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]))
      c[i] = NAN;
    else
      c[i] = hi > lo ? std::clamp((v[i] - lo) / (hi - lo), 0.0, 1.0) : 0.5;
  }
  return c;
}

// y offsets that stack points sharing a SHAP-value bin alternately above and below the
// row's centre, scaled so the densest bin fills the row: the swarm's width shows density.
std::vector<double> swarm_offsets(const std::vector<double>& x, double x_lo, double x_hi) {
  std::vector<std::size_t> seen(kSwarmBins, 0);
  std::vector<double> layer(x.size(), 0.0);
  double max_layer = 1;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) continue;
    const double u = x_hi > x_lo ? (x[i] - x_lo) / (x_hi - x_lo) : 0.5;
    const auto b =
        std::min(kSwarmBins - 1, static_cast<std::size_t>(std::max(0.0, u) * kSwarmBins));
    const std::size_t m = seen[b]++;
    layer[i] = static_cast<double>((m + 1) / 2) * (m % 2 ? 1.0 : -1.0);
    max_layer = std::max(max_layer, std::fabs(layer[i]));
  }
  const double step = std::min(kRowHalfHeight / max_layer, 0.05);
  for (auto& l : layer) l *= step;
  return layer;
}

}  // namespace

Paths plot_shap_importance(const std::vector<std::string>& features,
                           const std::vector<double>& mean_abs_shap, const fs::path& stem,
                           std::size_t max_features) {
  if (features.size() != mean_abs_shap.size() || features.empty())
    throw wl::core::InputError("plot_shap_importance: need one importance per feature");
  const auto order = top_features(mean_abs_shap, std::max<std::size_t>(1, max_features));
  Figure f;
  f.title = "SHAP feature importance" + shown_of(order.size(), features.size());
  f.x_label = "mean |SHAP value| (log-odds)";
  f.y_label = "feature";
  name_rows(f, features, order);
  Series bars = detail::line_series("", {}, {}, 1);
  bars.style = SeriesStyle::kHBars;
  const double top = std::max(1e-12, mean_abs_shap[order.front()]);
  for (std::size_t k = 0; k < order.size(); ++k) {
    const double y = static_cast<double>(order.size() - 1 - k), v = mean_abs_shap[order[k]];
    bars.x.push_back(v);
    bars.y.push_back(y);
    f.annotations.push_back({v + 0.01 * top, y, detail::fmt("%.3g", v), 0.0, 0.0, 0, 0.75});
  }
  f.series.push_back(std::move(bars));
  f.x_lo = 0;
  f.x_hi = 1.15 * top;  // room for the value written after the longest bar
  return render_figure(f, stem);
}

Paths plot_shap_beeswarm(const std::vector<std::string>& features, const std::vector<float>& shap,
                         const std::vector<float>& feature_value, const fs::path& stem,
                         std::size_t max_features) {
  const std::size_t nf = features.size();
  if (nf == 0 || shap.size() % nf != 0 || shap.size() != feature_value.size())
    throw wl::core::InputError(
        "plot_shap_beeswarm: need n_events x n_features SHAP and feature values");
  const std::size_t n = shap.size() / nf;
  std::vector<double> importance(nf, 0.0);
  double x_lo = INFINITY, x_hi = -INFINITY;
  for (std::size_t i = 0; i < n * nf; ++i) {
    if (!std::isfinite(shap[i])) continue;
    importance[i % nf] += std::fabs(shap[i]);
    x_lo = std::min<double>(x_lo, shap[i]);
    x_hi = std::max<double>(x_hi, shap[i]);
  }
  const auto order = top_features(importance, std::max<std::size_t>(1, max_features));
  Figure f;
  f.title = "SHAP values per event" + shown_of(order.size(), nf);
  f.x_label = "SHAP value (log-odds; > 0 pushes towards signal)";
  f.y_label = "feature";
  name_rows(f, features, order);
  f.vlines.push_back({0.0, "", 7, false});  // no effect
  f.point_color_bar = PointColorBar{"feature value", "low", "high"};
  for (std::size_t k = 0; k < order.size(); ++k) {
    std::vector<double> x(n), v(n);
    for (std::size_t i = 0; i < n; ++i)
      x[i] = shap[i * nf + order[k]], v[i] = feature_value[i * nf + order[k]];
    Series s = detail::point_series("", x, {}, 1, Marker::kCircle, 0.38);
    const auto dy = swarm_offsets(x, x_lo, x_hi);
    for (std::size_t i = 0; i < n; ++i)
      s.y.push_back(static_cast<double>(order.size() - 1 - k) + dy[i]);
    s.color_value = color_values(v);
    f.series.push_back(std::move(s));
  }
  return render_figure(f, stem);
}

}  // namespace wl::report
