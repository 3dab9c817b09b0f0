// explain.html: where the network looks, per class and per energy region, over the mean
// pulse; for tabular models, the feature importances.
#include "page.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::explain::detail {

namespace {

namespace fs = std::filesystem;
using report::Figure;
using report::Series;

std::vector<double> scaled_to_max(std::vector<double> v) {
  double m = 0.0;
  for (const double x : v) m = std::max(m, std::fabs(x));
  if (m > 0)
    for (auto& x : v) x /= m;
  return v;
}

std::vector<double> time_axis_us(const Attributions& a) {
  std::vector<double> t(a.length);
  for (std::size_t i = 0; i < a.length; ++i) t[i] = double(i) * a.sample_period_ns * 1e-3;
  return t;
}

// The mean pulse of all explained events, scaled to [0, 1], as the grey backdrop.
Series mean_pulse(const Attributions& a, const Group& all) {
  auto p = mean_profile(a.window, a.length, all.members, false);
  const auto [lo, hi] = std::minmax_element(p.begin(), p.end());
  const double low = *lo, span = std::max(*hi - *lo, 1e-12);
  for (auto& v : p) v = (v - low) / span;
  return {"mean pulse (scaled)", time_axis_us(a), p, 7, report::SeriesStyle::kLine, true, 1.5};
}

Figure panel(const Attributions& a, const std::string& method, const std::vector<const Group*>& groups,
             const Group& all, const std::string& title) {
  Figure f;
  f.title = title;
  f.x_label = "time in the model's window (us)";
  f.y_label = "mean |attribution| (scaled to 1)";
  f.series.push_back(mean_pulse(a, all));
  int color = 1;
  for (const auto* g : groups)
    f.series.push_back({g->name + " (" + std::to_string(g->members.size()) + ")", time_axis_us(a),
                        scaled_to_max(mean_profile(a.values.at(method), a.length, g->members, true)), color++});
  double tp0 = 0.0;
  std::size_t n = 0;
  for (const double t : a.tp0_in_window_ns)
    if (std::isfinite(t)) tp0 += t, ++n;
  if (n) f.vlines.push_back({tp0 / double(n) * 1e-3, "mean tp0"});
  f.y_lo = 0.0;
  f.y_hi = 1.05;
  return f;
}

report::Image method_figure(const run::RunDir& out, const Attributions& a, const std::string& method,
                            const std::vector<Group>& groups) {
  std::vector<const Group*> classes, regions;
  for (const auto& g : groups) {
    if (g.name == "all") continue;
    const bool region = g.name == "DEP" || g.name == "SEP" || g.name == "FEP" || g.name == "Compton";
    (region ? regions : classes).push_back(&g);
  }
  std::vector<Figure> panels{panel(a, method, classes.empty() ? std::vector<const Group*>{&groups[0]} : classes,
                                   groups[0], method + ": per class")};
  if (!regions.empty()) panels.push_back(panel(a, method, regions, groups[0], method + ": per energy region"));
  const auto files = report::render_figures(panels, out.plots_dir() / ("explain_" + method));
  return {fs::relative(files.front(), out.path()).string(),
          method + ": mean |attribution| per sample over the mean pulse"};
}

report::Table edge_table(const Attributions& a, const std::vector<Group>& groups, const nlohmann::json& summary) {
  report::Table t;
  t.caption = "Share of |attribution| on the rising edge (tp0 - 200 ns to tp0 + 2 us); a flat attribution would put " +
              report::format_number(100.0 * summary["rising_edge"]["uniform_fraction"].get<double>(), 3) + " % there";
  t.header = {"group"};
  for (const auto& m : a.methods) t.header.push_back(m);
  for (const auto& g : groups) {
    std::vector<std::string> row{g.name + " (" + std::to_string(g.members.size()) + ")"};
    for (const auto& m : a.methods) {
      const auto& v = summary["rising_edge"]["fraction"][m][g.name];
      row.push_back(v.is_number() ? report::format_number(100.0 * v.get<double>(), 3) + " %" : "n/a");
    }
    t.rows.push_back(row);
  }
  return t;
}

}  // namespace

