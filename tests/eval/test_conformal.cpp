#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/conformal.hpp"

using namespace wl::eval;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A calibrated 3-class model: logits z ~ N(0, 1), probs = softmax(z), label drawn from it.
// Calibration and test halves are drawn from one stream, so they are exchangeable.
struct ClassSample {
  std::vector<double> probs;
  std::vector<int> y;
};
ClassSample class_sample(std::size_t n, wl::core::Rng& rng) {
  ClassSample s;
  for (std::size_t i = 0; i < n; ++i) {
    double e[3], sum = 0;
    for (double& v : e) sum += v = std::exp(rng.normal());
    const double u = rng.uniform() * sum;
    s.y.push_back(u < e[0] ? 0 : (u < e[0] + e[1] ? 1 : 2));
    for (double v : e) s.probs.push_back(v / sum);
  }
  return s;
}

// Regression with heavy-ish, heteroscedastic residuals: truth = predicted + sigma * N(0, 1)
// with sigma ~ Exp(mean 1) per event.
struct RegressionSample {
  std::vector<double> predicted, truth;
};
RegressionSample regression_sample(std::size_t n, wl::core::Rng& rng) {
  RegressionSample s;
  for (std::size_t i = 0; i < n; ++i) {
    s.predicted.push_back(rng.uniform(0.0, 2600.0));
    s.truth.push_back(s.predicted.back() + rng.exponential(1.0) * rng.normal());
  }
  return s;
}

void expect_coverage(const CoverageReport& r, double alpha, std::size_t n) {
  EXPECT_EQ(r.n, n);
  EXPECT_DOUBLE_EQ(r.alpha, alpha);
  EXPECT_NEAR(r.coverage.value, 1.0 - alpha, 0.02) << "alpha " << alpha;
  EXPECT_LE(r.coverage.lo, r.coverage.value);
  EXPECT_GE(r.coverage.hi, r.coverage.value);
  EXPECT_LT(r.coverage.lo, r.coverage.hi);
  EXPECT_DOUBLE_EQ(r.coverage.confidence, 0.95);
}

}  // namespace

TEST(Conformal, QuantileByHand) {
  const std::vector<double> scores{9, 3, 7, 1, 5, 2, 8, 4, 6};
  // ceil(10 * 0.8) = 8th smallest.
  EXPECT_DOUBLE_EQ(conformal_quantile(scores, 0.2), 8.0);
  // ceil(10 * 0.5) = 5th smallest.
  EXPECT_DOUBLE_EQ(conformal_quantile(scores, 0.5), 5.0);
  // ceil(10 * 0.9) = 9th: still finite; ceil(10 * 0.95) = 10 > 9: +inf.
  EXPECT_DOUBLE_EQ(conformal_quantile(scores, 0.1), 9.0);
  EXPECT_EQ(conformal_quantile(scores, 0.05), kInf);
  EXPECT_EQ(conformal_quantile({0.3}, 0.4), kInf);  // ceil(2 * 0.6) = 2 > 1
  EXPECT_DOUBLE_EQ(conformal_quantile({0.3}, 0.6), 0.3);  // ceil(2 * 0.4) = 1
}

TEST(Conformal, PredictionSetsByHand) {
  // Binary-exact probabilities, so that a score equal to qhat is tested exactly.
  const std::vector<double> probs{0.75, 0.125, 0.125,     // scores 0.25 0.875 0.875
                                  0.5, 0.3125, 0.1875};  // scores 0.5 0.6875 0.8125
  const auto sets = prediction_sets(probs, 3, {0.1, 0.6875});  // boundary is inside
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0], (std::vector<int>{0}));
  EXPECT_EQ(sets[1], (std::vector<int>{0, 1}));
  const auto all = prediction_sets(probs, 3, {0.1, kInf});
  EXPECT_EQ(all[1], (std::vector<int>{0, 1, 2}));
  const auto none = prediction_sets(probs, 3, {0.1, 0.1});
  EXPECT_TRUE(none[0].empty());

  const auto two = binary_to_two_class({0.875, 0.25});
  EXPECT_EQ(two, (std::vector<double>{0.125, 0.875, 0.75, 0.25}));

  const auto iv = prediction_intervals({10.0, -2.0}, {0.1, 1.5});
  EXPECT_DOUBLE_EQ(iv[0].lo, 8.5);
  EXPECT_DOUBLE_EQ(iv[0].hi, 11.5);
  EXPECT_DOUBLE_EQ(iv[1].lo, -3.5);
}

TEST(Conformal, ClassificationCoverageOnExchangeableData) {
  for (double alpha : {0.1, 0.32}) {
    wl::core::Rng rng(41, static_cast<uint64_t>(alpha * 100));
    const auto cal = class_sample(20000, rng);
    const auto test = class_sample(20000, rng);
    const auto c = fit_conformal_classifier(cal.probs, 3, cal.y, alpha);
    EXPECT_GT(c.qhat, 0.0);
    EXPECT_LT(c.qhat, 1.0);
    const auto r = set_coverage(test.probs, 3, test.y, c);
    expect_coverage(r, alpha, 20000);
    EXPECT_TRUE(std::isnan(r.mean_interval_width));
    if (alpha < 0.2) {
      EXPECT_GE(r.mean_set_size, 1.0);
    }
    EXPECT_LE(r.mean_set_size, 3.0);
  }
}

