#pragma once
// Task heads: how a model's raw outputs become a loss against the targets and a per-event
// score for evaluation. Every head also gives the TorchScript source of a `score(x)` method
// that is added to the model, so an exported model.pt computes the same scores in Python
// (`torch.jit.load("model.pt").score(x)`) as `wavelearn predict` does here.
//
// Kinds (the lectures' task modules):
//   binary_sigmoid  1 output, sigmoid then BCE                      score = sigmoid(out)
//   binary_logits   1 output, BCEWithLogits (numerically safer)     score = sigmoid(out)
//   binary_ce       2 outputs, cross entropy, argmax decision       score = softmax(out)[:, 1]
//   multiclass      n outputs, cross entropy                        scores = softmax(out)
//   regression      1 output per target, activation none|sigmoid, loss mse|l1|smooth_l1;
//                   the model learns (target - offset) / scale      score = act(out)*scale+offset
//   multitask       one output per target: binary targets BCEWithLogits, regression targets
//                   as above; loss = sum of task_weights[i] * loss_i scores per target
//   quantile        1 output per level of `quantiles` (sorted, distinct, in (0, 1), 0.5 among
//                   them), pinball loss on the scaled target     scores = sort(out)*scale+offset
//   gaussian        2 outputs, mean and log-variance of the scaled target, Gaussian negative
//                   log-likelihood             scores = mean*scale+offset, exp(logvar/2)*scale
//   masked_patches  self-supervised pretraining (no targets): the model (build_pretrain_model)
//                   masks patches of its input itself and returns (batch, T, 2P+1) =
//                   [reconstruction, clean patch, mask] per patch; loss = mean squared error
//                   on the masked patches only             score = that error per event
// quantile and gaussian are regressions of column 0 that also say how uncertain each event's
// estimate is (docs/models.md, "Uncertainty heads").
// Targets arrive as a (batch, n_targets) float tensor; binary and multitask heads use the
// columns in order, multiclass the last column (class index), regression column 0.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace wl::core {
class Config;
}

namespace wl::nn {

struct HeadSpec {
  std::string kind = "binary_logits";
  std::vector<std::string> target_names;  // the dataset's target columns, in order
  int64_t n_classes = 0;                  // multiclass
  std::string activation = "none";        // regression: none | sigmoid
  std::string loss = "mse";               // regression: mse | l1 | smooth_l1
  // Regression targets are learned as (t - offset) / scale (fitted on the training split when
  // scale_auto): energies of thousands of keV would otherwise dominate every gradient.
  bool scale_auto = true;
  std::vector<double> target_offset, target_scale;  // one per target column
  std::vector<double> task_weights;                 // multitask: one per target (default 1)
  // multitask: which target columns are regressions (the rest are binary labels).
  std::vector<bool> is_regression;
  std::vector<double> quantiles;  // quantile: the levels, one output each
  // masked_patches: the fraction of patches masked per event, and (cnn) the masked span
  // length; the transformer masks whole patches of model.patch_samples.
  double mask_ratio = 0.6;
  int64_t mask_span_samples = 25;
};

// Self-supervised pretraining heads (masked_patches): no targets, no task layer.
bool is_pretraining_kind(const std::string& kind);

// task.quantiles when not set: the median and the levels of a central 68 % interval (+-1
// sigma of a Gaussian), so the interval reads like the error bar physicists quote.
inline const std::vector<double> kDefaultQuantiles = {0.16, 0.5, 0.84};

// The gaussian head's log-variance (of the scaled target, whose training spread is 1) is
// clamped to this range: sigma from 4.5e-5 to 150 training standard deviations, never binding
// for a sensible model, but exp() of a wild early output cannot overflow the loss to Inf/NaN.
inline constexpr double kMinLogVariance = -20.0;
inline constexpr double kMaxLogVariance = 10.0;

// Pinball (quantile) loss, the mean over events and levels of
// rho_tau(r) = max(tau * r, (tau - 1) * r) with r = target - q_tau: its minimiser over q_tau is
// the tau-quantile of the target. quantiles (batch, n_levels), target (batch, 1).
torch::Tensor pinball_loss(const torch::Tensor& quantiles, const torch::Tensor& target,
                           const std::vector<double>& levels);
// Gaussian negative log-likelihood without its constant, the mean over events of
// 0.5 * (log_var + (target - mean)^2 / exp(log_var)); log_var clamped to
// [kMinLogVariance, kMaxLogVariance] in value only (the gradient passes, so a clamped output
// can come back). All (batch, 1).
torch::Tensor gaussian_nll(const torch::Tensor& mean, const torch::Tensor& log_var, const torch::Tensor& target);

// Reads [task]: kind, activation, loss, task_weights, scale_auto, target_offset,
// target_scale, quantiles. target_names, n_classes and is_regression come from the dataset.
HeadSpec head_spec_from(const core::Config& config, const std::vector<std::string>& target_names,
                        int64_t n_classes, const std::string& energy_field);

class Head {
 public:
  explicit Head(HeadSpec spec);  // throws InputError naming task.* for bad settings

  const HeadSpec& spec() const { return spec_; }
  int64_t n_outputs() const;
  // Mean loss over the batch (a scalar with grad).
  torch::Tensor loss(const torch::Tensor& outputs, const torch::Tensor& targets) const;
  // (batch, n_scores) scores, the same function as the TorchScript `score` method.
  torch::Tensor score(const torch::Tensor& outputs) const;
  std::vector<std::string> score_names() const;
  // `def score(self, x): ...` for jit::Module::define (calls self.forward).
  std::string score_source() const;

  // The validation metric and its name: "auc" (binary), "accuracy" (multiclass),
  // "rmse" (regression, target units; the median or the mean of quantile and gaussian),
  // "mean_auc" (multitask, over the binary targets).
  std::string metric_name() const;
  // scores (n, n_scores) and targets (n, n_targets) of all validation events. NaN when
  // undefined (e.g. only one class present).
  double metric(const torch::Tensor& scores, const torch::Tensor& targets) const;
  // Whether a higher metric is better (false for rmse).
  bool metric_higher_is_better() const;
  // For binary-like heads: the column of `targets` holding the 0/1 label (else -1).
  int label_column() const;

  // Fits offset/scale of regression targets on training targets (n, n_targets) when
  // spec.scale_auto (mean and standard deviation).
  void fit_target_scaling(const torch::Tensor& train_targets);

  std::string to_json() const;
  static Head from_json(const std::string& text);

 private:
  torch::Tensor regression_loss(const torch::Tensor& out, const torch::Tensor& target) const;
  void check_interval_spec() const;  // quantile and gaussian settings
  HeadSpec spec_;
};

}  // namespace wl::nn
