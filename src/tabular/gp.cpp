// Exact Gaussian processes with an RBF-ARD kernel: regression, Laplace classification and
// the tabular model "gp". The only libtorch unit of the tabular module (autograd for the
// hyper-parameters, Cholesky factors in double precision).
#include "wavelearn/tabular/gp.hpp"

// Only the libtorch headers used (tensors, autograd, Adam): <torch/torch.h> costs more.
#include <torch/types.h>  // first: the others assume it
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"

namespace wl::tabular {

using core::InputError;
using torch::Tensor;

namespace {

// Bounds of the fitted log-parameters: length scales from 0.01 to 1000 input units,
// variances from 1e-6 to 1e4. Beyond them the marginal likelihood is flat (a feature that
// is switched off) or the factorisation is ill-conditioned; clamping keeps Adam in range.
constexpr double kLogLengthMin = -4.605170185988091, kLogLengthMax = 6.907755278982137;
constexpr double kLogVarianceMin = -13.815510557964274, kLogVarianceMax = 9.210340371976184;
// The noise variance (of standardised targets) may go lower, to 1e-9: an energy measured to
// 0.7 keV across a spectrum of sd 900 keV is a noise variance of 6e-7, under the 1e-6 floor.
// K's jitter (1e-8 s_f^2) still keeps K + s2 I factorisable there.
constexpr double kLogNoiseMin = -20.72326583694641;
// Floor of the logistic likelihood's curvature W = p (1 - p): where sigmoid(f) rounds to 0
// or 1, sqrt(W) would have an infinite derivative.
constexpr double kMinCurvature = 1e-12;
// Newton iterations to the Laplace mode; each one is a Cholesky factorisation.
constexpr int kMaxNewtonIterations = 100;

torch::TensorOptions f64() { return torch::TensorOptions().dtype(torch::kFloat64); }

// One libtorch thread while it lives: OpenBLAS's Cholesky and triangular solves and
// libtorch's reductions split their sums by thread, so the posterior and the scores of a
// saved model would otherwise change in the last bits with --threads.
class OneThread {
 public:
  OneThread() : saved_(at::get_num_threads()) { at::set_num_threads(1); }
  ~OneThread() { at::set_num_threads(saved_); }
  OneThread(const OneThread&) = delete;
  OneThread& operator=(const OneThread&) = delete;

