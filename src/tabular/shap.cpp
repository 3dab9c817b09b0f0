// TreeSHAP values of a BDT, global importance, plots and the force-style event table.
#include "wavelearn/tabular/shap.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::tabular {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kPlotSubsetStream = 0x5AA;  // events drawn in the summary plot
constexpr std::size_t kForceEvents = 4;        // events shown as force-style breakdowns

std::string fmt(double v) { return report::format_number(v); }

report::Table importance_table(const std::vector<FeatureImportance>& imp) {
  report::Table t;
  t.caption = "Global importance: mean |SHAP| (log-odds) over the evaluation events";
  t.header = {"rank", "feature", "mean |SHAP|"};
  for (std::size_t k = 0; k < imp.size(); ++k) {
    t.rows.push_back({std::to_string(k + 1), imp[k].feature, fmt(imp[k].mean_abs_shap)});
  }
  return t;
}

// Force plot as a table: the bias, then each feature's push towards signal (+) or
// background (-) in log-odds, largest first, ending at the margin and probability.
report::Table force_table(const ShapValues& s, const FeatureMatrix& x, const std::vector<double>& score,
                          std::size_t i) {
  const std::size_t nf = s.feature_names.size();
  std::vector<std::size_t> order(nf);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::fabs(s.values[i * nf + a]) > std::fabs(s.values[i * nf + b]);
  });
  report::Table t;
  t.caption = "event id " + fmt(x.id[i]) + (x.label.empty() ? "" : (x.label[i] ? " (signal)" : " (background)")) +
              ": score " + fmt(score[i]) + ", margin " + fmt(s.margin[i]);
  t.header = {"feature", "value", "SHAP (log-odds)", "pushes towards", "running margin"};
  double running = s.bias[i];
  t.rows.push_back({"(base value)", "", fmt(s.bias[i]), "", fmt(running)});
  for (std::size_t j : order) {
    const double v = s.values[i * nf + j];
    running += v;
    t.rows.push_back({s.feature_names[j], fmt(x.row(i)[j]), fmt(v), v > 0 ? "signal" : (v < 0 ? "background" : "-"),
                      fmt(running)});
  }
  return t;
}

// Events worth explaining: the most signal-like and most background-like of each class.
std::vector<std::size_t> force_events(const FeatureMatrix& x, const std::vector<double>& score) {
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  std::vector<std::size_t> pick;
  auto first_of = [&](bool from_top, int cls) {
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::size_t i = from_top ? order[k] : order[order.size() - 1 - k];
      if (cls < 0 || (!x.label.empty() && x.label[i] == cls)) {
        if (std::find(pick.begin(), pick.end(), i) == pick.end()) pick.push_back(i);
        return;
      }
    }
  };
  first_of(true, 1);   // confident signal
  first_of(false, 0);  // confident background
  first_of(true, 0);   // background scored most signal-like (a failure worth explaining)
  first_of(false, 1);  // signal scored most background-like
  if (x.label.empty()) {
    first_of(true, -1);
    first_of(false, -1);
  }
  if (pick.size() > kForceEvents) pick.resize(kForceEvents);
  return pick;
}

}  // namespace

ShapValues shap_values(const BdtModel& model, const FeatureMatrix& x) {
  ShapValues s;
  s.feature_names = x.feature_names;
  const std::size_t nf = x.n_features(), n = x.n_rows();
  const std::vector<float> c = model.contributions(x);
  s.values.resize(n * nf);
  s.bias.resize(n);
  s.margin.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    double sum = 0;
    for (std::size_t j = 0; j < nf; ++j) {
      s.values[i * nf + j] = c[i * (nf + 1) + j];
      sum += c[i * (nf + 1) + j];
    }
    s.bias[i] = c[i * (nf + 1) + nf];
    s.margin[i] = sum + s.bias[i];
  }
  return s;
}

std::vector<FeatureImportance> shap_importance(const ShapValues& s) {
  const std::size_t nf = s.feature_names.size(), n = s.n_rows();
  std::vector<FeatureImportance> imp(nf);
  for (std::size_t j = 0; j < nf; ++j) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += std::fabs(s.values[i * nf + j]);
    imp[j] = {s.feature_names[j], n ? sum / static_cast<double>(n) : 0.0};
  }
  std::stable_sort(imp.begin(), imp.end(),
                   [](const FeatureImportance& a, const FeatureImportance& b) { return a.mean_abs_shap > b.mean_abs_shap; });
  return imp;
}

