#include "wavelearn/eval/conformal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::eval {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail(const char* what, const std::string& message) {
  throw wl::core::InputError(std::string(what) + ": " + message);
}

void check_alpha(double alpha, const char* what) {
  if (!(alpha > 0.0 && alpha < 1.0)) {
    fail(what, "alpha must be in (0, 1), got " + std::to_string(alpha));
  }
}

// qhat comes from conformal_quantile: a finite score or +inf, never NaN or negative for
// the scores used here; a hand-made one is checked as well.
void check_qhat(double alpha, double qhat, const char* what) {
  check_alpha(alpha, what);
  if (!(qhat >= 0.0)) fail(what, "qhat must be >= 0, got " + std::to_string(qhat));
}

void check_values(const std::vector<double>& v, const char* what, const char* name) {
  if (v.empty()) fail(what, std::string(name) + " is empty");
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      fail(what, std::string(name) + "[" + std::to_string(i) + "] is not finite");
    }
  }
}

// probs must be a whole number of rows of n_classes probabilities.
void check_rows(const std::vector<double>& probs, std::size_t n_classes, const char* what) {
  if (n_classes < 2) fail(what, "n_classes must be >= 2, got " + std::to_string(n_classes));
  detail::check_probabilities(probs, what, "probs");
  if (probs.size() % n_classes != 0) {
    fail(what, "probs has " + std::to_string(probs.size()) + " values, not a multiple of " +
                   std::to_string(n_classes) + " classes");
  }
}

void check_labels(const std::vector<double>& probs, std::size_t n_classes,
                  const std::vector<int>& y, const char* what) {
  check_rows(probs, n_classes, what);
  if (probs.size() != y.size() * n_classes) {
    fail(what, "probs has " + std::to_string(probs.size() / n_classes) + " events but y has " +
                   std::to_string(y.size()));
  }
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] < 0 || static_cast<std::size_t>(y[i]) >= n_classes) {
      fail(what, "y[" + std::to_string(i) + "] = " + std::to_string(y[i]) + ", must be in [0, " +
                     std::to_string(n_classes) + ")");
    }
  }
}

void check_regression(const std::vector<double>& predicted, const std::vector<double>& truth,
                      const char* what) {
  check_values(predicted, what, "predicted");
  check_values(truth, what, "truth");
  if (predicted.size() != truth.size()) {
    fail(what, std::to_string(predicted.size()) + " predictions but " +
                   std::to_string(truth.size()) + " truth values");
  }
}

// The test for "inside" is the same expression as the score that set qhat, so an event
// whose score equals qhat is covered exactly, with no rounding in between.
double class_score(double p) { return 1.0 - p; }
double residual_score(double predicted, double truth) { return std::fabs(truth - predicted); }

}  // namespace

double conformal_quantile(std::vector<double> scores, double alpha) {
  check_alpha(alpha, "conformal_quantile");
  check_values(scores, "conformal_quantile", "scores");
  const double n = static_cast<double>(scores.size());
  // (n + 1)(1 - alpha) carries a few ulp of rounding (10 * (1 - 0.2) must be rank 8, not
  // 9); the relative tolerance is far below the 1 / (n + 1) spacing of meaningful alphas.
  const double x = (n + 1.0) * (1.0 - alpha);
  const double rank = std::ceil(x - 1e-12 * x);
  if (rank > n) return kInf;
  const auto k = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;  // 0-based
  std::nth_element(scores.begin(), scores.begin() + static_cast<std::ptrdiff_t>(k), scores.end());
  return scores[k];
}

ConformalSets fit_conformal_classifier(const std::vector<double>& probs, std::size_t n_classes,
                                       const std::vector<int>& y, double alpha) {
  check_alpha(alpha, "fit_conformal_classifier");
  check_labels(probs, n_classes, y, "fit_conformal_classifier");
  std::vector<double> scores(y.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    scores[i] = class_score(probs[i * n_classes + static_cast<std::size_t>(y[i])]);
  return {alpha, conformal_quantile(std::move(scores), alpha)};
}

std::vector<std::vector<int>> prediction_sets(const std::vector<double>& probs,
                                              std::size_t n_classes, const ConformalSets& c) {
  check_rows(probs, n_classes, "prediction_sets");
  check_qhat(c.alpha, c.qhat, "prediction_sets");
  std::vector<std::vector<int>> sets(probs.size() / n_classes);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    for (std::size_t j = 0; j < n_classes; ++j) {
      if (class_score(probs[i * n_classes + j]) <= c.qhat) sets[i].push_back(static_cast<int>(j));
    }
  }
  return sets;
}

std::vector<double> binary_to_two_class(const std::vector<double>& p) {
  detail::check_probabilities(p, "binary_to_two_class", "p");
  std::vector<double> rows(2 * p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    rows[2 * i] = 1.0 - p[i];
    rows[2 * i + 1] = p[i];
  }
  return rows;
}

ConformalInterval fit_conformal_regressor(const std::vector<double>& predicted,
                                          const std::vector<double>& truth, double alpha) {
  check_alpha(alpha, "fit_conformal_regressor");
  check_regression(predicted, truth, "fit_conformal_regressor");
  std::vector<double> scores(truth.size());
  for (std::size_t i = 0; i < truth.size(); ++i)
    scores[i] = residual_score(predicted[i], truth[i]);
  return {alpha, conformal_quantile(std::move(scores), alpha)};
}

std::vector<PredictionInterval> prediction_intervals(const std::vector<double>& predicted,
                                                     const ConformalInterval& c) {
  check_values(predicted, "prediction_intervals", "predicted");
  check_qhat(c.alpha, c.qhat, "prediction_intervals");
  std::vector<PredictionInterval> out(predicted.size());
  for (std::size_t i = 0; i < predicted.size(); ++i)
    out[i] = {predicted[i] - c.qhat, predicted[i] + c.qhat};
  return out;
}

CoverageReport set_coverage(const std::vector<double>& probs, std::size_t n_classes,
                            const std::vector<int>& y, const ConformalSets& c) {
  check_labels(probs, n_classes, y, "set_coverage");
  const auto sets = prediction_sets(probs, n_classes, c);
  std::size_t covered = 0, total_size = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    covered += std::binary_search(sets[i].begin(), sets[i].end(), y[i]);
    total_size += sets[i].size();
  }
  const double n = static_cast<double>(y.size());
  return {c.alpha, y.size(), clopper_pearson(covered, y.size(), 0.95),
          static_cast<double>(total_size) / n, kNaN};
}

CoverageReport interval_coverage(const std::vector<double>& predicted,
                                 const std::vector<double>& truth, const ConformalInterval& c) {
  check_regression(predicted, truth, "interval_coverage");
  check_qhat(c.alpha, c.qhat, "interval_coverage");
  std::size_t covered = 0;
  for (std::size_t i = 0; i < truth.size(); ++i)
    covered += residual_score(predicted[i], truth[i]) <= c.qhat;
  return {c.alpha, truth.size(), clopper_pearson(covered, truth.size(), 0.95), kNaN,
          2.0 * c.qhat};
}

}  // namespace wl::eval
