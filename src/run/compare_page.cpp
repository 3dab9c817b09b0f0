// compare.json, compare.html and plots of `wavelearn compare`.
#include "wavelearn/run/compare_page.hpp"

#include "page_sections.hpp"

#include <cmath>
#include <cstdio>

#include "wavelearn/eval/json.hpp"
#include "wavelearn/eval/survival.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/plots.hpp"
#include "wavelearn/report/psd_tables.hpp"

namespace wl::run {

namespace {

// The lectures' selection: compare pages show survival above 1 MeV.
constexpr double kCompareLoKev = 1000.0;

std::vector<report::NamedPsd> named(const CompareResult& res) {
  std::vector<report::NamedPsd> v;
  for (const auto& e : res.entries) v.push_back({e.name, &e.psd});
  return v;
}

std::string pct_ci(const eval::Proportion& p) {
  char b[96];
  if (p.n == 0) return "      n/a       ";
  std::snprintf(b, sizeof b, "%5.1f [%5.1f,%5.1f]", 100 * p.value, 100 * p.lo, 100 * p.hi);
  return b;
}

std::string text_table(const CompareResult& res) {
  std::string t;
  char line[512];
  std::snprintf(line, sizeof line, "%zu common events (%zu signal, %zu background); working point: A/E DEP acceptance\n",
                res.n_common, res.n_signal, res.n_background);
  t += line;
  std::snprintf(line, sizeof line, "%-30s %-6s %22s  %s\n", "model", "events", "AUC [95% CI]",
                "survival % [95% CI]: DEP | SEP | FEP | Compton");
  t += line;
  for (const auto& e : res.entries) {
    char auc[64];
    std::snprintf(auc, sizeof auc, "%.4f [%.4f,%.4f]", e.psd.auc.auc, e.psd.auc.lower, e.psd.auc.upper);
    std::string surv;
    for (const auto& s : e.psd.survival) surv += (surv.empty() ? "" : " | ") + pct_ci(s.survival);
    std::snprintf(line, sizeof line, "%-30s %-6s %22s  %s\n", e.name.c_str(), e.events.c_str(), auc, surv.c_str());
    t += line;
  }
  if (res.ae_cut) {
    std::string surv;
    for (const auto& s : res.ae_cut->survival) surv += (surv.empty() ? "" : " | ") + pct_ci(s.survival);
    std::snprintf(line, sizeof line, "%-30s %-6s %22s  %s\n", "A/E cut (the label's cut)", "", "", surv.c_str());
    t += line;
  }
  for (const auto& e : res.entries) {
    if (e.events != "test" && e.events != "all")
      t += "warning: " + e.name + ": evaluated on its " + e.events + " events, not held-out test events\n";
    for (const auto& w : e.warnings) t += "warning: " + e.name + ": " + w + "\n";
  }
  return t;
}

nlohmann::json compare_json(const CompareOptions& o, const CompareResult& res) {
  nlohmann::json j;
  j["n_common"] = res.n_common;
  j["n_signal"] = res.n_signal;
  j["n_background"] = res.n_background;
  j["label"] = o.label;
  j["runs"] = o.runs;
  j["working_point_definition"] = "A/E DEP acceptance";
  j["entries"] = nlohmann::json::array();
  for (const auto& e : res.entries) {
    nlohmann::json x = eval::to_json(e.psd);
    x["name"] = e.name;
    x["events"] = e.events;
    x["warnings"] = e.warnings;
    j["entries"].push_back(x);
  }
  if (res.ae_cut) j["ae_cut"] = eval::to_json(*res.ae_cut);
  return j;
}

std::vector<report::Image> plots(const RunDir& out, const CompareOptions& o, const eval::PsdInputs& common,
                                 const CompareResult& res, const std::vector<std::vector<double>>& scores) {
  const auto dir = out.plots_dir();
  std::vector<report::LabelledRoc> rocs;
  std::vector<report::SurvivalCurve> curves;
  for (std::size_t k = 0; k < res.entries.size(); ++k) {
    const auto& e = res.entries[k];
    report::LabelledRoc r{e.name, &e.roc};
    const auto pass = eval::pass_from_score(scores[k], e.psd.wp.threshold);
    const auto cm = eval::confusion_matrix(pass, common.is_signal);
    r.wp_signal_efficiency = cm.tpr();
    r.wp_background_efficiency = cm.fpr();
    rocs.push_back(r);
    if (!common.energy_kev.empty()) curves.push_back(survival_curve(e.name, pass, common.energy_kev, kCompareLoKev));
  }
  if (!common.ae_pass.empty() && !common.energy_kev.empty()) curves.push_back(survival_curve("A/E cut", common.ae_pass, common.energy_kev, kCompareLoKev));
  std::vector<report::Image> imgs;
  imgs.push_back(image_of(report::plot_roc(rocs, dir / "roc"), out,
                          "Signal efficiency vs background rejection (log), working points marked"));
  if (!curves.empty())
    imgs.push_back(image_of(report::plot_survival_fraction(curves, dir / "survival_vs_energy"), out,
                            "Survival fraction vs energy at the A/E DEP acceptance (Clopper-Pearson 95 % error bars)"));
  // The A/E parameter (from --features) is the last entry: its band against energy.
  if (!o.features_path.empty() && !common.energy_kev.empty()) {
    std::vector<double> e, a;
    for (std::size_t i = 0; i < scores.back().size(); ++i)
      if (std::isfinite(scores.back()[i]) && scores.back()[i] > -1e300) e.push_back(common.energy_kev[i]), a.push_back(scores.back()[i]);
    if (!e.empty())
      imgs.push_back(image_of(report::plot_avse_vs_energy(e, a, dir / "avse_vs_energy"), out,
                              "A/E parameter vs energy of the common events"));
  }
  return imgs;
}

}  // namespace

void write_compare_outputs(const RunDir& out, const CompareOptions& o, const eval::PsdInputs& common,
                           CompareResult& res, const std::vector<std::vector<double>>& scores) {
  res.table_text = text_table(res);
  res.json = compare_json(o, res);
  out.write_json("compare.json", res.json);
  report::HtmlReport html;
  html.title = "wavelearn compare: " + o.label;
  html.subtitle = std::to_string(res.entries.size()) + " models on " + std::to_string(res.n_common) + " common events";
  report::Section s;
  s.title = "Common events, one working point";
  report::Section details;
  details.title = "Where a model is worse than the A/E cut";
  details.paragraphs.push_back("At the same DEP acceptance, with disjoint 95 % Clopper-Pearson intervals.");
  for (const auto& e : res.entries) {
    if (e.warnings.empty()) continue;
    s.warnings.push_back(e.name + ": worse than the A/E cut in " + std::to_string(e.warnings.size()) +
                         " figure(s) of merit at the working point (listed below the tables)");
    for (const auto& w : e.warnings) details.warnings.push_back(e.name + ": " + w);
  }
  s.paragraphs.push_back("Events matched by id across the runs' predictions.h5. Every model cuts where it keeps the "
                         "A/E cut's DEP acceptance; intervals are 95 % (AUC: bootstrap, " +
                         std::to_string(o.bootstrap_replicas) + " replicas; efficiencies: Clopper-Pearson).");
  for (const auto& e : res.entries)
    if (e.events != "test" && e.events != "all")
      s.warnings.push_back(e.name + ": evaluated on its " + e.events + " events, not held-out test events");
  s.tables.push_back(report::psd_summary_table(named(res), "common"));
  auto cuts = named(res);
  if (res.ae_cut) cuts.push_back({"A/E cut", &*res.ae_cut});
  s.tables.push_back(report::survival_table(cuts, "common"));
  if (!common.truth_single_site.empty()) s.tables.push_back(report::truth_ci_table(cuts, "common"));
  s.images = plots(out, o, common, res, scores);
  html.sections.push_back(s);
  if (!details.warnings.empty()) html.sections.push_back(details);
  report::write_html(html, out.file("compare.html"));
}

}  // namespace wl::run
