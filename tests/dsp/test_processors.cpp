// Each processor alone on inputs with known answers.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "pulses.hpp"
#include "wavelearn/dsp/processors.hpp"

using namespace wl::dsp;

TEST(Processors, BaselineStatsOfALine) {
  std::vector<float> x(200);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 5000.0f + 0.25f * static_cast<float>(i);
  const auto b = baseline_stats(x.data(), 0, x.size());
  EXPECT_NEAR(b.mean, 5000.0 + 0.25 * 199 / 2.0, 1e-6);
  EXPECT_NEAR(b.slope_per_sample, 0.25, 1e-9);
  EXPECT_NEAR(b.std, 0.25 * std::sqrt((200.0 * 200.0 - 1) / 12.0), 1e-6);
  EXPECT_TRUE(std::isnan(baseline_stats(x.data(), 3, 4).mean));
}

TEST(Processors, PoleZeroMakesTheTailFlatAndTauIsRecovered) {
  wl::test::PulseSpec p;
  p.pedestal_adc = 0;
  p.tau_ns = 47000;
  const auto x = wl::test::make_pulse(p);
  const std::size_t n = x.size();
  // Before correction the tail decays with the known tau.
  const std::size_t tail0 = static_cast<std::size_t>((p.t0_ns + p.drift_ns) / p.dt_ns) + 10;
  EXPECT_NEAR(tail_tau_samples(x.data(), tail0, n, 8) * p.dt_ns, p.tau_ns, 1e-3 * p.tau_ns);
  std::vector<float> z(n);
  std::vector<double> prefix(n + 1);
  pole_zero(x.data(), n, decay_per_sample(p.tau_ns, p.dt_ns), z.data(), prefix.data());
  for (std::size_t i = tail0; i < n; i += 97) ASSERT_NEAR(z[i], p.amplitude_adc, 1e-3) << i;
  EXPECT_NEAR(z[10], 0.0, 1e-6);
  EXPECT_NEAR(prefix[n] - prefix[n - 100], 100 * p.amplitude_adc, 0.1);
  // No decay: identity.
  pole_zero(x.data(), n, decay_per_sample(0, p.dt_ns), z.data(), nullptr);
  EXPECT_EQ(z[n - 1], x[n - 1]);
}

TEST(Processors, DoublePoleZeroFlattensTwoExponentials) {
  const double a1 = std::exp(-10.0 / 50000), a2 = std::exp(-10.0 / 2000), f = 0.05;
  std::vector<float> y(3000, 0.0f), z(3000);
  for (std::size_t i = 1000; i < y.size(); ++i) {
    const double k = static_cast<double>(i - 1000);
    y[i] = static_cast<float>(800.0 * ((1 - f) * std::pow(a1, k) + f * std::pow(a2, k)));
  }
  pole_zero_double(y.data(), y.size(), a1, a2, f, z.data(), nullptr);
  for (std::size_t i = 1000; i < y.size(); i += 37) ASSERT_NEAR(z[i], 800.0, 0.05) << i;
  // A single pole leaves the fast component uncorrected.
  pole_zero(y.data(), y.size(), a1, z.data(), nullptr);
  EXPECT_LT(z[1100], 800.0 - 10.0);
}

TEST(Processors, TrapezoidHeightIsTheStepAmplitude) {
  std::vector<float> step(1000, 0.0f);
  for (std::size_t i = 400; i < step.size(); ++i) step[i] = 123.5f;
  std::vector<double> prefix(step.size() + 1);
  prefix_sum(step.data(), step.size(), prefix.data());
  const std::size_t rise = 100, flat = 50;
  std::vector<float> trap(step.size());
  trapezoid(prefix.data(), step.size(), rise, flat, trap.data());
  EXPECT_TRUE(std::isnan(trap[2 * rise + flat - 2]));
  EXPECT_NEAR(trap[399], 0.0, 1e-9);
  EXPECT_NEAR(trap[449], 50 * 123.5 / 100, 1e-4);  // half way up the rise
  EXPECT_NEAR(trap[520], 123.5, 1e-4);               // flat top
  const Peak top = trap_max(prefix.data(), step.size(), rise, flat, 0, step.size());
  EXPECT_NEAR(top.value, 123.5, 1e-4);
  EXPECT_GE(top.index, 499u);
  EXPECT_LE(top.index, 549u);
}

