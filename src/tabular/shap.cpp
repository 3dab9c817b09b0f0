// TreeSHAP values of a BDT, global importance, plots and the force-style event table.
#include "wavelearn/tabular/shap.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/plots.hpp"

namespace wl::tabular {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kPlotSubsetStream = 0x5AA;  // events drawn in the beeswarm
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
  t.caption = "event id " + std::to_string(std::llround(x.id[i])) + (x.label.empty() ? "" : (x.label[i] ? " (signal)" : " (background)")) +
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

namespace {

// shap.h5: per event the id, label, score, margin, bias and one shap_<feature> column.
void write_shap_table(const ShapValues& s, const FeatureMatrix& x, const std::vector<double>& score,
                      const fs::path& run_dir) {
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
  // The run directory was claimed (and the overwrite rule applied) before anything is written.
  io::write_table_h5((run_dir / "shap.h5").string(), t, /*force=*/true);
}

// A reproducible random subset of at most max_rows events (all of them when fewer).
std::vector<std::size_t> plot_rows(std::size_t n, std::size_t max_rows) {
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0);
  if (n <= max_rows) return rows;
  core::Rng rng(1, kPlotSubsetStream);
  for (std::size_t i = 0; i < max_rows; ++i) std::swap(rows[i], rows[i + rng.below(n - i)]);
  rows.resize(max_rows);
  std::sort(rows.begin(), rows.end());  // keep the events' order in the plot
  return rows;
}

// plots/shap_importance (bars) and plots/shap_beeswarm (per event, coloured by value).
void write_shap_plots(const ShapValues& s, const FeatureMatrix& x, const std::vector<FeatureImportance>& imp,
                      const fs::path& run_dir, std::size_t max_events_in_plot) {
  const std::size_t nf = s.feature_names.size();
  fs::create_directories(run_dir / "plots");
  std::vector<std::string> names;
  std::vector<double> mean_abs;
  for (const auto& i : imp) names.push_back(i.feature), mean_abs.push_back(i.mean_abs_shap);
  report::plot_shap_importance(names, mean_abs, run_dir / "plots" / "shap_importance");
  std::vector<float> shap, value;
  for (std::size_t i : plot_rows(s.n_rows(), max_events_in_plot)) {
    shap.insert(shap.end(), s.values.begin() + i * nf, s.values.begin() + (i + 1) * nf);
    value.insert(value.end(), x.row(i), x.row(i) + nf);
  }
  report::plot_shap_beeswarm(s.feature_names, shap, value, run_dir / "plots" / "shap_beeswarm");
}

report::HtmlReport shap_page(const ShapValues& s, const FeatureMatrix& x, const std::vector<double>& score,
                             const std::vector<FeatureImportance>& imp, const fs::path& run_dir,
                             std::size_t max_events_in_plot) {
  report::HtmlReport html;
  html.title = "SHAP explanation of the BDT";
  html.subtitle = run_dir.filename().string();
  report::Section overview;
  overview.title = "Global importance";
  overview.paragraphs = {
      "Exact TreeSHAP values from XGBoost for the " + std::to_string(s.n_rows()) +
          " evaluation events: each feature's additive contribution to the margin (log-odds); "
          "base value + sum of contributions = margin, and the score is sigmoid(margin). "
          "Per-event values are in shap.h5.",
      "The beeswarm shows up to " + std::to_string(max_events_in_plot) +
          " events: one row per feature in importance order, SHAP value on the x axis, each point "
          "coloured by the event's value of that feature (blue low, red high)."};
  overview.tables.push_back(importance_table(imp));
  overview.images = {{"plots/shap_importance.png", "mean |SHAP| per feature"},
                     {"plots/shap_beeswarm.png", "SHAP value per event and feature, coloured by the feature's value"}};
  report::Section force_sec;
  force_sec.title = "Per-event breakdowns (force plots as tables)";
  force_sec.paragraphs = {"Each feature pushes the decision towards signal (positive) or background (negative) "
                          "from the base value; the running margin ends at the event's margin."};
  for (std::size_t i : force_events(x, score)) force_sec.tables.push_back(force_table(s, x, score, i));
  html.sections = {overview, force_sec};
  return html;
}

}  // namespace

nlohmann::json write_shap_outputs(const ShapValues& s, const FeatureMatrix& x, const std::vector<double>& score,
                                  const fs::path& run_dir, std::size_t max_events_in_plot) {
  write_shap_table(s, x, score, run_dir);
  const auto imp = shap_importance(s);
  write_shap_plots(s, x, imp, run_dir, max_events_in_plot);
  report::write_html(shap_page(s, x, score, imp, run_dir, max_events_in_plot), run_dir / "shap.html");
  nlohmann::json j = nlohmann::json::array();
  for (const auto& i : imp) j.push_back({{"feature", i.feature}, {"mean_abs_shap", i.mean_abs_shap}});
  return j;
}

}  // namespace wl::tabular
