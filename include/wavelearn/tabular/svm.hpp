#pragma once
// Support vector machine through libsvm: C-SVC with an RBF or linear kernel, Platt-scaled
// probability outputs, class weights as per-class C, features standardised (scaler.json).
// libsvm's training is quadratic in the events, so at most max_train_events (a seeded
// random subset of the training split) are used.
#include <cstdint>

#include "wavelearn/tabular/model.hpp"
#include "wavelearn/tabular/scaler.hpp"

namespace wl::tabular {

struct SvmSettings {
  std::string kernel = "rbf";  // "rbf" or "linear"
  double c = 1.0;
  double gamma = 0.0;          // RBF; 0: 1 / n_features
  double tolerance = 1e-3;
  double cache_mb = 200.0;
  std::size_t max_train_events = 20000;
  uint64_t seed = 42;
};

class SvmModel : public TabularModel {
 public:
  explicit SvmModel(SvmSettings settings = {});
  ~SvmModel() override;
  SvmModel(const SvmModel&) = delete;
  SvmModel& operator=(const SvmModel&) = delete;

  std::string type() const override { return "svm"; }
  std::string model_file() const override { return "model.svm"; }
  bool accepts_missing() const override { return false; }
  void fit(const FitInputs& in) override;
  std::vector<double> predict(const FeatureMatrix& x) const override;
  void save(const std::filesystem::path& dir, bool force) const override;
  void load(const std::filesystem::path& dir) override;
  nlohmann::json summary() const override;
  std::string description() const override;

 private:
  void reload_from(const std::filesystem::path& model_path);
  SvmSettings settings_;
  Standardizer scaler_;
  void* model_ = nullptr;  // svm_model*
  std::size_t n_train_used_ = 0;
};

SvmSettings svm_settings_from(const core::Config& config);

}  // namespace wl::tabular
