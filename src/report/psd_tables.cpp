#include "wavelearn/report/psd_tables.hpp"

#include <cmath>

namespace wl::report {

namespace {

std::string pct(double v) { return std::isfinite(v) ? format_number(100.0 * v, 4) : "n/a"; }

const eval::RegionSurvival* survival_in(const eval::PsdEvaluation& p, const std::string& region) {
  for (const auto& s : p.survival)
    if (s.region.name == region) return &s;
  return nullptr;
}

const eval::RegionCutResult* truth_in(const eval::PsdEvaluation& p, const std::string& region) {
  for (const auto& t : p.truth)
    if (t.region.name == region) return &t;
  return nullptr;
}

std::string region_label(const eval::EnergyRegion& r) {
  return r.name + " (" + format_number(r.lo_kev, 5) + "-" + format_number(r.hi_kev, 5) + " keV)";
}

}  // namespace

std::string proportion_text(const eval::Proportion& p) {
  if (p.n == 0) return "n/a (no events)";
  return pct(p.value) + " % [" + pct(p.lo) + ", " + pct(p.hi) + "] (" + std::to_string(p.k) + "/" +
         std::to_string(p.n) + ")";
}

Table psd_summary_table(const std::vector<NamedPsd>& models, const std::string& events) {
  Table t;
  t.caption = "Ranking and working point on the " + events +
              " events (intervals: AUC percentile bootstrap, efficiencies Clopper-Pearson, 95 %)";
  t.header = {"model", "events", "ROC AUC [95 % CI]", "PR AUC", "threshold (score >)", "DEP acceptance"};
  for (const auto& m : models) {
    const auto& p = *m.psd;
    const std::string auc = format_number(p.auc.auc, 4) +
                            (std::isfinite(p.auc.lower) ? " [" + format_number(p.auc.lower, 4) + ", " +
                                                              format_number(p.auc.upper, 4) + "]"
                                                        : "");
    const std::string dep = p.wp.matched ? pct(p.wp.model_dep_acceptance) + " % (A/E cut: " +
                                               pct(p.wp.dep_acceptance) + " %, " + std::to_string(p.wp.n_dep) +
                                               " DEP events)"
                                         : "not matched (" + std::to_string(p.wp.n_dep) + " DEP events)";
    t.rows.push_back({m.name, std::to_string(p.n_events), std::isfinite(p.auc.auc) ? auc : "n/a",
                      format_number(p.pr_auc, 4), std::isfinite(p.wp.threshold) ? format_number(p.wp.threshold, 5) : "-",
                      dep});
  }
  return t;
}

Table survival_table(const std::vector<NamedPsd>& cuts, const std::string& events) {
  Table t;
  t.caption = "Survival fraction per energy region at the working point (" + events +
              " events; % with 95 % Clopper-Pearson interval, passing/all)";
  t.header = {"region"};
  for (const auto& c : cuts) t.header.push_back(c.name);
  if (cuts.empty()) return t;
  for (const auto& s : cuts.front().psd->survival) {
    std::vector<std::string> row{region_label(s.region)};
    for (const auto& c : cuts) {
      const auto* x = survival_in(*c.psd, s.region.name);
      row.push_back(x ? proportion_text(x->survival) : "n/a");
    }
    t.rows.push_back(row);
  }
  return t;
}

Table truth_ci_table(const std::vector<NamedPsd>& cuts, const std::string& events) {
  Table t;
  t.caption = "Truth level (simulation, " + events +
              " events): efficiency on true single-site (SSE) and rejection of true multi-site (MSE) events, "
              "% with 95 % Clopper-Pearson interval";
  t.header = {"region"};
  for (const auto& c : cuts) {
    t.header.push_back(c.name + ": SSE efficiency");
    t.header.push_back(c.name + ": MSE rejection");
  }
  if (cuts.empty() || cuts.front().psd->truth.empty()) return t;
  for (const auto& r : cuts.front().psd->truth) {
    std::vector<std::string> row{region_label(r.region)};
    for (const auto& c : cuts) {
      const auto* x = truth_in(*c.psd, r.region.name);
      row.push_back(x ? proportion_text(x->sse_efficiency) : "n/a");
      row.push_back(x ? proportion_text(x->mse_rejection) : "n/a");
    }
    t.rows.push_back(row);
  }
  return t;
}

}  // namespace wl::report
