// Successive halving on synthetic metrics: the rungs, who goes on, and a whole search.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "wavelearn/tune/halving.hpp"

namespace wl::tune {
namespace {

TEST(TuneHalving, RungsEndAtTheBudget) {
  EXPECT_EQ(rung_epochs(1, 3, 10), (std::vector<int>{1, 3, 10}));
  EXPECT_EQ(rung_epochs(2, 2, 10), (std::vector<int>{2, 5, 10}));
  EXPECT_EQ(rung_epochs(1, 3, 27), (std::vector<int>{1, 3, 9, 27}));
  EXPECT_EQ(rung_epochs(1, 2, 2), (std::vector<int>{1, 2}));
  EXPECT_EQ(rung_epochs(10, 3, 10), (std::vector<int>{10}));
  EXPECT_EQ(rung_epochs(20, 3, 10), (std::vector<int>{10}));
  EXPECT_EQ(rung_epochs(1, 3, 1), (std::vector<int>{1}));
}

TEST(TuneHalving, TopOneOverEtaGoOn) {
  EXPECT_EQ(n_promoted(16, 2), 8u);
  EXPECT_EQ(n_promoted(16, 3), 5u);
  EXPECT_EQ(n_promoted(4, 3), 1u);
  EXPECT_EQ(n_promoted(1, 3), 1u);
  EXPECT_EQ(n_promoted(0, 3), 0u);
  EXPECT_EQ(promoted({0.6, 0.9, 0.7, 0.8}, 2, true), (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(promoted({0.6, 0.9, 0.7, 0.8}, 2, false), (std::vector<std::size_t>{0, 2}));
  // Ties go to the earlier trial.
  EXPECT_EQ(promoted({0.8, 0.8, 0.8}, 3, true), (std::vector<std::size_t>{0}));
}

TEST(TuneHalving, FailedTrialsNeverGoOn) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(promoted({nan, 0.5, nan, 0.4}, 2, true), (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(promoted({nan, nan, 0.1, nan}, 2, false), (std::vector<std::size_t>{2}));
  EXPECT_TRUE(promoted({nan, nan}, 2, true).empty());
}

TEST(TuneHalving, MetricDirections) {
  EXPECT_TRUE(higher_is_better("auc"));
  EXPECT_TRUE(higher_is_better("accuracy"));
  EXPECT_FALSE(higher_is_better("rmse"));
}

// 27 trials whose quality q_k is fixed and whose metric at e epochs is q_k (1 - 1/(e + 1))
// plus a small rung-dependent wobble: the halving must keep the best trial to the end, and
// train far fewer epochs than 27 full runs.
TEST(TuneHalving, KeepsTheBestTrialOnSyntheticCurves) {
  const auto rungs = rung_epochs(1, 3, 27);
  std::vector<double> quality(27);
  for (std::size_t k = 0; k < quality.size(); ++k) quality[k] = 0.5 + 0.4 * std::fmod(0.618034 * double(k + 1), 1.0);
  const auto best = std::max_element(quality.begin(), quality.end()) - quality.begin();
  std::vector<std::size_t> members(27);
  std::iota(members.begin(), members.end(), 0);
  int epochs = 0, previous = 0;
  for (std::size_t r = 0; r < rungs.size(); ++r) {
    epochs += int(members.size()) * (rungs[r] - previous);
    previous = rungs[r];
    if (r + 1 == rungs.size()) break;
    std::vector<double> metric;
    for (const auto k : members)
      metric.push_back(quality[k] * (1.0 - 1.0 / (rungs[r] + 1.0)) + 0.002 * std::sin(double(k * (r + 3))));
    std::vector<std::size_t> next;
    for (const auto i : promoted(metric, 3, true)) next.push_back(members[i]);
    members = next;
    EXPECT_NE(std::find(members.begin(), members.end(), static_cast<std::size_t>(best)), members.end()) << r;
  }
  EXPECT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0], static_cast<std::size_t>(best));
  EXPECT_LT(epochs, 27 * 27 / 4);
}

}  // namespace
}  // namespace wl::tune
