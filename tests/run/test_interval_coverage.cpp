// The coverage of per-event intervals (quantile and gaussian heads): calibrated intervals
// cover the nominal fraction, over-confident ones visibly less, with Clopper-Pearson intervals.
#include <gtest/gtest.h>

#include <cmath>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/run/interval_coverage.hpp"

using namespace wl::run;

namespace {

constexpr double kZ84 = 0.9944578832097535;  // the standard normal's 84 % quantile

// Truth = mu + sigma * z per event; the "model" knows mu and sigma (times sigma_factor) and
// reports the quantiles [0.05, 0.16, 0.5, 0.84, 0.95] or (mean, sigma).
struct Sample {
  EventTable table;
  ScoredRows quantiles, gaussian;
};

Sample sample(std::size_t n, double sigma_factor) {
  wl::core::Rng rng(11, 2);
  Sample s;
  std::vector<double> truth;
  const double z_at[] = {-1.6448536269514722, -kZ84, 0.0, kZ84, 1.6448536269514722};
  for (std::size_t i = 0; i < n; ++i) {
    const double mu = rng.uniform(500.0, 2600.0), sigma = 1.0 + 0.004 * mu;
    truth.push_back(mu + sigma * rng.normal());
    s.table.id.push_back(static_cast<int64_t>(i));
    for (const double z : z_at) s.quantiles.scores.push_back(mu + sigma_factor * sigma * z);
    s.gaussian.scores.insert(s.gaussian.scores.end(), {mu, sigma_factor * sigma});
    s.quantiles.rows.push_back(i);
    s.gaussian.rows.push_back(i);
  }
  s.quantiles.n_columns = 5;
  s.gaussian.n_columns = 2;
  s.table.fields["energy"] = truth;
  return s;
}

const std::vector<ScoreColumn> kQuantileColumns = {
    {"pred_energy_q5", "energy", "quantile", 0.05},   {"pred_energy_q16", "energy", "quantile", 0.16},
    {"pred_energy_q50", "energy", "regression", 0.5}, {"pred_energy_q84", "energy", "quantile", 0.84},
    {"pred_energy_q95", "energy", "quantile", 0.95}};
const std::vector<ScoreColumn> kGaussianColumns = {{"pred_energy", "energy", "regression"},
                                                   {"pred_energy_sigma", "energy", "sigma"}};

void expect_near_nominal(const nlohmann::json& value, const nlohmann::json& ci, double nominal) {
  EXPECT_NEAR(value.get<double>(), nominal, 0.015);
  EXPECT_LE(ci[0].get<double>(), value.get<double>());
  EXPECT_GE(ci[1].get<double>(), value.get<double>());
  EXPECT_LT(ci[1].get<double>() - ci[0].get<double>(), 0.03);  // 8000 events: about +-1 %
}

TEST(IntervalCoverage, CalibratedQuantilesCoverTheirNominalFraction) {
  const auto s = sample(8000, 1.0);
  const auto j = head_interval_coverage(kQuantileColumns, s.table, s.quantiles);
  ASSERT_TRUE(j.contains("quantile")) << j.dump();
  EXPECT_FALSE(j.contains("gaussian"));
  const auto& q = j["quantile"];
  EXPECT_EQ(q["levels"].size(), 5u);
  EXPECT_EQ(q["interval_levels"], nlohmann::json({0.16, 0.84}));  // the pair nearest 16 / 84 %
  EXPECT_NEAR(q["nominal_coverage"].get<double>(), 0.68, 1e-12);
  EXPECT_EQ(q["n_events"].get<std::size_t>(), 8000u);
  expect_near_nominal(q["coverage_68"], q["coverage_68_ci95"], 0.68);
  for (std::size_t k = 0; k < 5; ++k)
    EXPECT_NEAR(q["fraction_below"][k].get<double>(), kQuantileColumns[k].level, 0.015) << k;
  // Mean width 2 * 0.9945 * mean(sigma), sigma = 1 + 0.004 mu with mu uniform in [500, 2600].
  EXPECT_NEAR(q["mean_interval_kev"].get<double>(), 2 * kZ84 * (1.0 + 0.004 * 1550.0), 0.2);
}

TEST(IntervalCoverage, GaussianSigmasCoverOneAndTwoSigma) {
  const auto s = sample(8000, 1.0);
  const auto g = head_interval_coverage(kGaussianColumns, s.table, s.gaussian).at("gaussian");
  expect_near_nominal(g["coverage_1sigma"], g["coverage_1sigma_ci95"], kOneSigmaCoverage);
  expect_near_nominal(g["coverage_2sigma"], g["coverage_2sigma_ci95"], kTwoSigmaCoverage);
  EXPECT_NEAR(g["pull_mean"].get<double>(), 0.0, 0.05);
  EXPECT_NEAR(g["pull_std"].get<double>(), 1.0, 0.05);
  EXPECT_NEAR(g["mean_sigma_kev"].get<double>(), 1.0 + 0.004 * 1550.0, 0.1);
}

TEST(IntervalCoverage, OverconfidentIntervalsCoverLess) {
  const auto s = sample(2000, 0.5);  // half the true spread: a 68 % interval covers 38 %
  const auto j = head_interval_coverage(kQuantileColumns, s.table, s.quantiles);
  EXPECT_LT(j["quantile"]["coverage_68_ci95"][1].get<double>(), 0.5);
  const auto g = head_interval_coverage(kGaussianColumns, s.table, s.gaussian)["gaussian"];
  EXPECT_LT(g["coverage_1sigma_ci95"][1].get<double>(), 0.5);
  EXPECT_NEAR(g["pull_std"].get<double>(), 2.0, 0.15);
}

TEST(IntervalCoverage, NothingWithoutIntervalColumnsOrTruth) {
  const auto s = sample(50, 1.0);
  EXPECT_TRUE(head_interval_coverage({{"pred_energy", "energy", "regression"}}, s.table, s.gaussian).empty());
  EventTable no_truth = s.table;
  no_truth.fields.clear();
  EXPECT_TRUE(head_interval_coverage(kGaussianColumns, no_truth, s.gaussian).empty());
  // A lone median: the levels and the fraction below, but no interval.
  ScoredRows median{s.gaussian.rows, {}, 1};
  for (std::size_t i = 0; i < 50; ++i) median.scores.push_back(s.gaussian.scores[2 * i]);
  const auto j = head_interval_coverage({{"pred_energy_q50", "energy", "regression", 0.5}}, s.table, median);
  EXPECT_FALSE(j["quantile"].contains("coverage_68"));
  EXPECT_EQ(j["quantile"]["fraction_below"].size(), 1u);
}

}  // namespace
