// The exact 1-D W1 against values worked out by hand (step CDFs, rectangle areas), its
// identities (symmetry, shift, quantile form for equal sizes), the refusals, and numpy's
// CDF-area computation on random samples of unequal sizes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "test_paths.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/wasserstein.hpp"

using wl::eval::w1_size_factor;
using wl::eval::wasserstein1;
using wl::eval::wasserstein1_sorted;

TEST(Wasserstein, HandComputedValues) {
  EXPECT_DOUBLE_EQ(wasserstein1({0}, {1}), 1.0);
  EXPECT_DOUBLE_EQ(wasserstein1({0, 1}, {0, 1}), 0.0);
  // F_a = 1/2 on [0, 2), F_b = 0 on [0, 1) then 1: 1/2 * 1 + 1/2 * 1.
  EXPECT_DOUBLE_EQ(wasserstein1({0, 2}, {1}), 1.0);
  // Steps of 1/3 against 1/4: 1/12 + 1/6 + 1/4 over [1, 2), [2, 3), [3, 4).
  EXPECT_DOUBLE_EQ(wasserstein1({1, 2, 3}, {1, 2, 3, 4}), 0.5);
  // Ties: {0, 0, 3} vs {1}: 2/3 on [0, 1), 1/3 on [1, 3).
  EXPECT_NEAR(wasserstein1({0, 0, 3}, {1}), 2.0 / 3.0 + 2.0 / 3.0, 1e-15);
  // Any order is sorted first; unequal weights: {5} vs {1, 2, 9}: |x - 5| averaged = 3.
  EXPECT_DOUBLE_EQ(wasserstein1({5}, {9, 1, 2}), (4.0 + 3.0 + 4.0) / 3.0);
}

TEST(Wasserstein, IdentitiesHold) {
  wl::core::Rng rng(7);
  std::vector<double> a(500), b(500);
  for (auto& x : a) x = rng.normal();
  for (auto& x : b) x = rng.exponential(2.0);
  EXPECT_DOUBLE_EQ(wasserstein1(a, b), wasserstein1(b, a));
  auto shifted = a;
  for (auto& x : shifted) x += 3.25;
  EXPECT_NEAR(wasserstein1(a, shifted), 3.25, 1e-12);
  // Equal sizes: the mean distance of the order statistics.
  auto sa = a, sb = b;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  double mean = 0;
  for (std::size_t i = 0; i < sa.size(); ++i) mean += std::fabs(sa[i] - sb[i]) / double(sa.size());
  EXPECT_NEAR(wasserstein1_sorted(sa, sb), mean, 1e-12);
}

TEST(Wasserstein, NonFiniteValuesAndBadSamples) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_DOUBLE_EQ(wasserstein1({0, nan, 2}, {1, INFINITY}), 1.0);  // finite values only
  EXPECT_TRUE(std::isnan(wasserstein1({nan}, {1})));
  EXPECT_TRUE(std::isnan(wasserstein1({}, {1})));
  EXPECT_THROW(wasserstein1_sorted({2, 1}, {1}), wl::core::InputError);
  EXPECT_THROW(wasserstein1_sorted({}, {1}), wl::core::InputError);
  EXPECT_THROW(wasserstein1_sorted({1, nan}, {1}), wl::core::InputError);
}

// The response fit's distances (src/sim/response_fit.cpp) are these.
TEST(Wasserstein, AShiftUnequalSizesAndNaNs) {
  EXPECT_DOUBLE_EQ(wasserstein1({0, 1, 3}, {5, 6, 8}), 5.0);  // a shift
  // scipy.stats.wasserstein_distance([0, 0, 1], [0, 1, 1]) = 1/3; unequal sizes; NaN ignored.
  EXPECT_NEAR(wasserstein1({0, 0, 1}, {0, 1, 1}), 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(wasserstein1({0, 1}, {0, NAN}), 0.5, 1e-12);
  EXPECT_TRUE(std::isnan(wasserstein1({NAN}, {1.0})));
}

TEST(Wasserstein, SizeFactorScalesTheNoiseFloor) {
  // Halves of 1000 (500, 500) against 1000 vs 1000: sqrt((2/1000) / (2/500)) = 1/sqrt(2).
  EXPECT_NEAR(w1_size_factor(500, 500, 1000, 1000), 1.0 / std::sqrt(2.0), 1e-15);
  EXPECT_DOUBLE_EQ(w1_size_factor(10, 30, 10, 30), 1.0);
  EXPECT_THROW(w1_size_factor(0, 1, 1, 1), wl::core::InputError);
  // The scaling itself, measured: the mean W1 of same-distribution samples of 100 vs 100 and
  // of 400 vs 400 differ by the factor (1/2) within the spread of 400 repetitions.
  wl::core::Rng rng(11);
  auto mean_w1 = [&](std::size_t n) {
    double sum = 0;
    for (int rep = 0; rep < 400; ++rep) {
      std::vector<double> a(n), b(n);
      for (auto& x : a) x = rng.normal();
      for (auto& x : b) x = rng.normal();
      sum += wasserstein1(a, b);
    }
    return sum / 400;
  };
  EXPECT_NEAR(mean_w1(400) / mean_w1(100), w1_size_factor(100, 100, 400, 400), 0.05);
}

TEST(Wasserstein, AgreesWithNumpy) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0) GTEST_SKIP() << "no numpy";
  const auto dir = std::filesystem::temp_directory_path() / ("wl_w1_numpy_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  wl::core::Rng rng(3);
  std::vector<double> a(1234), b(567);
  {
    std::ofstream fa(dir / "a.txt"), fb(dir / "b.txt");
    fa.precision(17);
    fb.precision(17);
    for (auto& x : a) fa << (x = std::round(rng.normal(1.0, 2.0) * 8) / 8) << "\n";  // ties included
    for (auto& x : b) fb << (x = rng.exponential(1.5)) << "\n";
  }
  const std::string cmd = "/usr/bin/python3 " + std::string(WL_SOURCE_DIR) + "/tests/eval/w1_numpy.py " +
                          (dir / "a.txt").string() + " " + (dir / "b.txt").string() + " > " + (dir / "w1").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  double numpy_w1 = NAN;
  std::ifstream(dir / "w1") >> numpy_w1;
  std::filesystem::remove_all(dir);
  EXPECT_NEAR(wasserstein1(a, b), numpy_w1, 1e-12 * numpy_w1);
}
