// dspeed's standard-chain definitions (dspeed_params.hpp) on synthetic pulses whose answers
// are known by construction.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "wavelearn/dsp/dspeed_params.hpp"

namespace dd = wl::dsp::dspeed;

namespace {
// A flat baseline at `base`, a linear rise from sample `start` over `rise` samples to base + amp.
std::vector<float> step(std::size_t n, std::size_t start, std::size_t rise, double base, double amp) {
  std::vector<float> w(n);
  for (std::size_t i = 0; i < n; ++i) {
    double f = i < start ? 0.0 : (i >= start + rise ? 1.0 : double(i - start) / double(rise));
    w[i] = static_cast<float>(base + amp * f + (i % 2 ? 1.0 : -1.0));  // +-1 ADC: a baseline sigma
  }
  return w;
}
}  // namespace

TEST(DspeedParams, LinearSlopeFitIsWelfordWithSampleStd) {
  const std::vector<double> x = {1, 2, 3, 4, 5};
  double m, s, slope;
  dd::linear_slope_fit(x.data(), x.size(), &m, &s, &slope);
  EXPECT_DOUBLE_EQ(m, 3.0);
  EXPECT_NEAR(s, std::sqrt(2.5), 1e-12);  // ddof = 1
  EXPECT_NEAR(slope, 1.0, 1e-12);
}

TEST(DspeedParams, TimePointThreshWalksLikeDspeed) {
  const std::vector<double> w = {0, 0, 1, 2, 3, 4, 4};
  EXPECT_EQ(dd::time_point_thresh(w.data(), w.size(), 2.5, 0, true), 3);   // w[3] <= 2.5 < w[4]
  EXPECT_EQ(dd::time_point_thresh(w.data(), w.size(), 2.5, 6, false), 4);  // w[3] < 2.5 <= w[4]
  EXPECT_EQ(dd::time_point_thresh(w.data(), w.size(), 9.0, 0, true), -1);
  EXPECT_EQ(dd::time_point_thresh(w.data(), w.size(), 1.0, 99, true), -1);
}

TEST(DspeedParams, TrapNormOfAStepReachesTheAmplitude) {
  std::vector<double> x(200, 0.0);
  for (std::size_t i = 50; i < x.size(); ++i) x[i] = 7.0;
  std::vector<double> t(x.size());
  dd::trap_norm(x.data(), x.size(), 20, 10, t.data());
  EXPECT_NEAR(t[49], 0.0, 1e-12);
  EXPECT_NEAR(t[69], 7.0, 1e-12);   // full rise window on the step
  EXPECT_NEAR(t[79], 7.0, 1e-12);   // flat top
  EXPECT_NEAR(t[120], 0.0, 1e-12);  // both windows on the step
}

TEST(DspeedParams, T0KernelSumsToZeroAndConvolveSameMatchesNumpy) {
  const auto k = dd::t0_kernel(8, 125);
  double sum = 0;
  for (double v : k) sum += v;
  EXPECT_NEAR(sum, 0.0, 1e-12);  // rising part sums to 1, falling part to -1
  const std::vector<double> x = {1, 2, 3}, kk = {0, 1, 0.5};
  std::vector<double> out(3);
  dd::convolve_same(x.data(), 3, kk, out.data());  // numpy.convolve([1,2,3],[0,1,.5],'same') = [1, 2.5, 4]
  EXPECT_DOUBLE_EQ(out[0], 1.0);
  EXPECT_DOUBLE_EQ(out[1], 2.5);
  EXPECT_DOUBLE_EQ(out[2], 4.0);
  std::vector<double> full(5);
  dd::convolve_full(x.data(), 3, kk, full.data());  // numpy 'full' = [0, 1, 2.5, 4, 1.5]
  EXPECT_DOUBLE_EQ(full[0], 0.0);
  EXPECT_DOUBLE_EQ(full[2], 2.5);
  EXPECT_DOUBLE_EQ(full[4], 1.5);
}

