#pragma once
// L2-regularised logistic regression fitted by iteratively reweighted least squares
// (Newton's method) on standardised features: minimises
//   sum_i w_i * logloss(y_i, sigmoid(b + x_i . beta)) + l2 / 2 * |beta|^2   (b unpenalised).
// A dozen Newton steps converge for the few features of a DSP table.
#include "wavelearn/tabular/model.hpp"
#include "wavelearn/tabular/scaler.hpp"

namespace wl::tabular {

struct LogisticSettings {
  double l2 = 1.0;
  int max_iterations = 50;
  double tolerance = 1e-10;  // stop when the Newton step's largest change is below this
};

class LogisticModel : public TabularModel {
 public:
  explicit LogisticModel(LogisticSettings settings = {}) : settings_(settings) {}

  std::string type() const override { return "logistic"; }
  std::string model_file() const override { return "model_logistic.json"; }
  bool accepts_missing() const override { return false; }
  void fit(const FitInputs& in) override;
  std::vector<double> predict(const FeatureMatrix& x) const override;
  void save(const std::filesystem::path& dir, bool force) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<RoundLoss> history() const override { return history_; }
  nlohmann::json summary() const override;
  std::string description() const override;

  double intercept() const { return intercept_; }
  // Coefficients per standardised feature.
  const std::vector<double>& coefficients() const { return beta_; }

 private:
  LogisticSettings settings_;
  Standardizer scaler_;
  double intercept_ = 0.0;
  std::vector<double> beta_;
  std::vector<RoundLoss> history_;
  int iterations_ = 0;
  bool converged_ = false;
};

LogisticSettings logistic_settings_from(const core::Config& config);

}  // namespace wl::tabular
