#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/calibration.hpp"

using namespace wl::eval;

namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Calibrated scores p ~ U(0, 1) with labels y ~ Bernoulli(p).
struct BinarySample {
  std::vector<double> p, y;
};
BinarySample calibrated_sample(std::size_t n, uint64_t seed) {
  wl::core::Rng rng(seed);
  BinarySample s;
  for (std::size_t i = 0; i < n; ++i) {
    s.p.push_back(rng.uniform());
    s.y.push_back(rng.uniform() < s.p.back() ? 1.0 : 0.0);
  }
  return s;
}

// Over-confident scores: labels from sigmoid(z), reported p = sigmoid(t0 z).
BinarySample overconfident_sample(std::size_t n, double t0, uint64_t seed) {
  wl::core::Rng rng(seed);
  BinarySample s;
  for (std::size_t i = 0; i < n; ++i) {
    const double z = rng.normal(0.0, 1.5);
    s.y.push_back(rng.uniform() < sigmoid(z) ? 1.0 : 0.0);
    s.p.push_back(sigmoid(t0 * z));
  }
  return s;
}

// Three classes with logits z ~ N(0, 1): labels from softmax(z), reported softmax(t0 z).
struct MulticlassSample {
  std::vector<double> probs;
  std::vector<int> y;
};
MulticlassSample overconfident_multiclass(std::size_t n, double t0, uint64_t seed) {
  wl::core::Rng rng(seed);
  MulticlassSample s;
  for (std::size_t i = 0; i < n; ++i) {
    double z[3], e_true[3], e_rep[3], sum_true = 0, sum_rep = 0;
    for (int j = 0; j < 3; ++j) {
      z[j] = rng.normal();
      sum_true += e_true[j] = std::exp(z[j]);
      sum_rep += e_rep[j] = std::exp(t0 * z[j]);
    }
    const double u = rng.uniform() * sum_true;
    s.y.push_back(u < e_true[0] ? 0 : (u < e_true[0] + e_true[1] ? 1 : 2));
    for (int j = 0; j < 3; ++j) s.probs.push_back(e_rep[j] / sum_rep);
  }
  return s;
}

// Top-label calibration of a multiclass model: confidence = max prob, y = top is right.
double top_label_ece(const std::vector<double>& probs, const std::vector<int>& y) {
  std::vector<double> conf, correct;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto row = probs.begin() + static_cast<std::ptrdiff_t>(3 * i);
    const auto top = std::max_element(row, row + 3);
    conf.push_back(*top);
    correct.push_back(top - row == y[i] ? 1.0 : 0.0);
  }
  return expected_calibration_error(conf, correct);
}

}  // namespace

TEST(Calibration, ReliabilityBinsByHand) {
  // 4 bins of width 0.25; p = 0.5 opens bin 2, p = 1 closes the last bin.
  const std::vector<double> p{0.05, 0.15, 0.35, 0.45, 0.5, 1.0};
  const std::vector<double> y{0, 1, 0, 1, 0, 1};
  const auto bins = reliability_bins(p, y, 4);
  ASSERT_EQ(bins.size(), 4u);
  const std::size_t exp_n[] = {2, 2, 1, 1};
  const double exp_mean[] = {0.1, 0.4, 0.5, 1.0};
  const double exp_frac[] = {0.5, 0.5, 0.0, 1.0};
  for (std::size_t b = 0; b < 4; ++b) {
    EXPECT_DOUBLE_EQ(bins[b].lo, 0.25 * b) << b;
    EXPECT_DOUBLE_EQ(bins[b].hi, 0.25 * (b + 1)) << b;
    EXPECT_EQ(bins[b].n, exp_n[b]) << b;
    EXPECT_NEAR(bins[b].mean_score, exp_mean[b], 1e-12) << b;
    EXPECT_DOUBLE_EQ(bins[b].fraction_positive, exp_frac[b]) << b;
  }
  // (2 * 0.4 + 2 * 0.1 + 1 * 0.5 + 1 * 0) / 6
  EXPECT_NEAR(expected_calibration_error(p, y, 4), 1.5 / 6.0, 1e-12);
}

TEST(Calibration, EmptyBinIsNaNAndEdgeRoundingFollowsReportedEdges) {
  // 0.29 * 100 rounds to 28.999...; it must still land in the bin whose lo is 0.29.
  const auto bins = reliability_bins({0.29}, {1}, 100);
  EXPECT_EQ(bins[29].n, 1u);
  EXPECT_EQ(bins[28].n, 0u);
  EXPECT_TRUE(std::isnan(bins[28].mean_score));
  EXPECT_TRUE(std::isnan(bins[28].fraction_positive));
}

TEST(Calibration, EceOfCalibratedSampleIsSmallAndOfDistortedIsLarge) {
  const auto s = calibrated_sample(200000, 11);
  EXPECT_LT(expected_calibration_error(s.p, s.y), 0.01);
  std::vector<double> cubed(s.p);
  for (double& v : cubed) v = v * v * v;
  EXPECT_GT(expected_calibration_error(cubed, s.y), 0.05);
}

