// attributions.h5 and explain.json for networks; the importance table for tabular models.
// The pages are in page.cpp.
#include "outputs.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "page.hpp"
#include "profiles.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/io/table.hpp"

namespace wl::explain::detail {

namespace {

using nlohmann::json;

io::Table attribution_table(const ExplainContext& ctx, const Attributions& a) {
  const auto& ev = ctx.source.events();
  io::Table t;
  std::vector<double> id, index, energy;
  for (const auto r : ctx.rows) {
    id.push_back(double(ev.id[r]));
    index.push_back(double(ev.file_event[r]));
    energy.push_back(ev.energy_kev.empty() ? std::nan("") : ev.energy_kev[r]);
  }
  t.add("id", id);
  t.add("event_index", index);
  t.add("energy_kev", energy);
  t.add("tp0_in_window_ns", a.tp0_in_window_ns);
  for (const auto& [name, values] : ev.fields) {
    std::vector<double> v;
    for (const auto r : ctx.rows) v.push_back(values[r]);
    t.add(name, v);
  }
  if (!a.ig_rel_error.empty()) t.add("ig_completeness_rel_error", a.ig_rel_error);
  t.arrays["window"] = {a.n_events, a.length, a.window};
  for (const auto& [m, v] : a.values) t.arrays[m] = {a.n_events, a.length, v};
  t.attributes["run"] = ctx.options.run.string();
  t.attributes["data_file"] = ctx.data_file;
  t.attributes["events"] = ctx.part;
  t.attributes["target"] = ctx.scorer.columns()[ctx.column].name;
  t.attributes["sample_period_ns"] = std::to_string(a.sample_period_ns);
  return t;
}

json completeness_json(const std::vector<double>& e) {
  auto sorted = e;
  std::sort(sorted.begin(), sorted.end());
  double max = 0.0;
  for (const double v : e) max = std::max(max, std::isfinite(v) ? v : INFINITY);
  return {{"max_rel_error", eval::finite_or_null(max)}, {"median_rel_error", sorted[sorted.size() / 2]},
          {"fraction_above_1pct", double(std::count_if(e.begin(), e.end(), [](double v) { return !(v <= 0.01); })) /
                                      double(e.size())}};
}

json edge_json(const Attributions& a, const std::vector<Group>& groups) {
  json frac = json::object();
  for (const auto& m : a.methods)
    for (const auto& g : groups) frac[m][g.name] = eval::finite_or_null(edge_fraction(a.values.at(m), a, g.members));
  return {{"before_tp0_ns", kEdgeBeforeTp0Ns}, {"after_tp0_ns", kEdgeAfterTp0Ns},
          {"uniform_fraction", eval::finite_or_null(uniform_edge_fraction(a))}, {"fraction", frac}};
}

json network_json(const ExplainContext& ctx, const Attributions& a, const std::vector<Group>& groups) {
  const auto& o = ctx.options;
  json j = {{"family", "neural"}, {"run", o.run.string()}, {"data_file", ctx.data_file}, {"events", ctx.part},
            {"n_events", a.n_events}, {"target", ctx.scorer.columns()[ctx.column].name}, {"methods", a.methods},
            {"window_samples", a.length}, {"sample_period_ns", a.sample_period_ns}, {"events_per_s", a.events_per_s},
            {"rising_edge", edge_json(a, groups)}};
  if (!a.ig_rel_error.empty()) {
    const auto c = completeness_json(a.ig_rel_error);
    j["completeness_max_rel_error"] = c["max_rel_error"];
    j["integrated_gradients"] = {{"steps", o.ig_steps}, {"baseline", o.baseline}, {"quadrature", "gauss-legendre"},
                                 {"completeness", c}};
  }
  if (a.values.count("occlusion"))
    j["occlusion"] = {{"window_ns", o.occlusion_window_ns},
                      {"stride_ns", o.occlusion_stride_ns > 0 ? o.occlusion_stride_ns : 0.5 * o.occlusion_window_ns},
                      {"baseline", o.baseline}};
  return j;
}

}  // namespace

ExplainSummary write_network_outputs(const run::RunDir& out, const ExplainContext& ctx, const Attributions& a) {
  const auto groups = event_groups(ctx.source.events(), ctx.rows, ctx.scorer.columns()[ctx.column].target);
  io::write_table_h5(out.file("attributions.h5").string(), attribution_table(ctx, a), true);
  const auto j = network_json(ctx, a, groups);
  out.write_json("explain.json", j);
  ExplainSummary s;
  s.family = "neural";
  s.target = j["target"];
  s.methods = a.methods;
  s.n_events = a.n_events;
  s.events_per_s = a.events_per_s;
  if (j.contains("completeness_max_rel_error") && j["completeness_max_rel_error"].is_number())
    s.completeness_max_rel_error = j["completeness_max_rel_error"];
  s.html = write_network_page(out, ctx, a, groups, j);
  return s;
}

ExplainSummary write_tabular_outputs(const run::RunDir& out, const ExplainContext& ctx,
                                     const std::vector<FeatureImportance>& importances) {
  json rows = json::array();
  for (const auto& f : importances) {
    json r = {{"feature", f.feature}, {"permutation_auc_drop", f.permutation_drop},
              {"permutation_auc_drop_std", f.permutation_std}};
    if (f.mean_abs_shap >= 0) r["mean_abs_shap"] = f.mean_abs_shap;
    rows.push_back(r);
  }
  const json j = {{"family", "tabular"}, {"run", ctx.options.run.string()}, {"data_file", ctx.data_file},
                  {"events", ctx.part}, {"n_events", ctx.rows.size()}, {"methods", ctx.methods},
                  {"permutation_repeats", ctx.options.permutation_repeats}, {"importance", rows}};
  out.write_json("explain.json", j);
  ExplainSummary s;
  s.family = "tabular";
  s.target = ctx.scorer.columns()[ctx.column].name;
  s.methods = ctx.methods;
  s.n_events = ctx.rows.size();
  s.html = write_tabular_page(out, ctx, importances);
  return s;
}

}  // namespace wl::explain::detail