 private:
  int saved_;
};

// A read-only tensor over a vector's data, no copy (never written through).
Tensor view(const std::vector<double>& v, int64_t cols) {
  const int64_t rows = cols > 0 ? static_cast<int64_t>(v.size()) / cols : 0;
  return torch::from_blob(const_cast<double*>(v.data()), {rows, cols}, f64());
}

Tensor view(const std::vector<double>& v) {
  return torch::from_blob(const_cast<double*>(v.data()), {static_cast<int64_t>(v.size())}, f64());
}

std::vector<double> to_vector(const Tensor& t) {
  const Tensor c = t.detach().contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

Tensor eye(int64_t n) { return torch::eye(n, f64()); }

// k(a_i, b_j) for all pairs, differentiable in the length scales and the signal variance.
// |a - b|^2 = |a|^2 + |b|^2 - 2 a.b keeps memory at n x m (not n x m x features).
Tensor rbf(const Tensor& a, const Tensor& b, const Tensor& length, const Tensor& signal_variance) {
  const Tensor za = a / length, zb = b / length;
  const Tensor d2 = za.pow(2).sum(1, true) + zb.pow(2).sum(1).unsqueeze(0) - 2.0 * za.matmul(zb.t());
  return signal_variance * torch::exp(-0.5 * d2.clamp_min(0.0));
}

// The hyper-parameters as optimisable log-values.
struct LogParams {
  Tensor log_length, log_signal, log_noise;
  bool fit_noise = false;

  LogParams(const RbfArdKernel& k, bool noise) : fit_noise(noise) {
    log_length = view(k.length_scale).log().clone().requires_grad_(true);
    log_signal = torch::tensor(std::log(k.signal_variance), f64()).requires_grad_(true);
    log_noise = torch::tensor(std::log(k.noise_variance), f64()).requires_grad_(noise);
  }
  Tensor length() const { return log_length.exp(); }
  Tensor signal() const { return log_signal.exp(); }
  Tensor noise() const { return log_noise.exp(); }
  std::vector<Tensor> trainable() const {
    std::vector<Tensor> p{log_length, log_signal};
    if (fit_noise) p.push_back(log_noise);
    return p;
  }
  std::vector<Tensor> snapshot() const { return {log_length.detach().clone(), log_signal.detach().clone(), log_noise.detach().clone()}; }
  void assign(const std::vector<Tensor>& s) {
    torch::NoGradGuard no_grad;
    log_length.copy_(s[0]);
    log_signal.copy_(s[1]);
    log_noise.copy_(s[2]);
  }
  void clamp() {
    torch::NoGradGuard no_grad;
    log_length.clamp_(kLogLengthMin, kLogLengthMax);
    log_signal.clamp_(kLogVarianceMin, kLogVarianceMax);
    log_noise.clamp_(kLogNoiseMin, kLogVarianceMax);
  }
  RbfArdKernel kernel(const RbfArdKernel& like) const {
    RbfArdKernel k = like;
    k.length_scale = to_vector(length());
    k.signal_variance = signal().item<double>();
    k.noise_variance = noise().item<double>();
    return k;
  }
};

// Adam on the log-parameters maximising objective(); returns the objective before each step
// and leaves the best parameters seen in p. A factorisation that fails (a step into an
// ill-conditioned region) ends the fit at the best so far.
std::vector<double> maximise(LogParams& p, const std::function<Tensor()>& objective, const GpOptimiser& o,
                             double n_events) {
  torch::optim::Adam adam(p.trainable(), torch::optim::AdamOptions(o.learning_rate));
  std::vector<double> history;
  double best = -std::numeric_limits<double>::infinity();
  auto best_params = p.snapshot();
  auto consider = [&](double value) {
    if (value > best) best = value, best_params = p.snapshot();
  };
  try {
    for (int it = 0; it < o.iterations; ++it) {
      adam.zero_grad();
      const Tensor lml = objective();
      const double value = lml.item<double>();
      if (!std::isfinite(value)) break;
      history.push_back(value);
      consider(value);
      (-lml / n_events).backward();  // per event: the step size does not depend on n
      adam.step();
      p.clamp();
    }
    if (o.iterations > 0) {
      torch::NoGradGuard no_grad;
      const double last = objective().item<double>();
      if (std::isfinite(last)) consider(last);
    }
  } catch (const c10::Error&) {
    // not positive definite: keep the best parameters seen
  }
  p.assign(best_params);
  return history;
}

// log N(y | 0, K + (noise + jitter * signal) I) (GPML Algorithm 2.1); chol and alpha receive
// L and (K + noise I)^-1 y when asked.
Tensor regression_lml(const Tensor& x, const Tensor& y, const Tensor& length, const Tensor& signal,
                      const Tensor& noise, double jitter, Tensor* chol = nullptr, Tensor* alpha = nullptr) {
  const int64_t n = x.size(0);
  const Tensor k = rbf(x, x, length, signal) + (noise + jitter * signal) * eye(n);
  const Tensor l = torch::linalg_cholesky(k);
  const Tensor a = torch::cholesky_solve(y.unsqueeze(1), l).squeeze(1);
  if (chol) *chol = l;
  if (alpha) *alpha = a;
  return -0.5 * (y * a).sum() - l.diagonal().log().sum() - 0.5 * static_cast<double>(n) * std::log(2.0 * M_PI);
}

// The training kernel matrix with its jitter.
Tensor train_kernel(const Tensor& x, const Tensor& length, const Tensor& signal, double jitter) {
  return rbf(x, x, length, signal) + jitter * signal * eye(x.size(0));
}

// sum_i w_i log p(t_i | f_i) with p(1 | f) = sigmoid(f).
Tensor log_likelihood(const Tensor& f, const Tensor& t, const Tensor& w) {
  return (w * (t * f - torch::softplus(f))).sum();
}

// W = -d2 log p / df2 = w p (1 - p).
Tensor curvature(const Tensor& f, const Tensor& w) {
  const Tensor p = torch::sigmoid(f);
  return (w * p * (1.0 - p)).clamp_min(kMinCurvature);
}

// Cholesky factor of B = I + S K S, S = diag(s): eigenvalues >= 1, so it is well conditioned
// whatever K is (GPML section 3.4.3).
Tensor chol_b(const Tensor& k, const Tensor& s) {
  return torch::linalg_cholesky(eye(k.size(0)) + s.unsqueeze(1) * k * s.unsqueeze(0));
}

// One Newton step of GPML Algorithm 3.1 from f: the new a, with f_new = K a.
Tensor newton_step(const Tensor& k, const Tensor& f, const Tensor& t, const Tensor& w) {
  const Tensor wc = curvature(f, w), s = wc.sqrt();
  const Tensor b = wc * f + w * (t - torch::sigmoid(f));
  const Tensor l = chol_b(k, s);
  return b - s * torch::cholesky_solve((s * k.matmul(b)).unsqueeze(1), l).squeeze(1);
}

// Psi = log p(t | f) - 1/2 f^T K^-1 f at f = K a, the objective the mode maximises.
double psi(const Tensor& k, const Tensor& a, const Tensor& t, const Tensor& w) {
  const Tensor f = k.matmul(a);
  return (log_likelihood(f, t, w) - 0.5 * (a * f).sum()).item<double>();
}

// Newton iterations to the mode from a (f = K a, a warm start), halving a step that does
// not increase Psi (the logistic likelihood is log-concave, so this converges).
Tensor find_mode(const Tensor& k, Tensor a, const Tensor& t, const Tensor& w) {
  torch::NoGradGuard no_grad;
  double current = psi(k, a, t, w);
  for (int it = 0; it < kMaxNewtonIterations; ++it) {
    Tensor next = newton_step(k, k.matmul(a), t, w);
    double value = psi(k, next, t, w);
    for (int h = 0; h < 30 && !(value >= current); ++h) {
      next = 0.5 * (a + next);
      value = psi(k, next, t, w);
    }
    if (!(value >= current)) break;  // no increase left at double precision
    const double change = k.matmul(next - a).abs().max().item<double>();
    a = next;
    current = value;
    if (change < 1e-10) break;
  }
  return a;
}

// The Laplace approximate log marginal likelihood as a differentiable function of K:
// log p(t | f) - 1/2 f^T K^-1 f - 1/2 log|B| at the mode f. One Newton step from the
// (detached) mode f0 makes f a function of K whose derivative is the mode's (the step's
// Jacobian in f0 vanishes at the mode), so the gradient includes the implicit term of
// GPML Algorithm 5.1.
Tensor laplace_lml(const Tensor& k, const Tensor& f0, const Tensor& t, const Tensor& w, Tensor* a_out) {
  const Tensor a = newton_step(k, f0, t, w);
  const Tensor f = k.matmul(a);
  const Tensor l = chol_b(k, curvature(f, w).sqrt());
  if (a_out) *a_out = a.detach();
  return log_likelihood(f, t, w) - 0.5 * (a * f).sum() - l.diagonal().log().sum();
}

void check_inputs(const std::vector<double>& x, std::size_t n_features, std::size_t n_targets, const char* what) {
  if (n_features == 0 || x.empty() || x.size() % n_features != 0)
    throw InputError(std::string(what) + ": inputs must be a non-empty row-major n x n_features array");
  if (x.size() / n_features != n_targets)
    throw InputError(std::string(what) + ": " + std::to_string(x.size() / n_features) + " input rows but " +
                     std::to_string(n_targets) + " targets");
  for (double v : x)
    if (!std::isfinite(v)) throw InputError(std::string(what) + ": non-finite input value");
}

RbfArdKernel with_lengths(RbfArdKernel k, std::size_t n_features) {
  if (k.length_scale.empty()) k.length_scale.assign(n_features, 1.0);
  if (k.length_scale.size() != n_features)
    throw InputError("gaussian process: " + std::to_string(k.length_scale.size()) + " length scales for " +
                     std::to_string(n_features) + " features");
  for (double l : k.length_scale)
    if (!(l > 0)) throw InputError("gaussian process: length scales must be > 0");
  if (!(k.signal_variance > 0) || !(k.noise_variance > 0) || !(k.jitter >= 0))
    throw InputError("gaussian process: variances must be > 0 and the jitter >= 0");
  return k;
}

std::vector<double> unit_weights(std::vector<double> w, std::size_t n) {
  if (w.empty()) w.assign(n, 1.0);
  if (w.size() != n) throw InputError("gaussian process classifier: weights differ in number from the labels");
  return w;
}

Tensor labels_tensor(const std::vector<uint8_t>& label) {
  std::vector<double> t(label.begin(), label.end());
  return torch::tensor(t, f64());
}

}  // namespace

// ---- kernel ----------------------------------------------------------------------------

nlohmann::json RbfArdKernel::to_json() const {
  return {{"length_scale", length_scale}, {"signal_variance", signal_variance},
          {"noise_variance", noise_variance}, {"jitter", jitter}};
}

RbfArdKernel RbfArdKernel::from_json(const nlohmann::json& j, const std::string& source) {
  try {
    RbfArdKernel k;
    k.length_scale = j.at("length_scale").get<std::vector<double>>();
    k.signal_variance = j.at("signal_variance").get<double>();
    k.noise_variance = j.at("noise_variance").get<double>();
    k.jitter = j.at("jitter").get<double>();
    return k;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source + ": bad kernel: " + e.what());
  }
}

// ---- prediction ------------------------------------------------------------------------

void GpPosterior::use_threads(int threads) { at::set_num_threads(core::resolve_threads(threads)); }

GpPrediction GpPosterior::predict_latent(const std::vector<double>& x, std::size_t batch_rows) const {
  if (chol_.empty()) throw InputError("gaussian process: not conditioned on training data");
  if (x.size() % n_features_ != 0) throw InputError("gaussian process: inputs are not rows of n_features");
  torch::NoGradGuard no_grad;
  const OneThread one_thread;
  const int64_t d = static_cast<int64_t>(n_features_);
  // Copies in libtorch's own (aligned) memory: vectorised kernels may round differently
  // depending on where a std::vector's data happens to start.
  const Tensor xt = view(x_, d).clone(), l = view(chol_, static_cast<int64_t>(n_train())).clone();
  const Tensor a = view(a_).clone(), s = view(s_).clone();
  const Tensor length = view(kernel_.length_scale), signal = torch::tensor(kernel_.signal_variance, f64());
  const std::size_t n = x.size() / n_features_, batch = std::max<std::size_t>(batch_rows, 1);
  GpPrediction out;
  out.mean.resize(n);
  out.variance.resize(n);
  // Every batch has the same shape (the last one padded): BLAS rounding can depend
  // on a column's place among its neighbours and on the shape, so an event's scores would
  // otherwise differ in the last bits between `predict` (all events) and `evaluate` (some).
  const Tensor xs = torch::zeros({static_cast<int64_t>(batch), d}, f64());
  for (std::size_t begin = 0; begin < n; begin += batch) {
    const int64_t m = static_cast<int64_t>(std::min(batch, n - begin));
    xs.narrow(0, 0, m).copy_(torch::from_blob(const_cast<double*>(x.data() + begin * n_features_), {m, d}, f64()));
    const Tensor ks = rbf(xt, xs, length, signal);  // n_train x batch: the batch bounds the memory
    const Tensor mean = ks.t().matmul(a).contiguous();
    const Tensor v = torch::linalg_solve_triangular(l, s.unsqueeze(1) * ks, /*upper=*/false);
    const Tensor var = (signal - v.pow(2).sum(0)).clamp_min(0.0).contiguous();  // rounding below 0
    std::copy_n(mean.data_ptr<double>(), m, out.mean.begin() + static_cast<std::ptrdiff_t>(begin));
    std::copy_n(var.data_ptr<double>(), m, out.variance.begin() + static_cast<std::ptrdiff_t>(begin));
  }
  return out;
}

// ---- regression ------------------------------------------------------------------------

void GpRegression::condition(std::vector<double> x, std::size_t n_features, std::vector<double> y,
                             const RbfArdKernel& k, bool standardise_targets) {
  check_inputs(x, n_features, y.size(), "gaussian process regression");
  kernel_ = with_lengths(k, n_features);
  x_ = std::move(x);
  n_features_ = n_features;
  y_ = y;
  standardised_ = standardise_targets;
  y_offset_ = 0.0;
  y_scale_ = 1.0;
  if (standardise_targets) {
    double sum = 0, ss = 0;
    for (double v : y) sum += v;
    y_offset_ = sum / static_cast<double>(y.size());
    for (double v : y) ss += (v - y_offset_) * (v - y_offset_);
    const double sd = y.size() > 1 ? std::sqrt(ss / static_cast<double>(y.size() - 1)) : 0.0;
    y_scale_ = sd > 0 ? sd : 1.0;
  }
  for (double& v : y) v = (v - y_offset_) / y_scale_;
  torch::NoGradGuard no_grad;
  const OneThread one_thread;
  Tensor l, alpha;
  const Tensor signal = torch::tensor(kernel_.signal_variance, f64());
  const Tensor noise = torch::tensor(kernel_.noise_variance, f64());
  log_marginal_likelihood_ = regression_lml(view(x_, static_cast<int64_t>(n_features)), view(y), view(kernel_.length_scale),
                                            signal, noise, kernel_.jitter, &l, &alpha)
                                 .item<double>();
  chol_ = to_vector(l);
  a_ = to_vector(alpha);
  s_.assign(a_.size(), 1.0);
}

std::vector<double> GpRegression::fit(std::vector<double> x, std::size_t n_features, std::vector<double> y,
                                      const RbfArdKernel& start, const GpOptimiser& o, bool standardise_targets) {
  // Conditioning first standardises the targets (and checks everything) the same way.
  condition(x, n_features, y, start, standardise_targets);
  std::vector<double> z(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) z[i] = (y[i] - y_offset_) / y_scale_;
  LogParams p(kernel_, o.fit_noise);
  const Tensor xt = view(x, static_cast<int64_t>(n_features)), yt = view(z);
  const double jitter = kernel_.jitter;
  const auto history = maximise(
      p, [&] { return regression_lml(xt, yt, p.length(), p.signal(), p.noise(), jitter); }, o,
      static_cast<double>(y.size()));
  condition(std::move(x), n_features, std::move(y), p.kernel(kernel_), standardise_targets);
  return history;
}

GpPrediction GpRegression::predict(const std::vector<double>& x, bool with_noise, std::size_t batch_rows) const {
  GpPrediction p = predict_latent(x, batch_rows);
  for (std::size_t i = 0; i < p.mean.size(); ++i) {
    p.mean[i] = y_offset_ + y_scale_ * p.mean[i];
    p.variance[i] = y_scale_ * y_scale_ * (p.variance[i] + (with_noise ? kernel_.noise_variance : 0.0));
  }
  return p;
}

// ---- classification --------------------------------------------------------------------

void GpClassifier::condition(std::vector<double> x, std::size_t n_features, std::vector<uint8_t> label,
                             std::vector<double> weight, const RbfArdKernel& k) {
  check_inputs(x, n_features, label.size(), "gaussian process classifier");
  weight_ = unit_weights(std::move(weight), label.size());
  kernel_ = with_lengths(k, n_features);
  x_ = std::move(x);
  n_features_ = n_features;
  label_ = std::move(label);
  torch::NoGradGuard no_grad;
  const Tensor kk = train_kernel(view(x_, static_cast<int64_t>(n_features_)), view(kernel_.length_scale),
                                 torch::tensor(kernel_.signal_variance, f64()), kernel_.jitter);
  const Tensor a = find_mode(kk, torch::zeros({kk.size(0)}, f64()), labels_tensor(label_), view(weight_));
  set_posterior(to_vector(kk.matmul(a)));
}

void GpClassifier::restore(std::vector<double> x, std::size_t n_features, std::vector<uint8_t> label,
                           std::vector<double> weight, const RbfArdKernel& k, std::vector<double> mode) {
  check_inputs(x, n_features, label.size(), "gaussian process classifier");
  if (mode.size() != label.size()) throw InputError("gaussian process classifier: mode and labels differ in number");
  weight_ = unit_weights(std::move(weight), label.size());
  kernel_ = with_lengths(k, n_features);
  x_ = std::move(x);
  n_features_ = n_features;
  label_ = std::move(label);
  set_posterior(std::move(mode));
}

// At the mode f: mean weights a = grad log p(t | f) (= K^-1 f), s = sqrt(W), L = chol(B)
// (GPML Algorithm 3.2), and the approximate log marginal likelihood.
void GpClassifier::set_posterior(std::vector<double> mode) {
  torch::NoGradGuard no_grad;
  const OneThread one_thread;
  mode_ = std::move(mode);
  const Tensor kk = train_kernel(view(x_, static_cast<int64_t>(n_features_)), view(kernel_.length_scale),
                                 torch::tensor(kernel_.signal_variance, f64()), kernel_.jitter);
  const Tensor f = view(mode_), t = labels_tensor(label_), w = view(weight_);
  const Tensor grad = w * (t - torch::sigmoid(f)), s = curvature(f, w).sqrt();
  const Tensor l = chol_b(kk, s);
  log_marginal_likelihood_ =
      (log_likelihood(f, t, w) - 0.5 * (f * grad).sum() - l.diagonal().log().sum()).item<double>();
  a_ = to_vector(grad);
  s_ = to_vector(s);
  chol_ = to_vector(l);
}

// The objective's value and gradient at the mode of the given hyper-parameters.
Tensor laplace_objective(const LogParams& p, const Tensor& x, const Tensor& t, const Tensor& w, double jitter,
                         Tensor& mode_a) {
  const Tensor k = train_kernel(x, p.length(), p.signal(), jitter);
  Tensor f0;
  {
    torch::NoGradGuard no_grad;
    const Tensor kd = k.detach();
    mode_a = find_mode(kd, mode_a, t, w);
    f0 = kd.matmul(mode_a);
  }
  return laplace_lml(k, f0, t, w, &mode_a);
}

std::vector<double> GpClassifier::log_evidence_gradient(const std::vector<double>& x, std::size_t n_features,
                                                        const std::vector<uint8_t>& label,
                                                        const std::vector<double>& weight, const RbfArdKernel& k) {
  check_inputs(x, n_features, label.size(), "gaussian process classifier");
  const std::vector<double> w = unit_weights(weight, label.size());
  const RbfArdKernel k0 = with_lengths(k, n_features);
  LogParams p(k0, false);
  Tensor a = torch::zeros({static_cast<int64_t>(label.size())}, f64());
  laplace_objective(p, view(x, static_cast<int64_t>(n_features)), labels_tensor(label), view(w), k0.jitter, a)
      .backward();
  std::vector<double> g = to_vector(p.log_length.grad());
  g.push_back(p.log_signal.grad().item<double>());
  return g;
}

std::vector<double> GpClassifier::fit_hyperparameters(const std::vector<double>& x, std::size_t n_features,
                                                      const std::vector<uint8_t>& label,
                                                      const std::vector<double>& weight, const RbfArdKernel& start,
                                                      const GpOptimiser& o, RbfArdKernel& fitted) {
  check_inputs(x, n_features, label.size(), "gaussian process classifier");
  const std::vector<double> w = unit_weights(weight, label.size());
  const RbfArdKernel k0 = with_lengths(start, n_features);
  LogParams p(k0, false);
  const Tensor xt = view(x, static_cast<int64_t>(n_features)), t = labels_tensor(label), wt = view(w);
  Tensor a = torch::zeros({xt.size(0)}, f64());  // the mode, warm-started from the last step's
  auto objective = [&] { return laplace_objective(p, xt, t, wt, k0.jitter, a); };
  const auto history = maximise(p, objective, o, static_cast<double>(label.size()));
  fitted = p.kernel(k0);
  return history;
}

double GpClassifier::probability(double mean, double variance) {
  const double z = mean / std::sqrt(1.0 + M_PI * std::max(variance, 0.0) / 8.0);
  return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

}  // namespace wl::tabular
