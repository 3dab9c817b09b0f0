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

}  // namespace

LmResult levenberg_marquardt(const ModelFn& model, const std::vector<double>& x,
                             const std::vector<double>& y, const std::vector<double>& sigma,
                             std::vector<double> start, const LmOptions& options) {
  const std::size_t n_par = start.size();
  if (x.size() != y.size() || (!sigma.empty() && sigma.size() != x.size()))
    throw core::InputError("fit: data vectors differ in length");
  std::vector<std::size_t> free;
  for (std::size_t k = 0; k < n_par; ++k)
    if (options.fixed.empty() || !options.fixed[k]) free.push_back(k);
  const std::size_t nf = free.size();
  if (x.size() <= nf) throw core::InputError("fit: " + std::to_string(x.size()) +
                                             " points for " + std::to_string(nf) + " free parameters");
  auto clamp_bounds = [&](std::vector<double>& p) {
    for (std::size_t k = 0; k < n_par; ++k) {
      if (!options.lower.empty()) p[k] = std::max(p[k], options.lower[k]);
      if (!options.upper.empty()) p[k] = std::min(p[k], options.upper[k]);
    }
  };
  clamp_bounds(start);

  LmResult res;
  res.params = start;
  res.ndf = static_cast<int>(x.size() - nf);
  double cost = cost_of(model, x, y, sigma, res.params, options.cost);
  double lambda = 1e-3;
  Matrix h(nf, std::vector<double>(nf));
  std::vector<double> g(nf);
  std::vector<std::vector<double>> jac(nf, std::vector<double>(x.size()));
  std::vector<double> f0(x.size());

  // Gradient and (Fisher) curvature of cost/2 at p.
  std::vector<double> grad(n_par);
  auto linearise = [&](const std::vector<double>& p) {
    if (options.gradient) {
      for (std::size_t i = 0; i < x.size(); ++i) {
        f0[i] = options.gradient(x[i], p, grad.data());
        for (std::size_t a = 0; a < nf; ++a) jac[a][i] = grad[free[a]];
      }
    } else {
      for (std::size_t i = 0; i < x.size(); ++i) f0[i] = model(x[i], p);
    }
    for (std::size_t a = 0; a < nf && !options.gradient; ++a) {
      const std::size_t k = free[a];
      const double step = 1e-6 * std::fabs(p[k]) + 1e-9;
      std::vector<double> pp = p, pm = p;
      pp[k] += step;
      pm[k] -= step;
      for (std::size_t i = 0; i < x.size(); ++i)
        jac[a][i] = (model(x[i], pp) - model(x[i], pm)) / (2.0 * step);
    }
    for (std::size_t a = 0; a < nf; ++a) {
      g[a] = 0.0;
      for (std::size_t b = 0; b < nf; ++b) h[a][b] = 0.0;
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
      double w, r;
      if (options.cost == FitCost::kPoisson) {
        const double mu = std::max(f0[i], 1e-12);
        w = 1.0 / std::max(mu, 1e-3);  // expected Fisher information, floored for empty bins
        r = (y[i] - mu);
      } else {
        const double s = sigma.empty() ? 1.0 : sigma[i];
        w = 1.0 / (s * s);
        r = y[i] - f0[i];
      }
      for (std::size_t a = 0; a < nf; ++a) {
        g[a] += w * r * jac[a][i];
        for (std::size_t b = 0; b <= a; ++b) h[a][b] += w * jac[a][i] * jac[b][i];
      }
    }
    for (std::size_t a = 0; a < nf; ++a)
      for (std::size_t b = 0; b < a; ++b) h[b][a] = h[a][b];
  };

  for (res.iterations = 0; res.iterations < options.max_iterations; ++res.iterations) {
    linearise(res.params);
    bool improved = false;
    double new_cost = cost;
    std::vector<double> trial;
    while (lambda < 1e12) {
      Matrix a = h;
      for (std::size_t k = 0; k < nf; ++k) a[k][k] += lambda * std::max(h[k][k], 1e-12);
      std::vector<double> delta;
      if (!solve(a, g, delta)) {
        lambda *= 10.0;
        continue;
      }
      trial = res.params;
      for (std::size_t k = 0; k < nf; ++k) trial[free[k]] += delta[k];
      clamp_bounds(trial);
      new_cost = cost_of(model, x, y, sigma, trial, options.cost);
      if (new_cost <= cost) {
        improved = true;
        break;
      }
      lambda *= 10.0;
    }
    if (!improved) {  // no direction lowers the cost: at the minimum (to precision)
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
  linearise(res.params);
  res.errors.assign(n_par, 0.0);
  Matrix cov;
  if (invert(h, cov)) {
    // Without given sigmas the least-squares scale comes from the residuals.
    const double scale = (options.cost == FitCost::kLeastSquares && sigma.empty() && res.ndf > 0)
                             ? cost / res.ndf : 1.0;
    for (std::size_t a = 0; a < nf; ++a) res.errors[free[a]] = std::sqrt(std::max(0.0, cov[a][a] * scale));
  }
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
  // Fit in t = (x - x0) / s for conditioning, then expand back to powers of x.
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
  Matrix a(m, std::vector<double>(m, 0.0));
  std::vector<double> b(m, 0.0), pw(m);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    const double t = (x[i] - x0) / s;
    pw[0] = 1.0;
    for (std::size_t k = 1; k < m; ++k) pw[k] = pw[k - 1] * t;
    for (std::size_t r = 0; r < m; ++r) {
      b[r] += w * pw[r] * y[i];
      for (std::size_t c = 0; c < m; ++c) a[r][c] += w * pw[r] * pw[c];
    }
  }
  std::vector<double> ct;
  Matrix inv;
  if (!solve(a, b, ct) || !invert(a, inv)) throw core::InputError("polyfit: singular system (points coincide)");
  // T maps t-coefficients to x-coefficients: sum_k ct_k ((x - x0)/s)^k.
  Matrix t(m, std::vector<double>(m, 0.0));
  for (std::size_t k = 0; k < m; ++k) {
    double binom = 1.0;  // C(k, j)
    for (std::size_t j = 0; j <= k; ++j) {
      t[j][k] = binom * std::pow(-x0, static_cast<double>(k - j)) / std::pow(s, static_cast<double>(k));
      binom = binom * static_cast<double>(k - j) / static_cast<double>(j + 1);
    }
  }
  std::vector<double> coeffs(m, 0.0);
  for (std::size_t j = 0; j < m; ++j)
    for (std::size_t k = 0; k < m; ++k) coeffs[j] += t[j][k] * ct[k];
  if (cov) {
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
    cov->assign(m * m, 0.0);
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t c = 0; c < m; ++c) {
        double v = 0.0;
        for (std::size_t k = 0; k < m; ++k)
          for (std::size_t l = 0; l < m; ++l) v += t[r][k] * inv[k][l] * t[c][l];
        (*cov)[r * m + c] = v * scale;
      }
  }
  return coeffs;
}

double polyval(const std::vector<double>& coeffs, double x) {
  double v = 0.0;
  for (std::size_t k = coeffs.size(); k-- > 0;) v = v * x + coeffs[k];
  return v;
}

}  // namespace wl::dsp