TEST(Processors, CrossingsAreInterpolated) {
  std::vector<float> ramp(100, 0.0f);
  for (std::size_t i = 20; i < 100; ++i) ramp[i] = std::min(1.0f, static_cast<float>(i - 20) / 50.0f);
  EXPECT_NEAR(crossing_backward(ramp.data(), 90, 0, 0.5), 45.0, 1e-5);
  EXPECT_NEAR(crossing_backward(ramp.data(), 90, 0, 0.13), 26.5, 1e-5);
  EXPECT_TRUE(std::isnan(crossing_backward(ramp.data(), 90, 0, 2.0)));  // never reached
  EXPECT_TRUE(std::isnan(crossing_backward(ramp.data(), 90, 50, 0.1))); // stop before it
  EXPECT_DOUBLE_EQ(find_tp0(ramp.data(), 45, 0, 5, 0.0, 10), 20.0);
  EXPECT_TRUE(std::isnan(find_tp0(ramp.data(), 45, 30, 5, 0.0, 10)));
}

TEST(Processors, CurrentOfARampIsItsSlope) {
  std::vector<float> z(400, 0.0f);
  for (std::size_t i = 100; i < 400; ++i) z[i] = std::min(200.0f, 2.0f * static_cast<float>(i - 100));
  std::vector<float> cur(300), tmp(300);
  smoothed_current(z.data(), 50, 350, 5, 3, cur.data(), tmp.data());
  const Peak pk = max_in(cur.data(), 0, 300);
  EXPECT_NEAR(pk.value, 2.0, 1e-5);
  EXPECT_NEAR(fwhm(cur.data(), 300, pk.index), 100.0, 2.0);
  EXPECT_EQ(count_peaks(cur.data(), 300, 0.5, 0.2), 1);
}

TEST(Processors, PeakCountingUsesHysteresis) {
  std::vector<float> c(300, 0.0f);
  auto bump = [&](double centre, double height) {
    for (std::size_t i = 0; i < c.size(); ++i)
      c[i] += static_cast<float>(height * std::exp(-0.5 * std::pow((i - centre) / 6.0, 2)));
  };
  bump(80, 1.0);
  bump(150, 0.6);
  EXPECT_EQ(count_peaks(c.data(), c.size(), 0.25, 0.1), 2);
  EXPECT_EQ(count_peaks(c.data(), c.size(), 0.7, 0.1), 1);  // second below threshold
  // Ripple smaller than the prominence is one peak.
  for (std::size_t i = 60; i < 100; i += 2) c[i] += 0.02f;
  EXPECT_EQ(count_peaks(c.data(), c.size(), 0.25, 0.1), 2);
}

TEST(Processors, AreaAndMedian) {
  std::vector<float> x(50, 1.0f);
  for (std::size_t i = 0; i < 10; ++i) x[i] = static_cast<float>(i) / 10.0f;  // ramp to 1
  // Area between 1 and the ramp from 5.0: triangle 0.5 * 5 * 0.5.
  EXPECT_NEAR(area_below(x.data(), 5.0, 40, 1.0), 1.25, 1e-6);
  EXPECT_NEAR(area_below(x.data(), 5.5, 40, 1.0), 0.5 * 4.5 * 0.45, 1e-6);
  double v[] = {5, 1, 4, 2, 3};
  EXPECT_DOUBLE_EQ(median_inplace(v, 5), 3.0);
  double w[] = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(median_inplace(w, 4), 2.5);
  EXPECT_TRUE(std::isnan(median_inplace(w, 0)));
}

TEST(Processors, PoleZeroPrefixSumsMatchTheCorrectedWaveform) {
  wl::test::PulseSpec p;
  p.noise_adc = 2;
  for (std::size_t n : {10u, 63u, 64u, 1001u, 3800u, 5592u}) {
    p.length_ns = static_cast<double>(n) * p.dt_ns;
    const auto x = wl::test::make_pulse(p);
    const double a = decay_per_sample(p.tau_ns, p.dt_ns);
    std::vector<float> z(n), z_ref(n);
    std::vector<double> prefix(n + 1);
    pole_zero(x.data(), n, a, z.data(), prefix.data());
    pole_zero(x.data(), n, a, z_ref.data(), nullptr);  // without prefix sums
    double s = 0;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(z[i], z_ref[i], 1e-6 * std::fabs(z_ref[i]) + 1e-3) << n << " " << i;
      s += z_ref[i];
      ASSERT_NEAR(prefix[i + 1], s, 1e-9 * std::fabs(s) + 1e-2) << n << " " << i;
    }
  }
}
