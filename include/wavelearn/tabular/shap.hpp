#pragma once
// SHAP explanations of a BDT (exact TreeSHAP from XGBoost): per-event contributions of
// each feature to the margin (log-odds), which sum with the bias to the margin; global
// importance = mean |SHAP| per feature; plots and a force-style per-event table.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/tabular/bdt.hpp"

namespace wl::tabular {

struct ShapValues {
  std::vector<std::string> feature_names;
  std::vector<float> values;     // row-major n_rows x n_features
  std::vector<double> bias;      // per row (the same for all rows of one model)
  std::vector<double> margin;    // model margin per row
  std::size_t n_rows() const { return margin.size(); }
};

ShapValues shap_values(const BdtModel& model, const FeatureMatrix& x);

struct FeatureImportance {
  std::string feature;
  double mean_abs_shap = 0.0;
};
// Sorted by decreasing mean |SHAP|.
std::vector<FeatureImportance> shap_importance(const ShapValues& shap);

// Writes into run_dir (already claimed: files there are replaced): shap.h5 (id, label,
// score, margin, bias, shap_<feature> per evaluation event), plots/shap_importance.{png,svg}
// (mean |SHAP| bars, names on the axis), plots/shap_beeswarm.{png,svg} (SHAP value per
// event and feature, coloured by the feature's value) and shap.html (the plots, the
// importance table and force-style breakdowns of a few events). Returns the importance as
// JSON for metrics.json. `max_events_in_plot` bounds the beeswarm's events (a reproducible
// random subset).
nlohmann::json write_shap_outputs(const ShapValues& shap, const FeatureMatrix& x,
                                  const std::vector<double>& score,
                                  const std::filesystem::path& run_dir,
                                  std::size_t max_events_in_plot = 2000);

}  // namespace wl::tabular