TEST(Conformal, BinaryCoverageThroughTwoClassRows) {
  wl::core::Rng rng(43);
  std::vector<double> p_cal, p_test;
  std::vector<int> y_cal, y_test;
  for (int i = 0; i < 40000; ++i) {
    const double p = rng.uniform();
    (i % 2 ? p_test : p_cal).push_back(p);
    (i % 2 ? y_test : y_cal).push_back(rng.uniform() < p ? 1 : 0);
  }
  const auto c = fit_conformal_classifier(binary_to_two_class(p_cal), 2, y_cal, 0.1);
  expect_coverage(set_coverage(binary_to_two_class(p_test), 2, y_test, c), 0.1, 20000);
}

TEST(Conformal, RegressionCoverageOnExchangeableData) {
  for (double alpha : {0.1, 0.32}) {
    wl::core::Rng rng(47, static_cast<uint64_t>(alpha * 100));
    const auto cal = regression_sample(20000, rng);
    const auto test = regression_sample(20000, rng);
    const auto c = fit_conformal_regressor(cal.predicted, cal.truth, alpha);
    const auto r = interval_coverage(test.predicted, test.truth, c);
    expect_coverage(r, alpha, 20000);
    EXPECT_TRUE(std::isnan(r.mean_set_size));
    EXPECT_DOUBLE_EQ(r.mean_interval_width, 2.0 * c.qhat);
  }
}

TEST(Conformal, GaussianResidualsGiveTheNormalQuantile) {
  wl::core::Rng rng(53);
  std::vector<double> predicted(50000, 0.0), truth(50000);
  for (double& t : truth) t = rng.normal(0.0, 2.0);
  // |N(0, 2)| at 90 %: 2 * 1.6449.
  EXPECT_NEAR(fit_conformal_regressor(predicted, truth, 0.1).qhat, 2.0 * 1.6449, 0.05);
}

TEST(Conformal, TooFewCalibrationEventsCoverEverything) {
  const auto c = fit_conformal_regressor({1.0, 2.0, 3.0}, {1.5, 2.5, 2.0}, 0.1);
  EXPECT_EQ(c.qhat, kInf);
  const auto r = interval_coverage({0.0}, {1e9}, c);
  EXPECT_DOUBLE_EQ(r.coverage.value, 1.0);
  EXPECT_EQ(r.mean_interval_width, kInf);
}

TEST(Conformal, BadAlphaThrows) {
  using wl::core::InputError;
  const std::vector<double> scores{1, 2, 3}, probs{0.5, 0.5, 0.9, 0.1};
  for (double alpha : {0.0, 1.0, std::nan(""), -0.1}) {
    EXPECT_THROW(conformal_quantile(scores, alpha), InputError) << alpha;
    EXPECT_THROW(fit_conformal_classifier(probs, 2, {0, 1}, alpha), InputError) << alpha;
    EXPECT_THROW(fit_conformal_regressor(scores, scores, alpha), InputError) << alpha;
    EXPECT_THROW(prediction_sets(probs, 2, {alpha, 0.5}), InputError) << alpha;
  }
  try {
    conformal_quantile(scores, 1.0);
    FAIL() << "no throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("alpha"), std::string::npos) << e.what();
  }
}

TEST(Conformal, BadInputThrows) {
  using wl::core::InputError;
  const std::vector<double> probs{0.5, 0.5, 0.9, 0.1};
  const ConformalSets sets{0.1, 0.5};
  const ConformalInterval iv{0.1, 1.0};
  EXPECT_THROW(conformal_quantile({}, 0.1), InputError);
  EXPECT_THROW(conformal_quantile({1.0, std::nan("")}, 0.1), InputError);
  EXPECT_THROW(fit_conformal_classifier(probs, 2, {0}, 0.1), InputError);     // size
  EXPECT_THROW(fit_conformal_classifier(probs, 2, {0, 2}, 0.1), InputError);  // label
  EXPECT_THROW(fit_conformal_classifier({0.5, 1.5}, 2, {0}, 0.1), InputError);
  EXPECT_THROW(fit_conformal_classifier(probs, 3, {0}, 0.1), InputError);
  EXPECT_THROW(prediction_sets(probs, 3, sets), InputError);
  EXPECT_THROW(prediction_sets(probs, 2, {0.1, std::nan("")}), InputError);
  EXPECT_THROW(set_coverage(probs, 2, {0, 1, 1}, sets), InputError);
  EXPECT_THROW(binary_to_two_class({0.5, -0.2}), InputError);
  EXPECT_THROW(fit_conformal_regressor({1.0, 2.0}, {1.0}, 0.1), InputError);
  EXPECT_THROW(fit_conformal_regressor({}, {}, 0.1), InputError);
  EXPECT_THROW(fit_conformal_regressor({1.0, kInf}, {1.0, 2.0}, 0.1), InputError);
  EXPECT_THROW(interval_coverage({1.0, 2.0}, {1.0}, iv), InputError);
  EXPECT_THROW(interval_coverage({1.0}, {1.0}, {0.1, -1.0}), InputError);
  EXPECT_THROW(prediction_intervals({1.0}, {0.0, 1.0}), InputError);
}