fs::path write_network_page(const run::RunDir& out, const ExplainContext& ctx, const Attributions& a,
                            const std::vector<Group>& groups, const nlohmann::json& summary) {
  report::HtmlReport page;
  page.title = "Why the network decides: " + ctx.options.run.filename().string();
  page.subtitle = std::to_string(a.n_events) + " " + ctx.part + " events of " + ctx.data_file + "; output explained: " +
                  summary["target"].get<std::string>() + " (the model's raw output: a logit for classifiers)";
  report::Section s{"Where the network looks", {}, {edge_table(a, groups, summary)}, {}, {}, {}};
  s.paragraphs.push_back("Each curve is the mean |attribution| per sample of the window, scaled to 1, over the "
                         "scaled mean pulse (grey). A network that uses the pulse shape looks at the rising edge.");
  if (summary.contains("integrated_gradients")) {
    const auto& c = summary["integrated_gradients"]["completeness"];
    s.paragraphs.push_back("Integrated gradients (" + std::to_string(ctx.options.ig_steps) +
                           " Gauss-Legendre steps, " + ctx.options.baseline + " baseline): the attributions of an "
                           "event add up to f(x) - f(baseline) within a relative error of at most " +
                           report::format_number(100.0 * c["max_rel_error"].get<double>(), 3) + " % (median " +
                           report::format_number(100.0 * c["median_rel_error"].get<double>(), 3) + " %).");
    if (!(c["max_rel_error"].get<double>() <= 0.01))
      s.warnings.push_back("Integrated gradients: completeness error above 1 % on some events; raise --ig-steps.");
  }
  for (const auto& m : a.methods) s.images.push_back(method_figure(out, a, m, groups));
  page.sections.push_back(s);
  report::write_html(page, out.file("explain.html"));
  return out.file("explain.html");
}

fs::path write_tabular_page(const run::RunDir& out, const ExplainContext& ctx,
                            const std::vector<FeatureImportance>& importances) {
  report::HtmlReport page;
  page.title = "Why the model decides: " + ctx.options.run.filename().string();
  page.subtitle = std::to_string(ctx.rows.size()) + " " + ctx.part + " events of " + ctx.data_file;
  report::Table t{"Feature importance (permutation: AUC drop when the feature is shuffled, mean and standard "
                  "deviation over " + std::to_string(ctx.options.permutation_repeats) + " shuffles)",
                  {"feature", "AUC drop", "std", "mean |SHAP|"}, {}};
  Figure f;
  f.title = "Permutation importance";
  f.x_label = "AUC drop when shuffled";
  Series bars{"", {}, {}, 1, report::SeriesStyle::kHBars};
  for (std::size_t i = 0; i < importances.size(); ++i) {
    const auto& imp = importances[i];
    t.rows.push_back({imp.feature, report::format_number(imp.permutation_drop, 3),
                      report::format_number(imp.permutation_std, 2),
                      imp.mean_abs_shap >= 0 ? report::format_number(imp.mean_abs_shap, 3) : "n/a"});
    f.y_categories.push_back(imp.feature);
    bars.x.push_back(imp.permutation_drop);
    bars.y.push_back(double(i));
  }
  f.series.push_back(bars);
  const auto files = report::render_figure(f, out.plots_dir() / "explain_permutation");
  report::Section s{"Feature importance", {}, {t}, {{fs::relative(files.front(), out.path()).string(),
                                                     "AUC drop when each feature is shuffled"}}, {}, {}};
  if (std::any_of(importances.begin(), importances.end(), [](const auto& f) {
        return f.feature.rfind("avse", 0) == 0 && f.permutation_drop > 0.05;
      }))
    s.warnings.push_back("A/E carries the model: against labels defined by the A/E cut this is circular.");
  page.sections.push_back(s);
  report::write_html(page, out.file("explain.html"));
  return out.file("explain.html");
}

}  // namespace wl::explain::detail
