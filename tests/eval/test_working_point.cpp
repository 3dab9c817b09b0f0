// The A/E DEP-acceptance working point and survival fractions on hand-made samples.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/eval/survival.hpp"
#include "wavelearn/eval/working_point.hpp"

using namespace wl::eval;
using wl::core::kDepKev;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// n DEP events with the given scores, the first `ae_kept` of them kept by A/E.
struct Sample {
  std::vector<double> score, energy_kev;
  std::vector<uint8_t> ae_pass;
};
Sample dep_events(const std::vector<double>& scores, std::size_t ae_kept) {
  Sample s;
  s.score = scores;
  s.energy_kev.assign(scores.size(), kDepKev);
  for (std::size_t i = 0; i < scores.size(); ++i) s.ae_pass.push_back(i < ae_kept);
  return s;
}
}  // namespace

TEST(DepWorkingPoint, KeepsTheAeAcceptanceExactly) {
  // Scores 0.05 .. 0.95; A/E keeps 6 of 10: the 6 highest pass at threshold 0.35.
  auto s = dep_events({0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95}, 6);
  // Events outside the DEP window change nothing.
  for (double e : {kDepKev - 5.01, kDepKev + 5.0, 1000.0, kNaN}) {
    s.score.push_back(0.99);
    s.energy_kev.push_back(e);
    s.ae_pass.push_back(0);
  }
  const auto wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_EQ(wp.definition, "A/E DEP acceptance");
  EXPECT_TRUE(wp.matched);
  EXPECT_EQ(wp.n_dep, 10u);
  EXPECT_DOUBLE_EQ(wp.dep_acceptance, 0.6);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.6);
  EXPECT_DOUBLE_EQ(wp.threshold, 0.35);
}

TEST(DepWorkingPoint, TiesTakeTheCloserSide) {
  const std::vector<double> sc{0.9, 0.7, 0.7, 0.7, 0.2, 0.1, 0.1, 0.05, 0.04, 0.03};
  // Target 2: 0.7 keeps 1 (off by 1), just below 0.7 keeps 4 (off by 2) -> 0.7.
  auto s = dep_events(sc, 2);
  auto wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_DOUBLE_EQ(wp.threshold, 0.7);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.1);
  EXPECT_DOUBLE_EQ(wp.dep_acceptance, 0.2);
  // Target 3: keeps 1 (off by 2) or 4 (off by 1) -> the next score below the tie.
  s = dep_events(sc, 3);
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_DOUBLE_EQ(wp.threshold, 0.2);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.4);
  // A tie straddling the cut, equally far on both sides -> the smaller acceptance.
  s = dep_events({0.9, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, 2);
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.1);
  // All tied: nothing or everything; target 6 of 10 is closer to everything.
  s = dep_events(std::vector<double>(10, 0.5), 6);
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_LT(wp.threshold, 0.5);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 1.0);
}

TEST(DepWorkingPoint, AllPassAndNonePass) {
  const std::vector<double> sc{0.3, 0.1, 0.2, 0.9, 0.4, 0.5, 0.6, 0.7, 0.8, 0.05};
  auto s = dep_events(sc, 10);
  auto wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_TRUE(wp.matched);
  EXPECT_LT(wp.threshold, 0.05);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 1.0);
  s = dep_events(sc, 0);
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_DOUBLE_EQ(wp.threshold, 0.9);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.0);
}

TEST(DepWorkingPoint, NanScoresFailTheCut) {
  // 3 of 10 DEP scores are NaN: even "keep all" keeps only the 7 numbers.
  const std::vector<double> sc{kNaN, 0.1, 0.2, kNaN, 0.4, 0.5, 0.6, kNaN, 0.8, 0.9};
  auto s = dep_events(sc, 10);
  auto wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.7);
  EXPECT_LT(wp.threshold, 0.1);
  s = dep_events(sc, 5);  // NaN ranks lowest: the 5 highest numbers (0.4 .. 0.9) pass
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_DOUBLE_EQ(wp.threshold, 0.2);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.5);
  s = dep_events(std::vector<double>(10, kNaN), 4);
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.0);
}