TEST(Calibration, FitTemperatureRecoversOverconfidence) {
  const auto s = overconfident_sample(200000, 2.0, 21);
  const double t = fit_temperature(s.p, s.y);
  EXPECT_NEAR(t, 2.0, 0.06);
  const double ece_before = expected_calibration_error(s.p, s.y);
  const double ece_after = expected_calibration_error(apply_temperature(s.p, t), s.y);
  EXPECT_GT(ece_before, 0.03);
  EXPECT_LE(ece_after, ece_before);
  EXPECT_LT(ece_after, 0.01);
}

TEST(Calibration, FitTemperatureOfCalibratedSampleIsOne) {
  const auto s = overconfident_sample(200000, 1.0, 22);
  EXPECT_NEAR(fit_temperature(s.p, s.y), 1.0, 0.03);
  // Under-confident scores need T < 1.
  const auto u = overconfident_sample(200000, 0.5, 23);
  EXPECT_NEAR(fit_temperature(u.p, u.y), 0.5, 0.015);
}

TEST(Calibration, ApplyTemperatureOneIsIdentityAndKeepsOrder) {
  const std::vector<double> p{0.0, 0.1, 0.5, 0.9, 1.0};
  const auto same = apply_temperature(p, 1.0);
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(same[i], p[i], 2e-7) << i;
  const auto soft = apply_temperature(p, 3.0);
  EXPECT_DOUBLE_EQ(soft[2], 0.5);
  EXPECT_GT(soft[1], p[1]);  // pulled towards 1/2
  EXPECT_LT(soft[3], p[3]);
  for (std::size_t i = 1; i < p.size(); ++i) EXPECT_GT(soft[i], soft[i - 1]) << i;
}

TEST(Calibration, FitTemperatureMulticlassRecoversOverconfidence) {
  const auto s = overconfident_multiclass(200000, 2.0, 31);
  const double t = fit_temperature_multiclass(s.probs, 3, s.y);
  EXPECT_NEAR(t, 2.0, 0.06);
  const auto scaled = apply_temperature_multiclass(s.probs, 3, t);
  ASSERT_EQ(scaled.size(), s.probs.size());
  EXPECT_NEAR(scaled[0] + scaled[1] + scaled[2], 1.0, 1e-12);
  const double ece_before = top_label_ece(s.probs, s.y);
  const double ece_after = top_label_ece(scaled, s.y);
  EXPECT_GT(ece_before, 0.03);
  EXPECT_LE(ece_after, ece_before);
  EXPECT_LT(ece_after, 0.01);
}

TEST(Calibration, BadInputThrows) {
  using wl::core::InputError;
  const std::vector<double> p{0.2, 0.8}, y{0, 1};
  EXPECT_THROW(reliability_bins({}, {}), InputError);
  EXPECT_THROW(reliability_bins(p, {0}), InputError);
  EXPECT_THROW(reliability_bins({0.2, 1.5}, y), InputError);
  EXPECT_THROW(reliability_bins({0.2, -0.1}, y), InputError);
  EXPECT_THROW(reliability_bins({0.2, std::nan("")}, y), InputError);
  EXPECT_THROW(reliability_bins(p, {0, 2}), InputError);
  EXPECT_THROW(reliability_bins(p, {0, 0.5}), InputError);
  EXPECT_THROW(reliability_bins(p, y, 0), InputError);
  EXPECT_THROW(expected_calibration_error(p, y, -3), InputError);
  EXPECT_THROW(fit_temperature({}, {}), InputError);
  EXPECT_THROW(fit_temperature(p, {1}), InputError);
  EXPECT_THROW(fit_temperature(p, {1, std::nan("")}), InputError);
  EXPECT_THROW(apply_temperature(p, 0.0), InputError);
  EXPECT_THROW(apply_temperature(p, -1.0), InputError);
  EXPECT_THROW(apply_temperature(p, std::nan("")), InputError);
  const std::vector<double> probs{0.2, 0.3, 0.5, 0.6, 0.2, 0.2};
  EXPECT_THROW(fit_temperature_multiclass(probs, 3, {0}), InputError);
  EXPECT_THROW(fit_temperature_multiclass(probs, 3, {0, 3}), InputError);
  EXPECT_THROW(fit_temperature_multiclass(probs, 3, {-1, 0}), InputError);
  EXPECT_THROW(fit_temperature_multiclass(probs, 1, {0, 0}), InputError);
  EXPECT_THROW(fit_temperature_multiclass({}, 3, {}), InputError);
  EXPECT_THROW(apply_temperature_multiclass(probs, 4, 1.0), InputError);
  EXPECT_THROW(apply_temperature_multiclass(probs, 3, 0.0), InputError);
}

TEST(Calibration, ErrorMessageNamesTheArgument) {
  try {
    reliability_bins({0.2, 0.8}, {0, 1}, 0);
    FAIL() << "no throw";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("n_bins"), std::string::npos) << e.what();
  }
  try {
    fit_temperature({0.2, 0.8}, {0, 7});
    FAIL() << "no throw";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("y[1]"), std::string::npos) << e.what();
  }
}
