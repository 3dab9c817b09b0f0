#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/pr.hpp"
#include "wavelearn/eval/roc.hpp"

using namespace wl::eval;

// Brute-force Mann-Whitney over all signal/background pairs, ties counted 1/2.
static double pairwise_auc(const std::vector<double>& s, const std::vector<uint8_t>& y) {
  double num = 0, pairs = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t j = 0; j < s.size(); ++j)
      if (y[i] && !y[j]) {
        pairs += 1;
        num += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
      }
  return num / pairs;
}

TEST(Roc, PointsWithTiesByHand) {
  // Scores 0.9(S) 0.8(B) 0.8(S) 0.3(B) 0.3(B) 0.1(S): 3 signal, 3 background.
  const std::vector<double> s{0.9, 0.8, 0.8, 0.3, 0.3, 0.1};
  const std::vector<uint8_t> y{1, 0, 1, 0, 0, 1};
  const auto c = roc_curve(s, y);
  ASSERT_EQ(c.points.size(), 5u);  // +inf and one per distinct score
  EXPECT_TRUE(std::isinf(c.points[0].threshold));
  const double exp_fpr[] = {0, 0, 1.0 / 3, 1, 1};
  const double exp_tpr[] = {0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1};
  const double exp_thr[] = {0, 0.9, 0.8, 0.3, 0.1};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_DOUBLE_EQ(c.points[i].fpr, exp_fpr[i]) << i;
    EXPECT_DOUBLE_EQ(c.points[i].tpr, exp_tpr[i]) << i;
    if (i > 0) {
      EXPECT_DOUBLE_EQ(c.points[i].threshold, exp_thr[i]);
    }
  }
  // Pairs: S0.9 beats all 3; S0.8 ties one (0.5) beats two; S0.1 beats none: 5.5 / 9.
  EXPECT_DOUBLE_EQ(c.auc, 5.5 / 9.0);
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 5.5 / 9.0);
}

TEST(Roc, SeparableIsOneAndReversedIsZero) {
  const std::vector<double> s{0.1, 0.2, 0.3, 0.7, 0.8, 0.9};
  const std::vector<uint8_t> y{0, 0, 0, 1, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 1.0);
  const std::vector<uint8_t> rev{1, 1, 1, 0, 0, 0};
  EXPECT_DOUBLE_EQ(roc_auc(s, rev), 0.0);
  // All scores equal: a single diagonal step, AUC 1/2.
  const std::vector<double> flat(6, 0.4);
  EXPECT_DOUBLE_EQ(roc_auc(flat, y), 0.5);
}

TEST(Roc, RandomScoresGiveOneHalf) {
  wl::core::Rng rng(7);
  std::vector<double> s(200000);
  std::vector<uint8_t> y(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i] = rng.uniform();
    y[i] = rng.uniform() < 0.3;
  }
  // Standard error of the AUC here is ~0.0014.
  EXPECT_NEAR(roc_auc(s, y), 0.5, 0.006);
}

TEST(Roc, TrapezoidEqualsPairwiseCountWithManyTies) {
  wl::core::Rng rng(3);
  std::vector<double> s(400);
  std::vector<uint8_t> y(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    y[i] = rng.uniform() < 0.4;
    s[i] = std::round((rng.normal() + (y[i] ? 0.8 : 0.0)) * 4.0) / 4.0;  // heavy ties
  }
  const auto c = roc_curve(s, y);
  EXPECT_NEAR(c.auc, pairwise_auc(s, y), 1e-12);
  EXPECT_NEAR(roc_auc(s, y), c.auc, 1e-12);
  for (std::size_t i = 1; i < c.points.size(); ++i) {
    EXPECT_LT(c.points[i].threshold, c.points[i - 1].threshold);
    EXPECT_GE(c.points[i].fpr, c.points[i - 1].fpr);
    EXPECT_GE(c.points[i].tpr, c.points[i - 1].tpr);
  }
  EXPECT_DOUBLE_EQ(c.points.back().fpr, 1.0);
  EXPECT_DOUBLE_EQ(c.points.back().tpr, 1.0);
}

TEST(Roc, BadInputIsInputError) {
  EXPECT_THROW(roc_auc({0.1, 0.2}, {1, 1}), wl::core::InputError);
  EXPECT_THROW(roc_auc({0.1, 0.2}, {1}), wl::core::InputError);
  EXPECT_THROW(roc_auc({0.1, std::nan("")}, {1, 0}), wl::core::InputError);
}

