// Resampling a record to another sampling period and length (dsp/resample.hpp): a known
// pulse keeps its amplitude and its tp50, the baseline stays, downsampling low-passes the
// noise, and windows that cannot be made are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/dsp/processors.hpp"
#include "wavelearn/dsp/resample.hpp"

namespace {

// A germanium-like pulse: logistic rise (10-90 % ~ 4.4 w) at t0, preamp decay of 60 us,
// on a baseline.
double pulse(double t_ns, double t0_ns, double amp, double width_ns) {
  const double rise = 1.0 / (1.0 + std::exp(-(t_ns - t0_ns) / width_ns));
  return 1000.0 + amp * rise * std::exp(-std::max(0.0, t_ns - t0_ns) / 60000.0);
}

std::vector<float> sampled(double dt, std::size_t n, double t0, double amp, double width) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(pulse(static_cast<double>(i) * dt, t0, amp, width));
  return x;
}

double tp50_ns(const std::vector<float>& x, double dt, double base, double amp) {
  const auto peak = wl::dsp::max_in(x.data(), 0, x.size());
  const double level = base + 0.5 * (peak.value - base);
  (void)amp;
  return wl::dsp::crossing_backward(x.data(), peak.index, 0, level) * dt;
}

TEST(Resample, KnownPulseTenToSixteenNsKeepsAmplitudeAndTp50) {
  const double t0 = 10000.0, amp = 5000.0;
  for (double width : {15.0, 40.0}) {
    const auto in = sampled(10.0, 3800, t0, amp, width);
    // LEGEND-200's windowed record: 1400 samples of 16 ns, the trigger at 8 us.
    const auto spec = wl::dsp::plan_resample(10.0, 3800, 16.0, 1400, t0, 8000.0);
    std::vector<float> out(1400);
    wl::dsp::resample(in.data(), spec, out.data());
    // Against the same pulse sampled at 16 ns directly.
    std::vector<float> truth(1400);
    for (std::size_t j = 0; j < 1400; ++j)
      truth[j] = static_cast<float>(pulse(spec.offset_ns + 16.0 * static_cast<double>(j), t0, amp, width));
    const auto peak_out = wl::dsp::max_in(out.data(), 0, out.size());
    const auto peak_truth = wl::dsp::max_in(truth.data(), 0, truth.size());
    EXPECT_NEAR(peak_out.value - 1000.0, peak_truth.value - 1000.0, 0.002 * amp) << width;
    EXPECT_NEAR(tp50_ns(out, 16.0, 1000.0, amp), tp50_ns(truth, 16.0, 1000.0, amp), 1.0) << width;
    EXPECT_NEAR(tp50_ns(out, 16.0, 1000.0, amp) + spec.offset_ns, t0, 2.0) << width;
    double worst = 0.0;
    for (std::size_t j = 0; j < 1400; ++j) worst = std::max(worst, double(std::fabs(out[j] - truth[j])));
    EXPECT_LT(worst, 0.01 * amp) << width;
    EXPECT_NEAR(out[10], 1000.0f, 1e-2f);  // the baseline is kept
  }
}

TEST(Resample, UpsamplingSixteenToTenNsInterpolates) {
  const auto in = sampled(16.0, 1400, 8000.0, 3000.0, 40.0);
  const auto spec = wl::dsp::plan_resample(16.0, 1400, 10.0, 2000, 8000.0, 6000.0);
  std::vector<float> out(2000);
  wl::dsp::resample(in.data(), spec, out.data());
  for (std::size_t j = 0; j < 2000; ++j)
    ASSERT_NEAR(out[j], pulse(spec.offset_ns + 10.0 * static_cast<double>(j), 8000.0, 3000.0, 40.0), 0.005 * 3000.0)
        << j;
}

TEST(Resample, DownsamplingLowPassesWhiteNoise) {
  // Plain decimation would keep the variance; the anti-alias kernel keeps about the share
  // of the spectrum below the new Nyquist frequency (10/40).
  wl::core::Rng rng(4, 0);
  std::vector<float> in(8000);
  for (auto& v : in) v = static_cast<float>(rng.normal());
  const auto spec = wl::dsp::plan_resample(10.0, 8000, 40.0, 1900, 0.0, 0.0);
  std::vector<float> out(1900);
  wl::dsp::resample(in.data(), spec, out.data());
  double s2 = 0.0;
  for (std::size_t j = 20; j < 1880; ++j) s2 += double(out[j]) * out[j];
  const double var = s2 / 1860.0;
  EXPECT_GT(var, 0.15);
  EXPECT_LT(var, 0.35);
}

TEST(Resample, RefusesWhatCannotBeResampled) {
  auto refused = [](double from, std::size_t n_in, double to, std::size_t n_out, double offset) {
    wl::dsp::ResampleSpec s{from, n_in, to, n_out, offset};
    try {
      s.validate();
    } catch (const wl::core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("cannot resample"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      return true;
    }
    return false;
  };
  EXPECT_TRUE(refused(10.0, 3800, 0.0, 1400, 0.0));
  EXPECT_TRUE(refused(10.0, 3800, -16.0, 1400, 0.0));
  EXPECT_TRUE(refused(10.0, 3800, NAN, 1400, 0.0));
  EXPECT_TRUE(refused(0.0, 3800, 16.0, 1400, 0.0));
  EXPECT_TRUE(refused(10.0, 3800, 1000.0, 10, 0.0));     // factor 100
  EXPECT_TRUE(refused(10.0, 3800, 16.0, 3000, 0.0));     // 48 us window from a 38 us record
  EXPECT_TRUE(refused(10.0, 3800, 16.0, 1400, -100.0));  // starts before the record
  EXPECT_TRUE(refused(10.0, 3800, 16.0, 0, 0.0));
  EXPECT_FALSE(refused(10.0, 3800, 16.0, 1400, 15000.0));
  EXPECT_THROW(wl::dsp::plan_resample(10.0, 3800, 16.0, 1400, 10000.0, 20000.0), wl::core::InputError);
  const auto ok = wl::dsp::plan_resample(10.0, 3800, 16.0, 1400, 10000.0, 8000.0);
  EXPECT_NE(ok.describe().find("10 ns x 3800 -> 16 ns x 1400"), std::string::npos) << ok.describe();
}

}  // namespace
