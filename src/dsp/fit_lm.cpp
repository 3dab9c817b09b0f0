// A small Levenberg-Marquardt minimiser (binned Poisson deviance or chi2) and weighted
// polynomial least squares: enough for peak fits and calibration curves without a new
// dependency. Problems have a handful of parameters, so dense k x k algebra is fine.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace wl::dsp {
namespace {

using Matrix = std::vector<std::vector<double>>;

// Solves A x = b by Gaussian elimination with partial pivoting; false when singular.
bool solve(Matrix a, std::vector<double> b, std::vector<double>& x) {
  const std::size_t n = b.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    if (!(std::fabs(a[p][c]) > 1e-300)) return false;
    std::swap(a[p], a[c]);
    std::swap(b[p], b[c]);
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      if (f == 0.0) continue;
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  x.assign(n, 0.0);
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) s -= a[i][k] * x[k];
    x[i] = s / a[i][i];
  }
  return true;
}

bool invert(const Matrix& a, Matrix& inv) {
  const std::size_t n = a.size();
  inv.assign(n, std::vector<double>(n, 0.0));
  for (std::size_t c = 0; c < n; ++c) {
    std::vector<double> e(n, 0.0), col;
    e[c] = 1.0;
    if (!solve(a, e, col)) return false;
    for (std::size_t r = 0; r < n; ++r) inv[r][c] = col[r];
  }
  return true;
}

double cost_of(const ModelFn& model, const std::vector<double>& x, const std::vector<double>& y,
               const std::vector<double>& sigma, const std::vector<double>& p, FitCost kind) {
  double c = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = model(x[i], p);
    if (!std::isfinite(f)) return std::numeric_limits<double>::infinity();
    if (kind == FitCost::kPoisson) {
      const double mu = std::max(f, 1e-12);
      c += 2.0 * (mu - y[i] + (y[i] > 0.0 ? y[i] * std::log(y[i] / mu) : 0.0));
    } else {
      const double s = sigma.empty() ? 1.0 : sigma[i];
      const double r = (y[i] - f) / s;
      c += r * r;
    }
  }
  return c;
}

// One Levenberg-Marquardt fit: the data, which parameters are free, and the linearised
// problem at the current point (Jacobian of the model over the free parameters, gradient
// and Fisher curvature of cost/2), all sized once.
class LmProblem {
 public:
  LmProblem(const ModelFn& model, const std::vector<double>& x, const std::vector<double>& y,
            const std::vector<double>& sigma, const LmOptions& options, std::size_t n_par)
      : model_(model), x_(x), y_(y), sigma_(sigma), options_(options), n_par_(n_par) {
    for (std::size_t k = 0; k < n_par; ++k)
      if (options.fixed.empty() || !options.fixed[k]) free_.push_back(k);
    const std::size_t nf = free_.size();
    h_.assign(nf, std::vector<double>(nf));
    g_.assign(nf, 0.0);
    jac_.assign(nf, std::vector<double>(x.size()));
    f0_.assign(x.size(), 0.0);
    grad_.assign(n_par, 0.0);
  }

  std::size_t n_free() const { return free_.size(); }

  void clamp_bounds(std::vector<double>& p) const {
    for (std::size_t k = 0; k < n_par_; ++k) {
      if (!options_.lower.empty()) p[k] = std::max(p[k], options_.lower[k]);
      if (!options_.upper.empty()) p[k] = std::min(p[k], options_.upper[k]);
    }
  }

  double cost(const std::vector<double>& p) const { return cost_of(model_, x_, y_, sigma_, p, options_.cost); }

  // Gradient and curvature of cost/2 at p.
  void linearise(const std::vector<double>& p) {
    jacobian(p);
    normal_equations();
  }

  // The damped step from p with the smallest lambda (growing tenfold) that does not raise
  // the cost; false when none does below lambda 1e12 (p is the minimum to precision).
  bool step(const std::vector<double>& p, double cost, double& lambda, std::vector<double>& trial,
            double& trial_cost) const {
    const std::size_t nf = free_.size();
    while (lambda < 1e12) {
      Matrix a = h_;
      for (std::size_t k = 0; k < nf; ++k) a[k][k] += lambda * std::max(h_[k][k], 1e-12);
      std::vector<double> delta;
      if (!solve(a, g_, delta)) {
        lambda *= 10.0;
        continue;
      }
      trial = p;
      for (std::size_t k = 0; k < nf; ++k) trial[free_[k]] += delta[k];
      clamp_bounds(trial);
      trial_cost = cost_of(model_, x_, y_, sigma_, trial, options_.cost);
      if (trial_cost <= cost) return true;
      lambda *= 10.0;
    }
    return false;
  }