TEST(DspeedParams, Lq80OfALinearRiseIsZero) {
  // A linear rise from 0.8 top to top over 10 samples leaves exactly the triangle.
  std::vector<double> w(30, 100.0);
  for (int i = 0; i < 10; ++i) w[10 + i] = 80.0 + 2.0 * i;
  // The discrete sum starts on the 80 % sample: half a step per sample above the triangle.
  EXPECT_NEAR(dd::lq80_area(w.data(), w.size(), 100.0, 10, 20), 10.0, 1e-9);
  // Charge arriving late: more area above the waveform, positive lq80.
  for (int i = 0; i < 10; ++i) w[10 + i] = 80.0 + 0.5 * i;
  EXPECT_GT(dd::lq80_area(w.data(), w.size(), 100.0, 10, 20), 50.0);
  EXPECT_TRUE(std::isnan(dd::lq80_area(w.data(), w.size(), 100.0, -1, 20)));
}

TEST(DspeedParams, ChainOnAStepPulse) {
  // 1400 samples at 16 ns, baseline 1000 (the DAQ's baseline), a 1000-ADC step rising over
  // 100 samples from sample 500; no decay (tau 0: no pole-zero). (With a rise of a few samples
  // dspeed's chained walks find no 95 % crossing below the 99 % sample: NaN, as in dspeed.)
  const auto w = step(1400, 500, 100, 1000.0, 1000.0);
  dd::DspeedScratch s;
  const auto p = dd::compute_dspeed_params(w.data(), w.size(), 16.0, 1000.0, 0.0, dd::DspeedConfig{}, s);
  EXPECT_NEAR(p.bl_mean, 0.0, 0.01);
  EXPECT_NEAR(p.bl_std, 1.0, 0.01);
  EXPECT_NEAR(p.trapEmax, 1000.0, 1.0);
  EXPECT_NEAR(p.tp_50, 16.0 * 550, 16.0);  // w[550] = 500 +- 1
  EXPECT_NEAR(p.tp_10, 16.0 * 510, 16.0);
  EXPECT_NEAR(p.tp_90, 16.0 * 590, 16.0);
  EXPECT_NEAR(p.tp_99, 16.0 * 599, 16.0);
  EXPECT_LT(std::abs(p.lq80), 0.01 * 1000 * 20);  // a linear rise: no late charge (~1 % of the triangle)
  EXPECT_NEAR(p.A_max, 10.0, 2.0);        // 10 ADC per sample on the rise (+-2 of noise steps)
  EXPECT_TRUE(std::isfinite(p.tp_0_est));
  EXPECT_LE(p.tp_0_est, p.tp_01);
}

TEST(DspeedParams, FullConvolutionPutsTp0HalfAKernelLater) {
  // LEGEND-200 production (full convolution) vs dspeed's example config ("same"): the
  // same crossing, (len(kernel) - 1) / 2 = 66 samples apart at 16 ns.
  const auto w = step(1400, 500, 100, 0.0, 1000.0);
  dd::DspeedScratch s;
  dd::DspeedConfig same;
  same.t0_full_convolution = false;
  const auto a = dd::compute_dspeed_params(w.data(), w.size(), 16.0, 0.0, 0.0, dd::DspeedConfig{}, s);
  const auto b = dd::compute_dspeed_params(w.data(), w.size(), 16.0, 0.0, 0.0, same, s);
  EXPECT_DOUBLE_EQ(a.tp_0_est - b.tp_0_est, 66 * 16.0);
  EXPECT_NEAR(b.tp_0_est, 16.0 * 500, 16.0 * 70);  // near the start of the rise
}

TEST(DspeedParams, NonFiniteSampleGivesNaN) {
  auto w = step(1400, 500, 10, 0.0, 1000.0);
  w[3] = NAN;
  dd::DspeedScratch s;
  const auto p = dd::compute_dspeed_params(w.data(), w.size(), 16.0, 0.0, 0.0, dd::DspeedConfig{}, s);
  EXPECT_TRUE(std::isnan(p.trapEmax));
  EXPECT_TRUE(std::isnan(p.tp_0_est));
}
