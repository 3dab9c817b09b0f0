#include "wavelearn/eval/json.hpp"

#include <cmath>

namespace wl::eval {

using nlohmann::json;

json finite_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json interval_json(const Proportion& p) {
  return json::array({finite_or_null(p.lo), finite_or_null(p.hi)});
}

void to_json(json& j, const RocCurve& v) {
  json pts = json::array();
  const std::size_t n = v.points.size();
  const std::size_t keep = std::min(n, kMaxRocPointsJson);
  for (std::size_t k = 0; k < keep; ++k) {
    const std::size_t i = keep > 1 ? (k * (n - 1)) / (keep - 1) : 0;
    const auto& p = v.points[i];
    pts.push_back({{"threshold", finite_or_null(p.threshold)}, {"fpr", p.fpr}, {"tpr", p.tpr}});
  }
  j = {{"auc", v.auc},
       {"n_signal", v.n_signal},
       {"n_background", v.n_background},
       {"n_points", n},
       {"points", pts}};
}

void to_json(json& j, const AucInterval& v) {
  j = {{"auc", finite_or_null(v.auc)},
       {"lower", finite_or_null(v.lower)},
       {"upper", finite_or_null(v.upper)},
       {"std_error", finite_or_null(v.std_error)},
       {"confidence", v.confidence},
       {"replicas", v.replicas},
       {"seed", v.seed}};
}

void to_json(json& j, const WorkingPoint& v) {
  j = {{"threshold", finite_or_null(v.threshold)},
       {"signal_efficiency", v.signal_efficiency},
       {"background_rejection", v.background_rejection}};
}

void to_json(json& j, const ConfusionMatrix& v) {
  j = {{"threshold", finite_or_null(v.threshold)},
       {"tp", v.tp},
       {"fp", v.fp},
       {"fn", v.fn},
       {"tn", v.tn},
       {"tpr", finite_or_null(v.tpr())},
       {"fpr", finite_or_null(v.fpr())},
       {"accuracy", finite_or_null(v.accuracy())},
       {"precision", finite_or_null(v.precision())},
       {"recall", finite_or_null(v.recall())},
       {"f1", finite_or_null(v.f1())},
       {"signal_efficiency", finite_or_null(v.signal_efficiency())},
       {"background_rejection", finite_or_null(v.background_rejection())}};
}

void to_json(json& j, const MulticlassConfusion& v) {
  json per_class = json::array();
  for (int k = 0; k < v.n_classes; ++k) {
    per_class.push_back({{"class", k},
                         {"precision", finite_or_null(v.precision(k))},
                         {"recall", finite_or_null(v.recall(k))},
                         {"f1", finite_or_null(v.f1(k))}});
  }
  j = {{"n_classes", v.n_classes},
       {"counts_true_by_predicted", v.counts},
       {"accuracy", finite_or_null(v.accuracy())},
       {"macro_f1", finite_or_null(v.macro_f1())},
       {"per_class", per_class}};
}

void to_json(json& j, const BinaryEvaluation& v) {
  json eff = json::array();
  for (const auto& e : v.efficiency_at_rejection) {
    eff.push_back({{"background_rejection", e.background_rejection},
                   {"signal_efficiency", finite_or_null(e.signal_efficiency)}});
  }
  j = {{"roc", v.roc},
       {"auc", v.auc},
       {"confusion", v.confusion},
       {"efficiency_at_rejection", eff},
       {"working_points", v.working_points}};
}

void to_json(json& j, const KsResult& v) {
  j = {{"statistic", v.statistic},
       {"p_value", finite_or_null(v.p_value)},
       {"n_a", v.n_a},
       {"n_b", v.n_b}};
}

void to_json(json& j, const OvertrainingCheck& v) {
  j = {{"signal", v.signal}, {"background", v.background}};
}

void to_json(json& j, const Histogram& v) {
  j = {{"lo", v.lo},
       {"hi", v.hi},
       {"counts", v.counts},
       {"underflow", v.underflow},
       {"overflow", v.overflow}};
}

void to_json(json& j, const FwhmEstimate& v) {
  j = {{"fwhm_interpolated", finite_or_null(v.fwhm_interpolated)},
       {"fwhm_gaussian", finite_or_null(v.fwhm_gaussian)},
       {"gaussian_mean", finite_or_null(v.gaussian_mean)},
       {"n", v.n}};
}

void to_json(json& j, const RegressionMetrics& v) {
  j = {{"n", v.n},
       {"mse", v.mse},
       {"rmse", v.rmse},
       {"mae", v.mae},
       {"mean_residual", v.mean_residual},
       {"std_residual", v.std_residual},
       {"median_residual", v.median_residual},
       {"resolution", v.resolution},
       {"residual_histogram", v.residuals}};
}

void to_json(json& j, const ResolutionBin& v) {
  j = {{"name", v.name},
       {"lo_kev", v.lo_kev},
       {"hi_kev", v.hi_kev},
       {"center_kev", v.center_kev},
       {"n", v.n},
       {"median_residual_kev", finite_or_null(v.median_residual_kev)},
       {"resolution", v.resolution}};
}

namespace {

// The interval-carrying truth keys, shared by RegionCutResult and the PSD contract.
json truth_keys(const RegionCutResult& v) {
  return {{"sse_efficiency", finite_or_null(v.sse_efficiency.value)},
          {"sse_efficiency_ci95", interval_json(v.sse_efficiency)},
          {"mse_rejection", finite_or_null(v.mse_rejection.value)},
          {"mse_rejection_ci95", interval_json(v.mse_rejection)},
          {"n_sse", v.n_single_site},
          {"n_mse", v.n_multi_site}};
}

}  // namespace

void to_json(json& j, const RegionCutResult& v) {
  j = {{"region", v.region.name},
       {"lo_kev", v.region.lo_kev},
       {"hi_kev", v.region.hi_kev},
       {"n_single_site", v.n_single_site},
       {"n_multi_site", v.n_multi_site},
       {"single_site_pass", v.single_site_pass},
       {"multi_site_pass", v.multi_site_pass},
       {"single_site_efficiency", finite_or_null(v.single_site_efficiency)},
       {"multi_site_rejection", finite_or_null(v.multi_site_rejection)},
       {"survival_fraction", finite_or_null(v.survival_fraction)},
       {"survival_ci95", interval_json(v.survival)}};
  j.update(truth_keys(v));
}

void to_json(json& j, const CutTruthEvaluation& v) {
  j = {{"cut", v.cut_name}, {"regions", v.regions}};
}

void to_json(json& j, const Proportion& v) {
  j = {{"value", finite_or_null(v.value)}, {"ci95", interval_json(v)}, {"n", v.n}, {"k", v.k}};
}

void to_json(json& j, const DepWorkingPoint& v) {
  j = {{"definition", v.definition},
       {"threshold", finite_or_null(v.threshold)},
       {"dep_acceptance", finite_or_null(v.dep_acceptance)},
       {"model_dep_acceptance", finite_or_null(v.model_dep_acceptance)},
       {"matched", v.matched},
       {"n_dep", v.n_dep}};
}

void to_json(json& j, const RegionSurvival& v) {
  j = {{"region", v.region.name},
       {"lo_kev", v.region.lo_kev},
       {"hi_kev", v.region.hi_kev},
       {"survival", v.survival}};
}

void to_json(json& j, const SurvivalBin& v) {
  j = {{"lo_kev", v.lo_kev}, {"hi_kev", v.hi_kev}, {"survival", v.survival}};
}

void to_json(json& j, const PsdEvaluation& v) {
  json wp = v.wp;
  json survival = json::object();
  for (const auto& s : v.survival) survival[s.region.name] = s.survival;
  wp["survival"] = std::move(survival);
  j = {{"n_events", v.n_events},
       {"auc", finite_or_null(v.auc.auc)},
       {"auc_ci95", json::array({finite_or_null(v.auc.lower), finite_or_null(v.auc.upper)})},
       {"pr_auc", finite_or_null(v.pr_auc)},
       {"working_point", std::move(wp)}};
  if (v.truth.empty()) return;  // real data: no truth, no key (not an empty table)
  json truth = json::object();
  for (const auto& t : v.truth) truth[t.region.name] = truth_keys(t);
  j["truth"] = std::move(truth);
}

json to_json(const PsdEvaluation& v) {
  json j;
  to_json(j, v);
  return j;
}

}  // namespace wl::eval