  // Parameter errors from the inverse curvature of the last linearisation (0 for fixed
  // parameters, all 0 when singular). Without given sigmas the least-squares scale comes
  // from the residuals.
  std::vector<double> errors(double cost, int ndf) const {
    std::vector<double> err(n_par_, 0.0);
    Matrix cov;
    if (!invert(h_, cov)) return err;
    const double scale =
        (options_.cost == FitCost::kLeastSquares && sigma_.empty() && ndf > 0) ? cost / ndf : 1.0;
    for (std::size_t a = 0; a < free_.size(); ++a) err[free_[a]] = std::sqrt(std::max(0.0, cov[a][a] * scale));
    return err;
  }

 private:
  // Model values f0 and Jacobian over the free parameters: analytic when given, else central
  // differences.
  void jacobian(const std::vector<double>& p) {
    const std::size_t nf = free_.size();
    if (options_.gradient) {
      for (std::size_t i = 0; i < x_.size(); ++i) {
        f0_[i] = options_.gradient(x_[i], p, grad_.data());
        for (std::size_t a = 0; a < nf; ++a) jac_[a][i] = grad_[free_[a]];
      }
      return;
    }
    for (std::size_t i = 0; i < x_.size(); ++i) f0_[i] = model_(x_[i], p);
    for (std::size_t a = 0; a < nf; ++a) {
      const std::size_t k = free_[a];
      const double step = 1e-6 * std::fabs(p[k]) + 1e-9;
      std::vector<double> pp = p, pm = p;
      pp[k] += step;
      pm[k] -= step;
      for (std::size_t i = 0; i < x_.size(); ++i) jac_[a][i] = (model_(x_[i], pp) - model_(x_[i], pm)) / (2.0 * step);
    }
  }

  // g = J^T W r and h = J^T W J. Poisson: W is the expected Fisher information 1/mu,
  // floored for empty bins; least squares: 1/sigma^2.
  void normal_equations() {
    const std::size_t nf = free_.size();
    for (std::size_t a = 0; a < nf; ++a) {
      g_[a] = 0.0;
      for (std::size_t b = 0; b < nf; ++b) h_[a][b] = 0.0;
    }
    for (std::size_t i = 0; i < x_.size(); ++i) {
      double w, r;
      if (options_.cost == FitCost::kPoisson) {
        const double mu = std::max(f0_[i], 1e-12);
        w = 1.0 / std::max(mu, 1e-3);
        r = (y_[i] - mu);
      } else {
        const double s = sigma_.empty() ? 1.0 : sigma_[i];
        w = 1.0 / (s * s);
        r = y_[i] - f0_[i];
      }
      for (std::size_t a = 0; a < nf; ++a) {
        g_[a] += w * r * jac_[a][i];
        for (std::size_t b = 0; b <= a; ++b) h_[a][b] += w * jac_[a][i] * jac_[b][i];
      }
    }
    for (std::size_t a = 0; a < nf; ++a)
      for (std::size_t b = 0; b < a; ++b) h_[b][a] = h_[a][b];
  }

  const ModelFn& model_;
  const std::vector<double>& x_;
  const std::vector<double>& y_;
  const std::vector<double>& sigma_;
  const LmOptions& options_;
  std::size_t n_par_;
  std::vector<std::size_t> free_;
  Matrix h_;
  std::vector<double> g_;
  std::vector<std::vector<double>> jac_;
  std::vector<double> f0_, grad_;
};

// Polynomial fits work in t = (x - x0) / s (x0 the weighted mean, s the largest distance
// from it) for conditioning.
struct PolyScale {
  double x0, s;
};
PolyScale poly_scale(const std::vector<double>& x, const std::vector<double>& weights) {
  double x0 = 0.0, wsum = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    x0 += w * x[i];
    wsum += w;
  }
  if (!(wsum > 0.0)) throw core::InputError("polyfit: weights sum to zero");
  x0 /= wsum;
  double s = 0.0;
  for (double v : x) s = std::max(s, std::fabs(v - x0));
  if (!(s > 0.0)) s = 1.0;
  return {x0, s};
}

// Weighted normal equations a c = b of the fit in powers of t.
void poly_normal_equations(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<double>& weights, const PolyScale& sc, std::size_t m, Matrix& a,
                           std::vector<double>& b) {
  a.assign(m, std::vector<double>(m, 0.0));
  b.assign(m, 0.0);
  std::vector<double> pw(m);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    const double t = (x[i] - sc.x0) / sc.s;
    pw[0] = 1.0;
    for (std::size_t k = 1; k < m; ++k) pw[k] = pw[k - 1] * t;
    for (std::size_t r = 0; r < m; ++r) {
      b[r] += w * pw[r] * y[i];
      for (std::size_t c = 0; c < m; ++c) a[r][c] += w * pw[r] * pw[c];
    }
  }
}

