// metrics.json's evaluation block (metrics.hpp).
#include "wavelearn/eval/json.hpp"
#include "wavelearn/run/metrics.hpp"

namespace wl::run {

namespace {

nlohmann::json binary_json(const BinaryResult& b) {
  nlohmann::json j = eval::to_json(b.psd);
  j["score_column"] = b.column;
  j["confusion_at_working_point"] = b.confusion;
  nlohmann::json e = nlohmann::json::object();
  for (const auto& x : b.efficiency_at_rejection)
    e[std::to_string(static_cast<int>(x.background_rejection * 100 + 0.5)) + "pct_rejection"] =
        eval::finite_or_null(x.signal_efficiency);
  j["signal_efficiency_at"] = e;
  if (b.overtraining) j["overtraining"] = *b.overtraining;
  return j;
}

nlohmann::json drift_json(const RegressionResult& g) {
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& d : g.by_drift_time)
    bins.push_back({{"lo_ns", d.lo_ns},
                    {"hi_ns", d.hi_ns},
                    {"n", d.n},
                    {"model_median_kev", d.model_median_kev},
                    {"model_p16_kev", d.model_p16_kev},
                    {"model_p84_kev", d.model_p84_kev},
                    {"trapezoid_median_kev", eval::finite_or_null(d.trapezoid_median_kev)},
                    {"trapezoid_p16_kev", eval::finite_or_null(d.trapezoid_p16_kev)},
                    {"trapezoid_p84_kev", eval::finite_or_null(d.trapezoid_p84_kev)}});
  return {{"drift_time_field", g.drift_time_field}, {"bins", bins}};
}

nlohmann::json regression_json(const RegressionResult& g) {
  nlohmann::json j;
  j["target"] = g.target;
  j["unit"] = g.unit;
  j["n_events"] = g.metrics.n;
  j["rmse"] = eval::finite_or_null(g.metrics.rmse);
  j["mae"] = eval::finite_or_null(g.metrics.mae);
  j["metrics"] = g.metrics;
  if (!g.at_peaks.empty()) j["resolution_at_peaks"] = g.at_peaks;
  if (!g.by_energy.empty()) j["resolution_vs_energy"] = g.by_energy;
  nlohmann::json peaks = nlohmann::json::array();
  for (const auto& p : g.peaks) {
    auto width = [](const PeakWidth& w) {
      return nlohmann::json{{"fwhm_fit_kev", eval::finite_or_null(w.fwhm_fit_kev)},
                            {"fwhm_direct_kev", eval::finite_or_null(w.fwhm_direct_kev)},
                            {"centroid_kev", eval::finite_or_null(w.centroid_kev)},
                            {"centroid_err_kev", eval::finite_or_null(w.centroid_err_kev)},
                            {"bias_kev", eval::finite_or_null(w.bias_kev)},
                            {"n", w.n},
                            {"fit_error", w.fit_error}};
    };
    peaks.push_back({{"peak", p.name}, {"energy_kev", p.energy_kev}, {"model", width(p.model)},
                     {"trapezoid", width(p.reference)}});
  }
  if (!g.peaks.empty()) j["fwhm_at_peaks"] = peaks;
  // "trapezoid" is the calibrated energy (energy_label) beside a model of another target.
  if (!g.peaks.empty()) j["reference_spectrum"] = g.trapezoid.empty() ? "target" : "trapezoid";
  if (!g.by_drift_time.empty()) j["residuals_vs_drift_time"] = drift_json(g);
  return j;
}

nlohmann::json multiclass_json(const MulticlassResult& m) {
  const auto mc = eval::multiclass_confusion(m.true_class, m.predicted_class, static_cast<int>(m.class_names.size()));
  nlohmann::json j;
  j["confusion"] = mc;
  j["accuracy"] = eval::finite_or_null(mc.accuracy());
  j["macro_f1"] = eval::finite_or_null(mc.macro_f1());
  nlohmann::json a = nlohmann::json::array();
  for (double v : m.one_vs_rest_auc) a.push_back(eval::finite_or_null(v));
  j["one_vs_rest_auc"] = a;
  return j;
}

}  // namespace

nlohmann::json to_json(const EvaluationResults& r) {
  nlohmann::json j;
  j["events"] = r.events;
  j["n_events"] = r.n_events;
  j["n_train_scored"] = r.n_train;
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& b : r.binary) labels[b.label] = binary_json(b);
  if (!r.binary.empty()) {
    j["primary_label"] = r.binary.front().label;
    j["labels"] = labels;
  }
  if (r.reference) {
    nlohmann::json ref = eval::to_json(r.reference->psd);
    ref["name"] = r.reference->name;
    j["reference"] = ref;
  }
  if (r.regression) j["regression"] = regression_json(*r.regression);
  if (r.multiclass) j["multiclass"] = multiclass_json(*r.multiclass);
  if (!r.skipped.empty()) j["skipped"] = r.skipped;
  return j;
}

}  // namespace wl::run
