#pragma once
// Gradient-boosted decision trees through XGBoost's C API: binary:logistic with early
// stopping on the validation log-loss (a regression, when the training matrix carries a
// float target: reg:squarederror on the validation RMSE), the best iteration kept (later trees dropped),
// saved as XGBoost JSON (loadable by the xgboost Python package), and exact TreeSHAP.
#include <cstdint>

#include "wavelearn/tabular/model.hpp"

namespace wl::tabular {

struct BdtSettings {
  int n_trees = 500;                // maximum boosting rounds
  int max_depth = 4;
  double eta = 0.1;                 // learning rate
  double subsample = 0.8;           // row fraction per tree
  double colsample_bytree = 1.0;
  double min_child_weight = 1.0;
  double lambda = 1.0;              // L2 on leaf weights
  int early_stopping_rounds = 20;   // 0: no early stopping
  std::string tree_method = "hist";
  // A regression's loss: "squared_error" (the conditional mean) or "absolute_error" (the
  // conditional median, which a tail of outliers, e.g. events that lost charge, cannot pull).
  std::string regression_loss = "squared_error";
  uint64_t seed = 42;
};

class BdtModel : public TabularModel {
 public:
  explicit BdtModel(BdtSettings settings = {});
  ~BdtModel() override;
  BdtModel(const BdtModel&) = delete;
  BdtModel& operator=(const BdtModel&) = delete;

  std::string type() const override { return "bdt"; }
  std::string model_file() const override { return "model.json"; }
  bool accepts_missing() const override { return true; }
  void fit(const FitInputs& in) override;
  std::vector<double> predict(const FeatureMatrix& x) const override;
  void save(const std::filesystem::path& dir, bool force) const override;
  void load(const std::filesystem::path& dir) override;
  bool is_regression() const override { return regression_; }
  std::vector<RoundLoss> history() const override { return history_; }
  nlohmann::json summary() const override;
  std::string description() const override;

  // The raw margin (log-odds) per row.
  std::vector<double> margin(const FeatureMatrix& x) const;
  // TreeSHAP: row-major n_rows x (n_features + 1), the last column the bias (expected
  // margin); each row sums to margin(x).
  std::vector<float> contributions(const FeatureMatrix& x) const;
  int best_iteration() const { return best_iteration_; }
  int n_trees() const;

 private:
  std::vector<float> predict_raw(const FeatureMatrix& x, int type, std::size_t* width) const;
  std::string objective() const;  // XGBoost's name of the trained (or configured) objective
  BdtSettings settings_;
  void* booster_ = nullptr;  // BoosterHandle
  std::vector<RoundLoss> history_;
  int best_iteration_ = -1;
  bool regression_ = false;
};

BdtSettings bdt_settings_from(const core::Config& config);

}  // namespace wl::tabular
