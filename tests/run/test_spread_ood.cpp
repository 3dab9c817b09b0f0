// The ensemble/MC-dropout aggregation (mean and sample standard deviation beside each
// score) and the out-of-distribution AUROC of an uncertainty score, against hand values.
#include <gtest/gtest.h>

#include <cmath>

#include "../../src/run/spread.hpp"
#include "wavelearn/run/ood.hpp"

namespace {

using wl::run::ScoreColumn;
using wl::run::ScoredRows;

TEST(Spread, ColumnsAddOneSpreadPerScoreButNotForIntervals) {
  const std::vector<ScoreColumn> base = {{"score", "psd_label_low_avse", "binary"},
                                         {"energy_q16", "energy_label", "quantile", 0.16},
                                         {"energy", "energy_label", "regression"}};
  const auto cols = wl::run::detail::with_spread_columns(base);
  ASSERT_EQ(cols.size(), 5u);
  EXPECT_EQ(cols[3].name, "score_std");
  EXPECT_EQ(cols[3].kind, "spread");
  EXPECT_EQ(cols[3].target, "psd_label_low_avse");
  EXPECT_EQ(cols[4].name, "energy_std");
}

TEST(Spread, MeanAndSampleStandardDeviation) {
  const std::vector<ScoreColumn> base = {{"score", "y", "binary"}, {"e", "t", "regression"}};
  wl::run::detail::SpreadAccumulator acc(2, base);
  // Two rows x two columns, three samples.
  acc.add({0.1, 10.0, 0.5, 1.0});
  acc.add({0.3, 10.0, 0.5, 2.0});
  acc.add({0.2, 10.0, 0.5, 6.0});
  const auto out = acc.finish();  // rows x (2 + 2)
  ASSERT_EQ(out.size(), 8u);
  EXPECT_NEAR(out[0], 0.2, 1e-12);
  EXPECT_NEAR(out[1], 10.0, 1e-12);
  EXPECT_NEAR(out[2], 0.1, 1e-12);  // sd of 0.1, 0.3, 0.2 (n - 1)
  EXPECT_NEAR(out[3], 0.0, 1e-12);
  EXPECT_NEAR(out[5], 3.0, 1e-12);
  EXPECT_NEAR(out[7], std::sqrt(7.0), 1e-12);  // 1, 2, 6: mean 3, sum of squares 14, / 2
  EXPECT_THROW(acc.add({1.0}), std::logic_error);
}

TEST(Spread, SigmaColumnsBecomeTheMixtureStandardDeviation) {
  const std::vector<ScoreColumn> base = {{"e", "energy", "regression"}, {"e_sigma", "energy", "sigma"}};
  wl::run::detail::SpreadAccumulator acc(1, base);
  acc.add({1.0, 1.0});
  acc.add({3.0, 2.0});
  const auto out = acc.finish();  // e, e_sigma, e_std
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NEAR(out[0], 2.0, 1e-12);
  // mean of sigma^2 (2.5) + variance of the means over the samples (1): sqrt(3.5).
  EXPECT_NEAR(out[1], std::sqrt(3.5), 1e-12);
  EXPECT_NEAR(out[2], std::sqrt(2.0), 1e-12);  // the means' sample standard deviation
}

ScoredRows rows_of(const std::vector<double>& score, const std::vector<double>& spread) {
  ScoredRows s;
  s.n_columns = 2;
  for (std::size_t i = 0; i < score.size(); ++i) {
    s.rows.push_back(i);
    s.scores.push_back(score[i]);
    s.scores.push_back(spread[i]);
  }
  return s;
}

TEST(Ood, SpreadAndEntropyAurocs) {
  const std::vector<ScoreColumn> cols = {{"score", "y", "binary"}, {"score_std", "y", "spread"}};
  // Nominal events: confident, small spread; shifted: near 0.5, larger spread, one overlap.
  const auto nominal = rows_of({0.01, 0.99, 0.05, 0.9}, {0.01, 0.02, 0.03, 0.20});
  const auto shifted = rows_of({0.5, 0.45, 0.6}, {0.10, 0.30, 0.40});
  const auto s = wl::run::ood_scores(cols, nominal, shifted);
  ASSERT_EQ(s.size(), 2u);
  // In column order: the entropy of the binary score, then the spread column.
  EXPECT_EQ(s[0].name, "entropy:score");
  EXPECT_NEAR(s[0].auroc, 1.0, 1e-12);  // every shifted score is nearer 0.5
  EXPECT_EQ(s[1].name, "score_std");
  // 12 pairs; 0.10 loses only to 0.20: 11 / 12.
  EXPECT_NEAR(s[1].auroc, 11.0 / 12.0, 1e-12);
  EXPECT_NEAR(s[1].mean_shifted, 0.8 / 3.0, 1e-12);
  const auto j = wl::run::ood_json(s, "shifted.h5", 4, 3);
  EXPECT_EQ(j.at("best").at("score"), "entropy:score");
  EXPECT_EQ(j.at("n_shifted"), 3);
}

}  // namespace