TEST(DepWorkingPoint, UnmatchedFallsBackAndSaysSo) {
  // Empty DEP window.
  auto wp = dep_working_point({0.2, 0.8}, {1000.0, 2614.5}, {1, 0});
  EXPECT_FALSE(wp.matched);
  EXPECT_EQ(wp.n_dep, 0u);
  EXPECT_DOUBLE_EQ(wp.threshold, 0.5);
  EXPECT_TRUE(std::isnan(wp.dep_acceptance));
  EXPECT_TRUE(std::isnan(wp.model_dep_acceptance));
  // Too few DEP events: the A/E acceptance is reported, the threshold is the fallback.
  auto s = dep_events({0.1, 0.6, 0.7, 0.8, 0.9}, 2);
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass, 10, 5.0, 0.65);
  EXPECT_FALSE(wp.matched);
  EXPECT_EQ(wp.n_dep, 5u);
  EXPECT_DOUBLE_EQ(wp.dep_acceptance, 0.4);
  EXPECT_DOUBLE_EQ(wp.threshold, 0.65);
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.6);
  wp = dep_working_point(s.score, s.energy_kev, s.ae_pass, 5);
  EXPECT_TRUE(wp.matched);
  // No A/E decisions.
  wp = dep_working_point(s.score, s.energy_kev, {});
  EXPECT_FALSE(wp.matched);
  EXPECT_TRUE(std::isnan(wp.dep_acceptance));
  EXPECT_DOUBLE_EQ(wp.model_dep_acceptance, 0.8);  // 4 of 5 above 0.5
}

TEST(DepWorkingPoint, BadInputThrows) {
  EXPECT_THROW(dep_working_point({0.1, 0.2}, {kDepKev}, {}), wl::core::InputError);
  EXPECT_THROW(dep_working_point({0.1}, {kDepKev}, {1, 0}), wl::core::InputError);
  EXPECT_THROW(dep_working_point({0.1}, {kDepKev}, {1}, 10, 0.0), wl::core::InputError);
}

TEST(Survival, ByRegionWithIntervals) {
  const double dep = kDepKev, fep = wl::core::kTl208PeakKev;
  const std::vector<double> e{dep, dep, dep, dep, fep, fep, fep, 1000.0, kNaN};
  const std::vector<uint8_t> pass{1, 1, 0, 1, 0, 0, 0, 1, 1};
  const auto s = survival_by_region(pass, e, default_truth_regions());
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].region.name, "DEP");
  EXPECT_EQ(s[0].survival.k, 3u);
  EXPECT_EQ(s[0].survival.n, 4u);
  EXPECT_DOUBLE_EQ(s[0].survival.value, 0.75);
  EXPECT_DOUBLE_EQ(s[0].survival.lo, clopper_pearson(3, 4).lo);
  EXPECT_EQ(s[1].region.name, "SEP");
  EXPECT_EQ(s[1].survival.n, 0u);
  EXPECT_TRUE(std::isnan(s[1].survival.value));
  // FEP: 0 of 3 survive, and the interval says up to 71 % could.
  EXPECT_DOUBLE_EQ(s[2].survival.value, 0.0);
  EXPECT_NEAR(s[2].survival.hi, 0.7076, 1e-4);
  EXPECT_THROW(survival_by_region(pass, {dep}, default_truth_regions()), wl::core::InputError);
  EXPECT_THROW(survival_by_region(pass, e, {{"bad", 5.0, 5.0}}), wl::core::InputError);
}

TEST(Survival, VsEnergyBins) {
  const std::vector<double> e{100, 150, 199.9, 200, 250, 300, 99, kNaN};
  const std::vector<uint8_t> pass{1, 0, 1, 1, 1, 0, 1, 1};
  const auto b = survival_vs_energy(pass, e, {100, 200, 300}, 0.68);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_DOUBLE_EQ(b[0].lo_kev, 100);
  EXPECT_DOUBLE_EQ(b[0].hi_kev, 200);
  EXPECT_EQ(b[0].survival.k, 2u);
  EXPECT_EQ(b[0].survival.n, 3u);
  EXPECT_DOUBLE_EQ(b[0].survival.confidence, 0.68);
  EXPECT_EQ(b[1].survival.k, 2u);  // 300 is outside [200, 300)
  EXPECT_EQ(b[1].survival.n, 2u);
  EXPECT_THROW(survival_vs_energy(pass, e, {100}), wl::core::InputError);
  EXPECT_THROW(survival_vs_energy(pass, e, {200, 100}), wl::core::InputError);
  EXPECT_THROW(survival_vs_energy(pass, e, {100, 100, 200}), wl::core::InputError);
  EXPECT_THROW(survival_vs_energy(pass, e, {100, kNaN}), wl::core::InputError);
}