TEST(Roc, EfficiencyAtRejectionInterpolates) {
  RocCurve c;
  c.points = {{1e9, 0.0, 0.0}, {0.8, 0.1, 0.5}, {0.5, 0.3, 0.9}, {0.1, 1.0, 1.0}};
  EXPECT_DOUBLE_EQ(efficiency_at_rejection(c, 0.9), 0.5);                // exact point
  EXPECT_NEAR(efficiency_at_rejection(c, 0.8), 0.5 + 0.5 * 0.4, 1e-12);  // FPR 0.2: halfway
  EXPECT_NEAR(efficiency_at_rejection(c, 0.99), 0.05, 1e-12);            // FPR 0.01 of 0.1
  EXPECT_DOUBLE_EQ(efficiency_at_rejection(c, 0.0), 1.0);
  EXPECT_THROW(efficiency_at_rejection(c, 1.5), wl::core::InputError);
  // Vertical step (ties): at an FPR reached exactly, the best TPR there.
  RocCurve v;
  v.points = {{1e9, 0.0, 0.0}, {0.9, 0.0, 0.6}, {0.2, 1.0, 1.0}};
  EXPECT_DOUBLE_EQ(efficiency_at_rejection(v, 1.0), 0.6);
}

TEST(Roc, ThresholdForEfficiency) {
  const std::vector<double> s{0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.65, 0.1};
  const std::vector<uint8_t> y{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
  const auto wp = threshold_for_efficiency(s, y, 0.9);  // keep 9 of 10 signal
  EXPECT_DOUBLE_EQ(wp.threshold, 0.3);
  EXPECT_DOUBLE_EQ(wp.signal_efficiency, 0.9);
  EXPECT_DOUBLE_EQ(wp.background_rejection, 0.5);
  const auto wp2 = threshold_for_efficiency(s, y, 0.55);  // needs 6 of 10
  EXPECT_DOUBLE_EQ(wp2.threshold, 0.6);
  EXPECT_GE(wp2.signal_efficiency, 0.55);
}

TEST(Roc, BootstrapIntervalCoversAndIsThreadIndependent) {
  wl::core::Rng rng(11);
  std::vector<double> s(3000);
  std::vector<uint8_t> y(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    y[i] = rng.uniform() < 0.5;
    s[i] = rng.normal() + (y[i] ? 1.0 : 0.0);
  }
  const auto a = roc_auc_bootstrap(s, y, 100, 5, 0.95, 1);
  const auto b = roc_auc_bootstrap(s, y, 100, 5, 0.95, 2);
  EXPECT_DOUBLE_EQ(a.lower, b.lower);
  EXPECT_DOUBLE_EQ(a.upper, b.upper);
  EXPECT_LT(a.lower, a.auc);
  EXPECT_GT(a.upper, a.auc);
  // Hanley-McNeil standard error for AUC 0.76 with 1500 per class is ~0.0085.
  EXPECT_NEAR(a.std_error, 0.0085, 0.003);
  const auto c = roc_auc_bootstrap(s, y, 100, 6, 0.95, 1);
  EXPECT_NE(a.lower, c.lower);  // another seed, other replicas
}

TEST(PrAuc, StepwiseWithTiesByHand) {
  // Thresholds 0.9, 0.8 (tie: one S, one B), 0.3, 0.1:
  // AP = 1/3 * 1 + 1/3 * 2/3 + 0 + 1/3 * 3/5 = 34/45 (sklearn gives the same).
  EXPECT_NEAR(pr_auc({0.9, 0.8, 0.8, 0.3, 0.1}, {1, 0, 1, 0, 1}), 34.0 / 45.0, 1e-15);
  EXPECT_NEAR(pr_auc({0.5, 0.5, 0.5}, {1, 1, 0}), 2.0 / 3.0, 1e-15);  // one step
  EXPECT_DOUBLE_EQ(pr_auc({0.2, 0.1}, {1, 1}), 1.0);                  // no background
  EXPECT_DOUBLE_EQ(pr_auc({0.9, 0.8, 0.1}, {1, 1, 0}), 1.0);          // perfect ranking
  EXPECT_THROW(pr_auc({0.2, 0.1}, {0, 0}), wl::core::InputError);
  EXPECT_THROW(pr_auc({0.2, std::nan("")}, {1, 0}), wl::core::InputError);
  EXPECT_THROW(pr_auc({0.2}, {1, 0}), wl::core::InputError);
}
