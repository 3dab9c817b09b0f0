#include "wavelearn/eval/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(const char* what, const std::string& message) {
  throw wl::core::InputError(std::string(what) + ": " + message);
}

void check_binary(const std::vector<double>& p, const std::vector<double>& y, const char* what) {
  detail::check_probabilities(p, what, "p");
  detail::check_same_size(p.size(), y.size(), what);
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] != 0.0 && y[i] != 1.0) {
      fail(what, "y[" + std::to_string(i) + "] = " + std::to_string(y[i]) + ", must be 0 or 1");
    }
  }
}

void check_multiclass(const std::vector<double>& probs, std::size_t n_classes,
                      const std::vector<int>& y, const char* what) {
  if (n_classes < 2) fail(what, "n_classes must be >= 2, got " + std::to_string(n_classes));
  detail::check_probabilities(probs, what, "probs");
  if (probs.size() != y.size() * n_classes) {
    fail(what, "probs has " + std::to_string(probs.size()) + " values, expected " +
                   std::to_string(y.size()) + " events x " + std::to_string(n_classes) +
                   " classes");
  }
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] < 0 || static_cast<std::size_t>(y[i]) >= n_classes) {
      fail(what, "y[" + std::to_string(i) + "] = " + std::to_string(y[i]) + ", must be in [0, " +
                     std::to_string(n_classes) + ")");
    }
  }
}

void check_temperature(double t, const char* what) {
  if (!(t > 0.0 && std::isfinite(t))) {
    fail(what, "t must be positive and finite, got " + std::to_string(t));
  }
}

double clip(double p) { return std::clamp(p, kProbabilityClip, 1.0 - kProbabilityClip); }

double logit(double p) {
  const double c = clip(p);
  return std::log(c) - std::log1p(-c);
}

double sigmoid(double x) {
  // Two branches so that exp never overflows.
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// log(1 + exp(x)) without overflow or loss of precision for large |x|.
double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }

// log sum_j exp(x_j), shifted by the maximum so that nothing overflows.
double log_sum_exp(const double* x, std::size_t n) {
  const double m = *std::max_element(x, x + n);
  double s = 0.0;
  for (std::size_t j = 0; j < n; ++j) s += std::exp(x[j] - m);
  return m + std::log(s);
}

// Golden-section minimum of f on [a, b] to tolerance tol. The losses below are convex in
// 1 / T (a one-parameter logistic or softmax regression), so unimodal in log T and the
// bracket holds the global minimum.
template <class F>
double golden_section_minimum(const F& f, double a, double b, double tol) {
  const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - inv_phi * (b - a), d = a + inv_phi * (b - a);
  double fc = f(c), fd = f(d);
  while (b - a > tol) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - inv_phi * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + inv_phi * (b - a);
      fd = f(d);
    }
  }
  return 0.5 * (a + b);
}

// Searches log T; loss takes beta = 1 / T.
template <class F>
double fit_inverse_scale(const F& loss_at_beta) {
  const auto loss_at_log_t = [&](double log_t) { return loss_at_beta(std::exp(-log_t)); };
  const double log_t = golden_section_minimum(loss_at_log_t, std::log(kMinTemperature),
                                              std::log(kMaxTemperature), 1e-6);
  return std::exp(log_t);
}

}  // namespace