// T maps t-coefficients to x-coefficients: sum_k ct_k ((x - x0)/s)^k = sum_j (T ct)_j x^j.
Matrix poly_expansion(const PolyScale& sc, std::size_t m) {
  Matrix t(m, std::vector<double>(m, 0.0));
  for (std::size_t k = 0; k < m; ++k) {
    double binom = 1.0;  // C(k, j)
    for (std::size_t j = 0; j <= k; ++j) {
      t[j][k] = binom * std::pow(-sc.x0, static_cast<double>(k - j)) / std::pow(sc.s, static_cast<double>(k));
      binom = binom * static_cast<double>(k - j) / static_cast<double>(j + 1);
    }
  }
  return t;
}

// Covariance of the x-coefficients, T inv T^T (row-major m x m), times chi2/ndf when
// scale_by_chi2 and there are more points than coefficients.
std::vector<double> poly_covariance(const std::vector<double>& x, const std::vector<double>& y,
                                    const std::vector<double>& weights, const std::vector<double>& coeffs,
                                    const Matrix& t, const Matrix& inv, bool scale_by_chi2) {
  const std::size_t m = coeffs.size();
  double scale = 1.0;
  if (scale_by_chi2 && x.size() > m) {
    double chi2 = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double w = weights.empty() ? 1.0 : weights[i];
      const double r = y[i] - polyval(coeffs, x[i]);
      chi2 += w * r * r;
    }
    scale = chi2 / static_cast<double>(x.size() - m);
  }
  std::vector<double> cov(m * m, 0.0);
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t c = 0; c < m; ++c) {
      double v = 0.0;
      for (std::size_t k = 0; k < m; ++k)
        for (std::size_t l = 0; l < m; ++l) v += t[r][k] * inv[k][l] * t[c][l];
      cov[r * m + c] = v * scale;
    }
  return cov;
}

}  // namespace

LmResult levenberg_marquardt(const ModelFn& model, const std::vector<double>& x,
                             const std::vector<double>& y, const std::vector<double>& sigma,
                             std::vector<double> start, const LmOptions& options) {
  if (x.size() != y.size() || (!sigma.empty() && sigma.size() != x.size()))
    throw core::InputError("fit: data vectors differ in length");
  LmProblem problem(model, x, y, sigma, options, start.size());
  const std::size_t nf = problem.n_free();
  if (x.size() <= nf) throw core::InputError("fit: " + std::to_string(x.size()) +
                                             " points for " + std::to_string(nf) + " free parameters");
  problem.clamp_bounds(start);

  LmResult res;
  res.params = start;
  res.ndf = static_cast<int>(x.size() - nf);
  double cost = problem.cost(res.params);
  double lambda = 1e-3;
  for (res.iterations = 0; res.iterations < options.max_iterations; ++res.iterations) {
    problem.linearise(res.params);
    std::vector<double> trial;
    double new_cost = cost;
    if (!problem.step(res.params, cost, lambda, trial, new_cost)) {  // at the minimum (to precision)
      res.converged = true;
      break;
    }
    const double change = cost - new_cost;
    res.params = trial;
    cost = new_cost;
    lambda = std::max(lambda / 10.0, 1e-12);
    if (change <= options.tolerance * (cost + options.tolerance)) {
      res.converged = true;
      break;
    }
  }
  res.cost = cost;
  problem.linearise(res.params);
  res.errors = problem.errors(cost, res.ndf);
  return res;
}

std::vector<double> polyfit(const std::vector<double>& x, const std::vector<double>& y,
                            const std::vector<double>& weights, int degree, std::vector<double>* cov,
                            bool scale_by_chi2) {
  const std::size_t m = static_cast<std::size_t>(degree) + 1;
  if (degree < 0 || x.size() != y.size() || (!weights.empty() && weights.size() != x.size()))
    throw core::InputError("polyfit: invalid input");
  if (x.size() < m)
    throw core::InputError("polyfit: " + std::to_string(x.size()) + " points for degree " + std::to_string(degree));
  const PolyScale sc = poly_scale(x, weights);
  Matrix a;
  std::vector<double> b;
  poly_normal_equations(x, y, weights, sc, m, a, b);
  std::vector<double> ct;
  Matrix inv;
  if (!solve(a, b, ct) || !invert(a, inv)) throw core::InputError("polyfit: singular system (points coincide)");
  const Matrix t = poly_expansion(sc, m);
  std::vector<double> coeffs(m, 0.0);
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t k = 0; k < m; ++k) coeffs[j] += t[j][k] * ct[k];
  if (cov) *cov = poly_covariance(x, y, weights, coeffs, t, inv, scale_by_chi2);
  return coeffs;
}

double polyval(const std::vector<double>& coeffs, double x) {
  double v = 0.0;
  for (std::size_t k = coeffs.size(); k-- > 0;) v = v * x + coeffs[k];
  return v;
}

}  // namespace wl::dsp
