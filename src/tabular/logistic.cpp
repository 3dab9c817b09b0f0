// L2-regularised logistic regression by Newton / IRLS with backtracking.
#include "wavelearn/tabular/logistic.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::tabular {

using core::InputError;
namespace fs = std::filesystem;

namespace {

double sigmoid(double t) { return t >= 0 ? 1.0 / (1.0 + std::exp(-t)) : std::exp(t) / (1.0 + std::exp(t)); }

// log(1 + exp(t)) without overflow.
double softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }

// Solves A x = b for symmetric positive definite A (d x d, row-major) by Cholesky.
std::vector<double> solve_spd(std::vector<double> a, std::vector<double> b, std::size_t d) {
  for (std::size_t j = 0; j < d; ++j) {
    double s = a[j * d + j];
    for (std::size_t k = 0; k < j; ++k) s -= a[j * d + k] * a[j * d + k];
    if (!(s > 0)) throw std::runtime_error("logistic regression: Hessian not positive definite");
    const double l = std::sqrt(s);
    a[j * d + j] = l;
    for (std::size_t i = j + 1; i < d; ++i) {
      double t = a[i * d + j];
      for (std::size_t k = 0; k < j; ++k) t -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = t / l;
    }
  }
  for (std::size_t i = 0; i < d; ++i) {  // L y = b
    for (std::size_t k = 0; k < i; ++k) b[i] -= a[i * d + k] * b[k];
    b[i] /= a[i * d + i];
  }
  for (std::size_t i = d; i-- > 0;) {  // L^T x = y
    for (std::size_t k = i + 1; k < d; ++k) b[i] -= a[k * d + i] * b[k];
    b[i] /= a[i * d + i];
  }
  return b;
}

struct Design {
  std::vector<double> z;  // standardised, row-major
  std::vector<double> y, w;
  std::size_t n = 0, nf = 0;
};

Design design(const FeatureMatrix& x, const Standardizer& s, const std::vector<float>& weight) {
  Design d;
  d.z = s.apply(x);
  for (double v : d.z) {
    if (!std::isfinite(v)) throw InputError("logistic: missing feature values (use features.missing = \"drop\")");
  }
  d.n = x.n_rows();
  d.nf = x.n_features();
  d.y.assign(x.label.begin(), x.label.end());
  d.w.assign(d.n, 1.0);
  if (!weight.empty()) std::copy(weight.begin(), weight.end(), d.w.begin());
  return d;
}

// Mean weighted log-loss of (intercept, beta).
double mean_loss(const Design& d, double b0, const std::vector<double>& beta) {
  double loss = 0, wsum = 0;
  for (std::size_t i = 0; i < d.n; ++i) {
    double t = b0;
    for (std::size_t j = 0; j < d.nf; ++j) t += beta[j] * d.z[i * d.nf + j];
    loss += d.w[i] * (softplus(t) - d.y[i] * t);
    wsum += d.w[i];
  }
  return wsum > 0 ? loss / wsum : 0.0;
}

}  // namespace

void LogisticModel::fit(const FitInputs& in) {
  const FeatureMatrix& train = *in.train;
  if (train.n_rows() == 0) throw InputError("logistic: no training events");
  scaler_ = Standardizer::fit(train);
  feature_names_ = train.feature_names;
  const Design d = design(train, scaler_, in.train_weight);
  std::unique_ptr<Design> v;
  if (in.validation && in.validation->n_rows() > 0) {
    v = std::make_unique<Design>(design(*in.validation, scaler_, in.validation_weight));
  }
  const std::size_t nf = d.nf, dim = nf + 1;
  double wsum = 0;
  for (double w : d.w) wsum += w;
  // Penalised objective per unit weight, so l2 means the same for any number of events.
  const double lambda = settings_.l2 / wsum;
  auto objective = [&](double b0, const std::vector<double>& beta) {
    double pen = 0;
    for (double b : beta) pen += b * b;
    return mean_loss(d, b0, beta) + 0.5 * lambda * pen;
  };
  intercept_ = 0.0;
  beta_.assign(nf, 0.0);
  history_.clear();
  converged_ = false;
  std::vector<double> h(dim * dim), g(dim), zi(dim);
  double current = objective(intercept_, beta_);
  for (iterations_ = 0; iterations_ < settings_.max_iterations && !converged_; ++iterations_) {
    std::fill(h.begin(), h.end(), 0.0);
    std::fill(g.begin(), g.end(), 0.0);
    for (std::size_t i = 0; i < d.n; ++i) {
      zi[0] = 1.0;
      double t = intercept_;
      for (std::size_t j = 0; j < nf; ++j) {
        zi[j + 1] = d.z[i * nf + j];
        t += beta_[j] * zi[j + 1];
      }
      const double p = sigmoid(t);
      const double r = d.w[i] * (p - d.y[i]) / wsum;
      const double s = d.w[i] * p * (1 - p) / wsum;
      for (std::size_t a = 0; a < dim; ++a) {
        g[a] += r * zi[a];
        for (std::size_t b = 0; b <= a; ++b) h[a * dim + b] += s * zi[a] * zi[b];
      }
    }
    for (std::size_t a = 0; a < dim; ++a) {
      for (std::size_t b = 0; b < a; ++b) h[b * dim + a] = h[a * dim + b];
    }
    for (std::size_t j = 0; j < nf; ++j) {
      g[j + 1] += lambda * beta_[j];
      h[(j + 1) * dim + j + 1] += lambda;
    }
    h[0] += 1e-12;  // separable data: keep the intercept's curvature positive
    const std::vector<double> step = solve_spd(h, g, dim);
    // Backtracking: halve the Newton step until the objective does not increase.
    double scale = 1.0, next = current;
    std::vector<double> beta(nf);
    double b0 = intercept_;
    for (int k = 0; k < 30; ++k) {
      b0 = intercept_ - scale * step[0];
      for (std::size_t j = 0; j < nf; ++j) beta[j] = beta_[j] - scale * step[j + 1];
      next = objective(b0, beta);
      if (next <= current) break;
      scale *= 0.5;
    }
    double change = std::fabs(b0 - intercept_);
    for (std::size_t j = 0; j < nf; ++j) change = std::max(change, std::fabs(beta[j] - beta_[j]));
    intercept_ = b0;
    beta_ = beta;
    current = next;
    history_.push_back({iterations_, mean_loss(d, intercept_, beta_),
                        v ? mean_loss(*v, intercept_, beta_) : std::nan("")});
    converged_ = change < settings_.tolerance;
  }
}

