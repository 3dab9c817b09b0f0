#pragma once
// A classical binary classifier on a feature matrix: XGBoost trees ("bdt"), libsvm ("svm"),
// L2-regularised logistic regression ("logistic") or a Gaussian process ("gp", built with
// libtorch only). Scores are P(signal) in [0, 1]; the GP and the BDT also do regression
// (model.task = "regression"), their scores then being the target's predicted values.
// Every model saves itself into a run directory and loads back giving identical scores;
// the training code scores events with the reloaded model so that what a run reports is
// exactly what `predict` reproduces.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/tabular/matrix.hpp"

namespace wl::core {
class Config;
}

namespace wl::tabular {

// One boosting round (or solver iteration): the losses the report plots.
struct RoundLoss {
  int round = 0;
  double train_loss = 0.0;
  double validation_loss = 0.0;
};

struct FitInputs {
  const FeatureMatrix* train = nullptr;
  const FeatureMatrix* validation = nullptr;  // may be empty (no early stopping then)
  std::vector<float> train_weight;            // per event (class weights); empty = 1
  std::vector<float> validation_weight;
  std::pair<double, double> class_weight{1.0, 1.0};  // background, signal (classification)
};

class TabularModel {
 public:
  virtual ~TabularModel() = default;
  virtual std::string type() const = 0;            // "bdt", "svm", "logistic", "gp"
  virtual std::string model_file() const = 0;      // file name inside the run directory
  virtual bool accepts_missing() const = 0;        // NaN features allowed
  virtual void fit(const FitInputs& in) = 0;
  // P(signal) per row. Throws InputError when the columns differ from training.
  virtual std::vector<double> predict(const FeatureMatrix& x) const = 0;
  // Models with a predictive uncertainty (the GP) give, in the same pass as the scores, a
  // standard deviation per row; the GP's is that of its latent f, not of P(signal).
  virtual bool has_predict_std() const { return false; }
  // A regression (model.task = "regression", the GP or the BDT): predict() gives the target in its
  // units, the spread its predictive standard deviation.
  virtual bool is_regression() const { return false; }
  // The scores; `spread` receives the standard deviations (empty unless has_predict_std()).
  virtual std::vector<double> predict_with_std(const FeatureMatrix& x, std::vector<double>& spread) const {
    spread.clear();
    return predict(x);
  }
  std::vector<double> predict_std(const FeatureMatrix& x) const {
    std::vector<double> s;
    predict_with_std(x, s);
    return s;
  }
  // Writes the model (and its scaler) into dir, atomically; refuses to overwrite unless force.
  virtual void save(const std::filesystem::path& dir, bool force) const = 0;
  virtual void load(const std::filesystem::path& dir) = 0;
  virtual std::vector<RoundLoss> history() const { return {}; }
  virtual nlohmann::json summary() const = 0;  // hyper-parameters and fit results
  virtual std::string description() const = 0;  // one line for the model card

  void set_threads(int threads) { threads_ = threads; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }

 protected:
  void check_columns(const FeatureMatrix& x) const;
  int threads_ = 0;  // 0: all cores
  std::vector<std::string> feature_names_;
};

bool is_tabular_type(const std::string& model_type);
// Reads model.type and that model's keys (model.n_trees, model.kernel, model.l2, ...).
std::unique_ptr<TabularModel> make_model(const core::Config& config);
// An empty model of the given type (then load()); InputError for an unknown type.
std::unique_ptr<TabularModel> make_empty_model(const std::string& type);

}  // namespace wl::tabular
