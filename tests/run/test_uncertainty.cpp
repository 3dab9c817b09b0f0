// The uncertainty step: temperature scaling fitted on validation events repairs an
// over-confident probability on the evaluated events, and conformal sets and intervals cover
// the truth as often as promised.
#include <gtest/gtest.h>

#include <cmath>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/run/uncertainty.hpp"

using namespace wl::run;

namespace {

// Labels drawn from sigmoid(z); the model reports sigmoid(3 z): right ranking, over-confident.
struct Sample {
  EventTable table;
  ScoredRows validation, test;
};

Sample overconfident(std::size_t n, bool regression) {
  wl::core::Rng rng(7, 3);
  Sample s;
  std::vector<double> y;
  for (std::size_t i = 0; i < 2 * n; ++i) {
    const double z = 2.0 * rng.normal();
    const double truth = regression ? 1000.0 + 50.0 * z : (rng.uniform() < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0);
    const double score = regression ? truth + 2.0 * rng.normal() : 1.0 / (1.0 + std::exp(-3.0 * z));
    s.table.id.push_back(static_cast<int64_t>(i));
    y.push_back(truth);
    auto& part = i < n ? s.validation : s.test;
    part.rows.push_back(i);
    part.scores.push_back(score);
    part.n_columns = 1;
  }
  s.table.fields[regression ? "energy" : "psd_label_low_avse"] = y;
  return s;
}

TEST(Uncertainty, TemperatureScalingRepairsAnOverconfidentModel) {
  const auto s = overconfident(20000, false);
  const auto u = uncertainty_of({{"score", "psd_label_low_avse", "binary"}}, s.table, s.validation, s.test);
  ASSERT_EQ(u.binary.size(), 1u);
  EXPECT_NEAR(u.binary[0].temperature, 3.0, 0.2);
  EXPECT_GT(u.binary[0].ece_before, 0.05);
  EXPECT_LT(u.binary[0].ece_after, 0.02);
  EXPECT_LE(u.binary[0].ece_after, u.binary[0].ece_before);
  const auto& c = u.json.at("conformal");
  EXPECT_NEAR(c.at("coverage").get<double>(), 0.9, 0.02);
  EXPECT_LE(c.at("coverage_ci95")[0].get<double>(), c.at("coverage").get<double>());
  EXPECT_GE(c.at("mean_set_size").get<double>(), 1.0);
  EXPECT_EQ(u.json.at("calibration").at("n_validation"), 20000);
}

TEST(Uncertainty, ConformalIntervalsCoverRegressionTargets) {
  const auto s = overconfident(20000, true);
  const auto u = uncertainty_of({{"energy_kev", "energy", "regression"}}, s.table, s.validation, s.test);
  const auto& c = u.json.at("conformal");
  EXPECT_NEAR(c.at("coverage").get<double>(), 0.9, 0.02);
  // |N(0, 2)| below its 90 % quantile: half width 1.645 x 2 keV.
  EXPECT_NEAR(c.at("half_width").get<double>(), 1.645 * 2.0, 0.15);
}

TEST(Uncertainty, NothingWithoutValidationEvents) {
  const auto s = overconfident(100, false);
  EXPECT_TRUE(uncertainty_of({{"score", "psd_label_low_avse", "binary"}}, s.table, {}, s.test).json.empty());
}

// Three classes, logits z_k; the model reports softmax(2.5 z): right ranking, over-confident.
Sample overconfident_classes(std::size_t n) {
  wl::core::Rng rng(9, 1);
  Sample s;
  std::vector<double> y;
  for (std::size_t i = 0; i < 2 * n; ++i) {
    double z[3], p[3], q[3], sp = 0.0, sq = 0.0;
    for (int k = 0; k < 3; ++k) {
      z[k] = 1.2 * rng.normal();
      sp += (p[k] = std::exp(z[k]));
      sq += (q[k] = std::exp(2.5 * z[k]));
    }
    const double u = rng.uniform() * sp;
    y.push_back(u < p[0] ? 0.0 : u < p[0] + p[1] ? 1.0 : 2.0);
    s.table.id.push_back(static_cast<int64_t>(i));
    auto& part = i < n ? s.validation : s.test;
    part.rows.push_back(i);
    for (int k = 0; k < 3; ++k) part.scores.push_back(q[k] / sq);
    part.n_columns = 3;
  }
  s.table.fields["psd_class"] = y;
  return s;
}

TEST(Uncertainty, MulticlassTemperatureAndSets) {
  const auto s = overconfident_classes(15000);
  const auto u = uncertainty_of({{"p0", "psd_class", "class"}, {"p1", "psd_class", "class"}, {"p2", "psd_class", "class"}},
                                s.table, s.validation, s.test);
  ASSERT_EQ(u.binary.size(), 1u);
  EXPECT_NEAR(u.binary[0].temperature, 2.5, 0.2);
  EXPECT_GT(u.binary[0].ece_before, 0.05);
  EXPECT_LT(u.binary[0].ece_after, 0.02);
  const auto& c = u.json.at("conformal");
  EXPECT_NEAR(c.at("coverage").get<double>(), 0.9, 0.02);
  EXPECT_GT(c.at("mean_set_size").get<double>(), 1.0);
  EXPECT_EQ(c.at("label"), "psd_class");
}

}  // namespace