std::vector<double> LogisticModel::predict(const FeatureMatrix& x) const {
  check_columns(x);
  const std::size_t nf = x.n_features();
  std::vector<double> score(x.n_rows());
  for (std::size_t i = 0; i < x.n_rows(); ++i) {
    const float* r = x.row(i);
    double t = intercept_;
    for (std::size_t j = 0; j < nf; ++j) t += beta_[j] * ((r[j] - scaler_.mean[j]) / scaler_.std[j]);
    score[i] = std::isfinite(t) ? sigmoid(t) : std::nan("");
  }
  return score;
}

void LogisticModel::save(const fs::path& dir, bool force) const {
  if (beta_.empty()) throw InputError("logistic: nothing to save (not trained)");
  nlohmann::json j = summary();
  j["scaler"] = scaler_.to_json();
  j["intercept"] = intercept_;
  j["coefficients"] = beta_;
  core::refuse_overwrite(dir / model_file(), force);
  // nlohmann writes doubles in shortest round-trip form: reloaded scores are identical.
  core::write_text_atomically(dir / model_file(), j.dump(2) + "\n", force);
}

void LogisticModel::load(const fs::path& dir) {
  const fs::path path = dir / model_file();
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": cannot open the logistic model");
  try {
    nlohmann::json j;
    in >> j;
    scaler_ = Standardizer::from_json(j.at("scaler"), path.string());
    intercept_ = j.at("intercept").get<double>();
    beta_ = j.at("coefficients").get<std::vector<double>>();
    settings_.l2 = j.value("l2", settings_.l2);
    iterations_ = j.value("iterations", 0);
    converged_ = j.value("converged", false);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": bad logistic model: " + e.what());
  }
  if (beta_.size() != scaler_.feature_names.size()) {
    throw InputError(path.string() + ": coefficient count differs from the feature list");
  }
  feature_names_ = scaler_.feature_names;
}

nlohmann::json LogisticModel::summary() const {
  nlohmann::json coef = nlohmann::json::object();
  for (std::size_t j = 0; j < beta_.size() && j < feature_names_.size(); ++j) coef[feature_names_[j]] = beta_[j];
  return {{"type", "logistic"},
          {"l2", settings_.l2},
          {"iterations", iterations_},
          {"converged", converged_},
          {"standardised_coefficients", coef}};
}

std::string LogisticModel::description() const {
  return "logistic regression, L2 = " + std::to_string(settings_.l2) +
         " (per unit event weight), IRLS/Newton on standardised features, " + std::to_string(iterations_) +
         " iterations" + (converged_ ? "" : " (not converged)");
}

LogisticSettings logistic_settings_from(const core::Config& c) {
  LogisticSettings s;
  s.l2 = c.get<double>("model.l2", s.l2);
  s.max_iterations = c.get<int>("model.max_iterations", s.max_iterations);
  s.tolerance = c.get<double>("model.tolerance", s.tolerance);
  if (s.l2 < 0) throw InputError("config key 'model.l2' must be >= 0");
  if (s.max_iterations < 1) throw InputError("config key 'model.max_iterations' must be >= 1");
  return s;
}

}  // namespace wl::tabular
