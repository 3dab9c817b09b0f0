#pragma once
// Exact Gaussian processes (GP = zero mean function + kernel) on a few thousand events of a
// feature table, as the lecture teaches them: the prior f ~ GP(0, k) with a squared
// exponential kernel with one length scale per feature (ARD),
//   k(a, b) = signal_variance * exp(-1/2 sum_j ((a_j - b_j) / length_scale_j)^2),
// hyper-parameters fitted by maximising the (log) marginal likelihood with Adam on their
// logarithms (libtorch autograd), every linear solve through a Cholesky factor in double
// precision. Both give the predictive mean and variance of the latent f at new points,
// computed in batches so that memory is bounded by the batch, not by the events scored.
//
//  - GpRegression: Gaussian likelihood y = f + noise. Posterior mean k*^T (K + s2 I)^-1 y,
//    variance k** - k*^T (K + s2 I)^-1 k* (GPML Algorithm 2.1).
//  - GpClassifier: Bernoulli likelihood with a logistic link, p(t = 1 | f) = sigmoid(f),
//    and the Laplace approximation of the posterior at its mode (GPML Algorithms 3.1, 3.2;
//    its approximate marginal likelihood for the hyper-parameters, with the mode's own
//    dependence on them included). P(t = 1) ~= sigmoid(mu / sqrt(1 + pi s2 / 8)), the
//    probit approximation of the integral of sigmoid(f) N(f | mu, s2).
//  - GpModel: the classifier, or (model.task = "regression") the regression, as a tabular
//    model (model.type = "gp"): standardised features and targets, a seeded random subset
//    of at most max_train_events training events.
//
// The cost is O(n^3) in the training events (Cholesky), O(n^2) memory: this is for
// n <= a few thousand. libtorch stays inside gp.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "wavelearn/tabular/model.hpp"
#include "wavelearn/tabular/scaler.hpp"

namespace wl::tabular {

struct RbfArdKernel {
  std::vector<double> length_scale;  // one per input feature (in the input's units)
  double signal_variance = 1.0;      // k(x, x): the prior variance of f
  double noise_variance = 0.1;       // regression only: the variance of y around f
  // Added to K's diagonal, times signal_variance: keeps a near-singular K (duplicate
  // events, long length scales) factorisable without changing a well-posed problem.
  double jitter = 1e-8;

  nlohmann::json to_json() const;
  static RbfArdKernel from_json(const nlohmann::json& j, const std::string& source);
};

// The hyper-parameter fit: a fixed number of Adam steps on the logarithms of the length
// scales, the signal variance and (regression) the noise variance. The best parameters
// seen are kept, so the fit never ends below its start.
struct GpOptimiser {
  int iterations = 60;
  double learning_rate = 0.05;
  bool fit_noise = true;  // regression: also fit noise_variance
};

struct GpPrediction {
  std::vector<double> mean;      // of the latent f (regression: in the target's units)
  std::vector<double> variance;  // of the latent f (regression: add noise_variance for y)
};

// What prediction needs of any posterior: mean = k*^T a, variance = k** - |L^-1 (s o k*)|^2.
class GpPosterior {
 public:
  // Rows of x (row-major n x n_features, the inputs' units), batch_rows at a time.
  GpPrediction predict_latent(const std::vector<double>& x, std::size_t batch_rows = 512) const;
  const RbfArdKernel& kernel() const { return kernel_; }
  std::size_t n_train() const { return n_features_ ? x_.size() / n_features_ : 0; }
  std::size_t n_features() const { return n_features_; }
  // libtorch's intra-op threads for fits and predictions (0: all cores).
  static void use_threads(int threads);

 protected:
  std::vector<double> x_;  // training inputs, row-major
  std::size_t n_features_ = 0;
  RbfArdKernel kernel_;
  std::vector<double> a_, s_;  // the weights of k* in the mean; the scale of k* in the variance
  std::vector<double> chol_;   // lower Cholesky factor L, row-major n x n
  double log_marginal_likelihood_ = 0.0;
};

class GpRegression : public GpPosterior {
 public:
  // Conditions on (x, y) with fixed hyper-parameters. standardise_targets: the GP models
  // (y - mean(y)) / std(y) and predictions come back in y's units.
  void condition(std::vector<double> x, std::size_t n_features, std::vector<double> y, const RbfArdKernel& k,
                 bool standardise_targets = false);
  // Fits the hyper-parameters from `start` by maximising the log marginal likelihood, then
  // conditions with them. Returns the log marginal likelihood before each Adam step.
  std::vector<double> fit(std::vector<double> x, std::size_t n_features, std::vector<double> y,
                          const RbfArdKernel& start, const GpOptimiser& o, bool standardise_targets = true);
  // log p(y | X, hyper-parameters) of the (standardised, when asked) targets.
  double log_marginal_likelihood() const { return log_marginal_likelihood_; }
  // Predictive mean and variance of f (with_noise: of y) in y's units.
  GpPrediction predict(const std::vector<double>& x, bool with_noise = false, std::size_t batch_rows = 512) const;
  // What condition() took (targets in y's units): enough to rebuild the same posterior.
  const std::vector<double>& inputs() const { return x_; }
  const std::vector<double>& targets() const { return y_; }
  bool standardised_targets() const { return standardised_; }