std::vector<ReliabilityBin> reliability_bins(const std::vector<double>& p,
                                             const std::vector<double>& y, int n_bins) {
  check_binary(p, y, "reliability_bins");
  if (n_bins < 1) fail("reliability_bins", "n_bins must be >= 1, got " + std::to_string(n_bins));
  const auto nb = static_cast<std::size_t>(n_bins);
  const auto edge = [&](std::size_t b) { return static_cast<double>(b) / n_bins; };
  std::vector<double> sum_p(nb, 0.0), sum_y(nb, 0.0);
  std::vector<std::size_t> count(nb, 0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    auto b = std::min(static_cast<std::size_t>(p[i] * n_bins), nb - 1);
    // p * n_bins can round across an edge (0.29 * 100 < 29); the edges reported are
    // b / n_bins, so the bin is chosen against those.
    if (b + 1 < nb && p[i] >= edge(b + 1)) ++b;
    if (b > 0 && p[i] < edge(b)) --b;
    sum_p[b] += p[i];
    sum_y[b] += y[i];
    ++count[b];
  }
  std::vector<ReliabilityBin> bins(nb);
  for (std::size_t b = 0; b < nb; ++b) {
    const double n = static_cast<double>(count[b]);
    bins[b] = {edge(b), edge(b + 1), count[b], count[b] ? sum_p[b] / n : kNaN,
               count[b] ? sum_y[b] / n : kNaN};
  }
  return bins;
}

double expected_calibration_error(const std::vector<double>& p, const std::vector<double>& y,
                                  int n_bins) {
  const auto bins = reliability_bins(p, y, n_bins);
  double ece = 0.0;
  for (const auto& b : bins) {
    if (b.n == 0) continue;
    ece += static_cast<double>(b.n) * std::fabs(b.mean_score - b.fraction_positive);
  }
  return ece / static_cast<double>(p.size());
}

double fit_temperature(const std::vector<double>& p, const std::vector<double>& y) {
  check_binary(p, y, "fit_temperature");
  std::vector<double> z(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) z[i] = logit(p[i]);
  // -[y log s(x) + (1 - y) log(1 - s(x))] = softplus(x) - y x with x = beta z.
  const auto loss = [&](double beta) {
    double sum = 0.0;
    for (std::size_t i = 0; i < z.size(); ++i) sum += softplus(beta * z[i]) - y[i] * beta * z[i];
    return sum / static_cast<double>(z.size());
  };
  return fit_inverse_scale(loss);
}

std::vector<double> apply_temperature(const std::vector<double>& p, double t) {
  detail::check_probabilities(p, "apply_temperature", "p");
  check_temperature(t, "apply_temperature");
  std::vector<double> out(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) out[i] = sigmoid(logit(p[i]) / t);
  return out;
}

double fit_temperature_multiclass(const std::vector<double>& probs, std::size_t n_classes,
                                  const std::vector<int>& y) {
  check_multiclass(probs, n_classes, y, "fit_temperature_multiclass");
  std::vector<double> log_p(probs.size());
  for (std::size_t i = 0; i < probs.size(); ++i) log_p[i] = std::log(clip(probs[i]));
  const auto loss = [&](double beta) {
    std::vector<double> row(n_classes);
    double sum = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      const double* lp = &log_p[i * n_classes];
      for (std::size_t j = 0; j < n_classes; ++j) row[j] = beta * lp[j];
      sum += log_sum_exp(row.data(), n_classes) - row[static_cast<std::size_t>(y[i])];
    }
    return sum / static_cast<double>(y.size());
  };
  return fit_inverse_scale(loss);
}

std::vector<double> apply_temperature_multiclass(const std::vector<double>& probs,
                                                 std::size_t n_classes, double t) {
  const char* what = "apply_temperature_multiclass";
  if (n_classes < 2) fail(what, "n_classes must be >= 2, got " + std::to_string(n_classes));
  detail::check_probabilities(probs, what, "probs");
  if (probs.size() % n_classes != 0) {
    fail(what, "probs has " + std::to_string(probs.size()) + " values, not a multiple of " +
                   std::to_string(n_classes) + " classes");
  }
  check_temperature(t, what);
  std::vector<double> out(probs.size());
  for (std::size_t r = 0; r < probs.size(); r += n_classes) {
    for (std::size_t j = 0; j < n_classes; ++j) out[r + j] = std::log(clip(probs[r + j])) / t;
    const double lse = log_sum_exp(&out[r], n_classes);
    for (std::size_t j = 0; j < n_classes; ++j) out[r + j] = std::exp(out[r + j] - lse);
  }
  return out;
}

}  // namespace wl::eval