nlohmann::json write_shap_outputs(const ShapValues& s, const FeatureMatrix& x, const std::vector<double>& score,
                                  const fs::path& run_dir, bool force, std::size_t max_events_in_plot) {
  const std::size_t nf = s.feature_names.size(), n = s.n_rows();
  io::Table t;
  t.add("id", x.id);
  if (!x.label.empty()) t.add("label", std::vector<double>(x.label.begin(), x.label.end()));
  t.add("score", score);
  t.add("margin", s.margin);
  t.add("bias", s.bias);
  for (std::size_t j = 0; j < nf; ++j) {
    std::vector<double> col(n);
    for (std::size_t i = 0; i < n; ++i) col[i] = s.values[i * nf + j];
    t.add("shap_" + s.feature_names[j], std::move(col));
  }
  t.attributes["description"] = "TreeSHAP contributions to the margin (log-odds); margin = bias + sum shap_*";
  io::write_table_h5((run_dir / "shap.h5").string(), t, force);

  const auto imp = shap_importance(s);
  fs::create_directories(run_dir / "plots");
  // Importance: one bar per feature, most important at the left, named in the legend.
  report::Figure bars;
  bars.title = "SHAP feature importance";
  bars.x_label = "feature rank";
  bars.y_label = "mean |SHAP| (log-odds)";
  for (std::size_t k = 0; k < imp.size(); ++k) {
    report::Series b;
    b.label = std::to_string(k + 1) + ": " + imp[k].feature;
    b.x = {k + 0.6, k + 1.4};
    b.y = {imp[k].mean_abs_shap};
    b.style = report::SeriesStyle::kStep;
    b.color = static_cast<int>(k % 7) + 1;
    b.width = 6.0;
    bars.series.push_back(std::move(b));
  }
  bars.x_lo = 0.4;
  bars.x_hi = imp.size() + 0.6;
  bars.y_lo = 0.0;
  double ymax = 0;
  for (const auto& i : imp) ymax = std::max(ymax, i.mean_abs_shap);
  bars.y_hi = ymax > 0 ? 1.15 * ymax : 1.0;
  report::render_figure(bars, run_dir / "plots" / "shap_importance", force);

  // Summary (beeswarm-like): SHAP value per event on x, feature rank on y with a little
  // jitter; blue = feature value below its median, orange = above.
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0);
  if (n > max_events_in_plot) {
    core::Rng rng(1, kPlotSubsetStream);
    for (std::size_t i = 0; i < max_events_in_plot; ++i) std::swap(rows[i], rows[i + rng.below(n - i)]);
    rows.resize(max_events_in_plot);
  }
  report::Figure sw;
  sw.title = "SHAP summary (rank 1 = most important, see shap.html)";
  sw.x_label = "SHAP value (log-odds; > 0 pushes towards signal)";
  sw.y_label = "feature rank";
  report::Series lo, hi;
  lo.label = "feature value below median";
  hi.label = "feature value above median";
  lo.style = hi.style = report::SeriesStyle::kPoints;
  lo.color = 1;
  hi.color = 2;
  lo.width = hi.width = 1.0;
  core::Rng jitter(2, kPlotSubsetStream);
  for (std::size_t k = 0; k < imp.size(); ++k) {
    const std::size_t j = static_cast<std::size_t>(
        std::find(s.feature_names.begin(), s.feature_names.end(), imp[k].feature) - s.feature_names.begin());
    std::vector<float> v;
    for (std::size_t i : rows) {
      if (std::isfinite(x.row(i)[j])) v.push_back(x.row(i)[j]);
    }
    float median = 0;
    if (!v.empty()) {
      std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
      median = v[v.size() / 2];
    }
    for (std::size_t i : rows) {
      auto& ser = x.row(i)[j] > median ? hi : lo;
      ser.x.push_back(s.values[i * nf + j]);
      ser.y.push_back(static_cast<double>(k + 1) + jitter.uniform(-0.3, 0.3));
    }
  }
  sw.series = {lo, hi};
  sw.y_lo = 0.3;
  sw.y_hi = static_cast<double>(imp.size()) + 0.7;
  report::render_figure(sw, run_dir / "plots" / "shap_summary", force);

  report::HtmlReport html;
  html.title = "SHAP explanation of the BDT";
  html.subtitle = run_dir.filename().string();
  report::Section overview;
  overview.title = "Global importance";
  overview.paragraphs = {
      "Exact TreeSHAP values from XGBoost for the " + std::to_string(n) +
          " evaluation events: each feature's additive contribution to the margin (log-odds); "
          "base value + sum of contributions = margin, and the score is sigmoid(margin). "
          "Per-event values are in shap.h5.",
      "The summary plot shows up to " + std::to_string(max_events_in_plot) +
          " events: one row per feature in importance order, SHAP value on the x axis."};
  overview.tables.push_back(importance_table(imp));
  overview.images = {{"plots/shap_importance.png", "mean |SHAP| per feature"},
                     {"plots/shap_summary.png", "SHAP value per event and feature"}};
  report::Section force_sec;
  force_sec.title = "Per-event breakdowns (force plots as tables)";
  force_sec.paragraphs = {"Each feature pushes the decision towards signal (positive) or background (negative) "
                          "from the base value; the running margin ends at the event's margin."};
  for (std::size_t i : force_events(x, score)) force_sec.tables.push_back(force_table(s, x, score, i));
  html.sections = {overview, force_sec};
  report::write_html(html, run_dir / "shap.html", force);

  nlohmann::json j = nlohmann::json::array();
  for (const auto& i : imp) j.push_back({{"feature", i.feature}, {"mean_abs_shap", i.mean_abs_shap}});
  return j;
}

}  // namespace wl::tabular