 private:
  std::vector<double> y_;
  double y_offset_ = 0.0, y_scale_ = 1.0;
  bool standardised_ = false;
};

class GpClassifier : public GpPosterior {
 public:
  // Laplace approximation with fixed hyper-parameters: Newton iterations to the posterior
  // mode. label: 0/1; weight: per event, multiplies its log-likelihood (empty: 1).
  void condition(std::vector<double> x, std::size_t n_features, std::vector<uint8_t> label,
                 std::vector<double> weight, const RbfArdKernel& k);
  // The same from a saved mode (no Newton iterations): what a reloaded model does.
  void restore(std::vector<double> x, std::size_t n_features, std::vector<uint8_t> label,
               std::vector<double> weight, const RbfArdKernel& k, std::vector<double> mode);
  // Fits the hyper-parameters (signal variance and length scales; noise_variance is not
  // used) by maximising the Laplace approximate log marginal likelihood from `start`.
  // Returns it before each Adam step; `fitted` receives the best kernel.
  static std::vector<double> fit_hyperparameters(const std::vector<double>& x, std::size_t n_features,
                                                 const std::vector<uint8_t>& label, const std::vector<double>& weight,
                                                 const RbfArdKernel& start, const GpOptimiser& o,
                                                 RbfArdKernel& fitted);
  // d log q / d (log length scales..., log signal variance) of the Laplace evidence at k:
  // what the fit climbs (exposed to check it against finite differences).
  static std::vector<double> log_evidence_gradient(const std::vector<double>& x, std::size_t n_features,
                                                   const std::vector<uint8_t>& label,
                                                   const std::vector<double>& weight, const RbfArdKernel& k);
  double log_marginal_likelihood() const { return log_marginal_likelihood_; }  // Laplace approximation
  const std::vector<double>& mode() const { return mode_; }
  const std::vector<uint8_t>& label() const { return label_; }
  const std::vector<double>& weight() const { return weight_; }
  const std::vector<double>& inputs() const { return x_; }
  // The probit approximation of P(t = 1) from the latent mean and variance.
  static double probability(double mean, double variance);

 private:
  void set_posterior(std::vector<double> mode);
  std::vector<uint8_t> label_;
  std::vector<double> weight_, mode_;
};

struct GpSettings {
  std::size_t max_train_events = 2000;  // a seeded random subset of the training split beyond
  std::size_t hyper_events = 1000;      // of those, the first ones fit the hyper-parameters
  GpOptimiser optimiser;
  double length_scale = 0.0;     // initial, per standardised feature; 0: sqrt(n_features)
  double signal_variance = 4.0;  // initial prior variance of the latent f (logit scale)
  bool regression = false;       // model.task = "regression": GpRegression on a float target
  double noise_variance = 0.1;   // regression: initial noise variance (standardised target)
  std::size_t batch_events = 512;
  uint64_t seed = 42;
};

class GpModel : public TabularModel {
 public:
  explicit GpModel(GpSettings settings = {}) : settings_(settings) {}

  std::string type() const override { return "gp"; }
  std::string model_file() const override { return "model_gp.json"; }
  bool accepts_missing() const override { return false; }
  void fit(const FitInputs& in) override;
  std::vector<double> predict(const FeatureMatrix& x) const override;
  bool has_predict_std() const override { return true; }
  std::vector<double> predict_with_std(const FeatureMatrix& x, std::vector<double>& latent_std) const override;
  void save(const std::filesystem::path& dir, bool force) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<RoundLoss> history() const override { return history_; }
  nlohmann::json summary() const override;
  std::string description() const override;

  const GpClassifier& gp() const { return gp_; }
  const GpRegression& regression() const { return reg_; }
  bool is_regression() const override { return settings_.regression; }

 private:
  void fit_classifier(const FitInputs& in, const std::vector<std::size_t>& rows, const FeatureMatrix& train,
                      const std::vector<double>& z, const RbfArdKernel& start);
  void fit_regression(const FeatureMatrix& train, const std::vector<double>& z, const RbfArdKernel& start);
  const GpPosterior& posterior() const;
  GpSettings settings_;
  Standardizer scaler_;
  GpClassifier gp_;
  GpRegression reg_;
  std::vector<RoundLoss> history_;
  std::size_t n_train_available_ = 0;
  double lml_start_ = 0.0;  // per event, hyper-parameter subset, before the fit
};

GpSettings gp_settings_from(const core::Config& config);

}  // namespace wl::tabular
