// The whole chain on analytic pulses with known answers, odd waveforms and threading.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "pulses.hpp"
#include "wavelearn/dsp/chain.hpp"

using namespace wl::dsp;
using wl::test::make_pulse;
using wl::test::PulseSpec;

namespace {

Features run(const PulseSpec& p, const ChainConfig& cfg = {}) {
  const auto x = make_pulse(p);
  Chain chain(cfg, p.dt_ns, x.size());
  return chain.process(x.data(), x.size(), p.tau_ns);
}

}  // namespace

TEST(Chain, StepWithDecayGivesAmplitudeTauAndFlatTail) {
  PulseSpec p;
  p.drift_ns = 100;
  p.tau_ns = 62000;
  const Features f = run(p);
  EXPECT_EQ(f.quality, kQualityOk);
  EXPECT_NEAR(f.energy_trap_adc, p.amplitude_adc, 1e-3 * p.amplitude_adc);
  EXPECT_NEAR(f.energy_trap_max_adc, p.amplitude_adc, 1e-3 * p.amplitude_adc);
  EXPECT_NEAR(f.tail_tau_ns, p.tau_ns, 1e-3 * p.tau_ns);
  EXPECT_NEAR(f.dcr_raw, 0.0, 1e-6);                 // pole-zero-corrected tail is flat
  EXPECT_NEAR(f.baseline_tail_diff_adc, 0.0, 1e-2);
  EXPECT_NEAR(f.baseline_mean_adc, p.pedestal_adc, 1e-3);
  EXPECT_NEAR(f.tp0_ns, p.t0_ns, 1e-3);
}

TEST(Chain, RampCrossingTimesAreExact) {
  PulseSpec p;
  p.drift_ns = 1000;
  const Features f = run(p);
  EXPECT_EQ(f.quality, kQualityOk);
  EXPECT_NEAR(f.tp0_ns, p.t0_ns, 1e-3);
  EXPECT_NEAR(f.tp01_ns, p.t0_ns + 0.01 * p.drift_ns, 0.05);
  EXPECT_NEAR(f.tp10_ns, p.t0_ns + 0.10 * p.drift_ns, 0.05);
  EXPECT_NEAR(f.tp50_ns, p.t0_ns + 0.50 * p.drift_ns, 0.05);
  EXPECT_NEAR(f.tp90_ns, p.t0_ns + 0.90 * p.drift_ns, 0.05);
  EXPECT_NEAR(f.tp999_ns, p.t0_ns + 0.999 * p.drift_ns, 0.05);
  EXPECT_NEAR(f.drift_time_ns, 0.999 * p.drift_ns, 0.05);
  EXPECT_NEAR(f.rise_time_ns, 0.8 * p.drift_ns, 0.05);
  EXPECT_NEAR(f.rise_asymmetry, 1.0, 1e-3);
  // Current of a linear ramp: its slope (ADC/ns); width about the drift time.
  EXPECT_NEAR(f.current_amp_adc_per_ns, p.amplitude_adc / p.drift_ns, 1e-3);
  EXPECT_NEAR(f.current_width_ns, p.drift_ns, 60);
  EXPECT_EQ(f.n_current_peaks, 1.0f);
  EXPECT_NEAR(f.avse_raw, 1.0 / p.drift_ns, 1e-5);
}

TEST(Chain, DriftTimeFollowsTheRise) {
  PulseSpec fast, slow;
  fast.drift_ns = 300;
  slow.drift_ns = 1500;
  const Features a = run(fast), b = run(slow);
  EXPECT_NEAR(a.drift_time_ns, 0.999 * 300, 0.1);
  EXPECT_NEAR(b.drift_time_ns, 0.999 * 1500, 0.1);
  EXPECT_GT(a.avse_raw, 4.0f * b.avse_raw);  // same energy, steeper current
}

TEST(Chain, DcrMeasuresDelayedCharge) {
  PulseSpec clean, alpha;
  alpha.dcr_per_us = 0.002;  // 0.2 % of the amplitude per us after the rise
  const Features c = run(clean), a = run(alpha);
  EXPECT_NEAR(c.dcr_raw, 0.0, 1e-6);
  EXPECT_GT(a.dcr_raw, 0.0f);
  // dcr_raw is (slope / energy) per us; the energy itself grows a little over the pickoff.
  EXPECT_NEAR(a.dcr_raw, alpha.dcr_per_us, 0.05 * alpha.dcr_per_us);
  // The same in 16 ns sampling.
  alpha.dt_ns = 16;
  EXPECT_NEAR(run(alpha).dcr_raw, a.dcr_raw, 0.02 * a.dcr_raw);
}

TEST(Chain, LqMeasuresASlowFinalRise) {
  PulseSpec plain, late;
  plain.drift_ns = 500;
  late.drift_ns = 500;
  late.slow_fraction = 0.1;
  late.slow_ns = 500;
  const Features a = run(plain), b = run(late);
  // Analytic areas of (final - q)/A from the 80 % point: triangles on the linear pieces.
  EXPECT_NEAR(a.lq_raw, 0.5 * 0.2 * 0.2 * 500, 0.5);
  const double fast_part = 0.5 * (0.2 + 0.1) * (500.0 / 9.0);  // 80 % -> 90 % on the fast ramp
  const double slow_part = 0.5 * 0.1 * 500.0;
  EXPECT_NEAR(b.lq_raw, fast_part + slow_part, 1.0);
  EXPECT_GT(b.lq_raw, 2.0f * a.lq_raw);
}

TEST(Chain, SamplingPeriodIndependence) {
  PulseSpec p10, p16;
  p10.drift_ns = 800;
  p16 = p10;
  p16.dt_ns = 16;
  const Features a = run(p10), b = run(p16);
  EXPECT_EQ(a.quality, kQualityOk);
  EXPECT_EQ(b.quality, kQualityOk);
  EXPECT_NEAR(a.tp0_ns, b.tp0_ns, 1e-3);
  EXPECT_NEAR(a.tp10_ns, b.tp10_ns, 0.05);
  EXPECT_NEAR(a.tp50_ns, b.tp50_ns, 0.05);
  EXPECT_NEAR(a.tp90_ns, b.tp90_ns, 0.05);
  EXPECT_NEAR(a.drift_time_ns, b.drift_time_ns, 0.05);
  EXPECT_NEAR(a.energy_trap_adc, b.energy_trap_adc, 2e-3 * a.energy_trap_adc);
  EXPECT_NEAR(a.current_amp_adc_per_ns, b.current_amp_adc_per_ns, 1e-3 * a.current_amp_adc_per_ns);
  EXPECT_NEAR(a.current_width_ns, b.current_width_ns, 40);
  EXPECT_NEAR(a.lq_raw, b.lq_raw, 1.0);
  EXPECT_NEAR(a.tail_tau_ns, b.tail_tau_ns, 0.01 * a.tail_tau_ns);
}

TEST(Chain, NoisyPulsesStayAccurate) {
  ChainConfig cfg;
  double sum = 0, sum2 = 0;
  const int n = 40;
  for (int k = 0; k < n; ++k) {
    PulseSpec p;
    p.noise_adc = 3;
    p.seed = 100 + k;
    const Features f = run(p, cfg);
    EXPECT_EQ(f.quality & ~kBaselineUnstable, kQualityOk) << k;
    EXPECT_NEAR(f.tp0_ns, p.t0_ns, 60) << k;
    EXPECT_NEAR(f.tp50_ns, p.t0_ns + 400, 30) << k;
    EXPECT_NEAR(f.baseline_std_adc, 3.0, 0.5) << k;
    sum += f.energy_trap_adc;
    sum2 += f.energy_trap_adc * f.energy_trap_adc;
  }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 1000.0, 1.0);
  EXPECT_LT(sd, 1.5);  // trapezoid averages the noise down
}

TEST(Chain, TauEstimateFromASampleIsRobust) {
  PulseSpec p;
  p.tau_ns = 71000;
  p.noise_adc = 2;
  const std::size_t n_wf = 30;
  std::vector<float> block;
  std::size_t n = 0;
  for (std::size_t k = 0; k < n_wf; ++k) {
    p.seed = 7 + static_cast<uint32_t>(k);
    p.amplitude_adc = 300 + 50.0 * static_cast<double>(k);
    const auto x = make_pulse(p);
    n = x.size();
    block.insert(block.end(), x.begin(), x.end());
  }
  // A few junk records must not move the median.
  std::vector<float> flat(n, 1000.0f);
  for (int k = 0; k < 3; ++k) block.insert(block.end(), flat.begin(), flat.end());
  const double tau = estimate_tau_ns({}, p.dt_ns, block.data(), n_wf + 3, n, 2);
  EXPECT_NEAR(tau, p.tau_ns, 0.03 * p.tau_ns);
}

TEST(Chain, OddWaveformsGiveFlagsAndNaN) {
  ChainConfig cfg;
  PulseSpec p;
  const auto good = make_pulse(p);
  const std::size_t n = good.size();
  Chain chain(cfg, p.dt_ns, n);

  std::vector<float> flat(n, 812.0f);
  Features f = chain.process(flat.data(), n, p.tau_ns);
  EXPECT_TRUE(f.quality & kFlat);
  EXPECT_TRUE(std::isnan(f.energy_trap_adc));
  EXPECT_TRUE(std::isnan(f.tp0_ns));
  EXPECT_FLOAT_EQ(f.baseline_mean_adc, 812.0f);

  std::vector<float> sat = good;
  for (auto& v : sat) v = std::min(v, 1700.0f);
  f = chain.process(sat.data(), n, p.tau_ns);
  EXPECT_TRUE(f.quality & kSaturated);
  EXPECT_TRUE(std::isnan(f.energy_trap_adc));
  EXPECT_TRUE(std::isnan(f.avse_raw));
  EXPECT_NEAR(f.tp0_ns, p.t0_ns, 1e-3);  // the start of the rise is still meaningful

  ChainConfig with_max = cfg;
  with_max.adc_max = 1900;
  Chain chain_max(with_max, p.dt_ns, n);
  EXPECT_TRUE(chain_max.process(good.data(), n, p.tau_ns).quality & kSaturated);

  std::vector<float> neg = good;
  for (auto& v : neg) v = 2.0f * 1000.0f - v;
  f = chain.process(neg.data(), n, p.tau_ns);
  EXPECT_TRUE(f.quality & kNegative);
  EXPECT_TRUE(std::isnan(f.energy_trap_adc));

  for (float bad : {std::nanf(""), INFINITY, -INFINITY}) {
    std::vector<float> nf = good;
    nf[n / 2] = bad;
    f = chain.process(nf.data(), n, p.tau_ns);
    EXPECT_EQ(f.quality, kNonFinite);
    EXPECT_TRUE(std::isnan(f.baseline_mean_adc));
    EXPECT_TRUE(std::isnan(f.energy_trap_adc));
  }

  f = chain.process(good.data(), 20, p.tau_ns);
  EXPECT_TRUE(f.quality & kTooShort);
  EXPECT_TRUE(std::isnan(f.baseline_mean_adc));
  f = chain.process(good.data(), 0, p.tau_ns);
  EXPECT_TRUE(f.quality & kTooShort);

  // Long enough for the energy, too short for the DCR windows.
  PulseSpec shortp;
  shortp.length_ns = 17000;
  const auto sx = make_pulse(shortp);
  f = chain.process(sx.data(), sx.size(), shortp.tau_ns);
  EXPECT_TRUE(f.quality & kTooShort);
  EXPECT_NEAR(f.energy_trap_adc, shortp.amplitude_adc, 1.0);
  EXPECT_TRUE(std::isnan(f.dcr_raw));

  // Rise at the very start: no baseline before it.
  PulseSpec early;
  early.t0_ns = 30;
  const auto ex = make_pulse(early);
  f = chain.process(ex.data(), ex.size(), early.tau_ns);
  EXPECT_NE(f.quality, kQualityOk);
  EXPECT_TRUE(std::isnan(f.energy_trap_adc));

  // A second pulse on the tail is pile-up.
  PulseSpec second = p;
  second.t0_ns = 25000;
  second.amplitude_adc = 400;
  auto pile = good;
  const auto sp = make_pulse(second);
  for (std::size_t i = 0; i < n; ++i) pile[i] += sp[i] - static_cast<float>(second.pedestal_adc);
  f = chain.process(pile.data(), n, p.tau_ns);
  EXPECT_TRUE(f.quality & kPileup);
  EXPECT_NEAR(f.baseline_tail_diff_adc, 400.0, 5.0);

  // A drifting baseline is flagged.
  auto drift = good;
  for (std::size_t i = 0; i < n; ++i) drift[i] += 0.02f * static_cast<float>(i);
  EXPECT_TRUE(chain.process(drift.data(), n, p.tau_ns).quality & kBaselineUnstable);
}

TEST(Chain, ResultsDoNotDependOnThreadCount) {
  const std::size_t n_wf = 64;
  std::vector<float> block;
  std::vector<double> taus;
  std::size_t n = 0;
  for (std::size_t k = 0; k < n_wf; ++k) {
    PulseSpec p;
    p.seed = 1000 + static_cast<uint32_t>(k);
    p.noise_adc = 2.5;
    p.drift_ns = 200 + 20.0 * static_cast<double>(k);
    p.amplitude_adc = 100 + 37.0 * static_cast<double>(k);
    const auto x = make_pulse(p);
    n = x.size();
    block.insert(block.end(), x.begin(), x.end());
    taus.push_back(p.tau_ns);
  }
  std::vector<Features> one(n_wf), three(n_wf);
  process_block({}, 10.0, block.data(), n_wf, n, taus.data(), one.data(), 1);
  process_block({}, 10.0, block.data(), n_wf, n, taus.data(), three.data(), 3);
  for (std::size_t k = 0; k < n_wf; ++k)
    ASSERT_EQ(std::memcmp(&one[k], &three[k], sizeof(Features)), 0) << k;
  EXPECT_EQ(one[5].quality & kNonFinite, 0u);
  EXPECT_TRUE(std::isfinite(one[5].energy_trap_adc));
}

TEST(Features, NamesMatchValues) {
  const auto& names = feature_names();
  ASSERT_EQ(names.size(), 23u);
  EXPECT_EQ(names.front(), "baseline_mean_adc");
  EXPECT_EQ(names.back(), "quality");
  Features f{};
  f.tp0_ns = 123.0f;
  f.quality = kSaturated | kPileup;
  EXPECT_DOUBLE_EQ(feature_value(f, 7), 123.0);
  EXPECT_EQ(names[7], "tp0_ns");
  EXPECT_DOUBLE_EQ(feature_value(f, 22), static_cast<double>(kSaturated | kPileup));
  EXPECT_THROW(feature_value(f, 23), std::out_of_range);
}

TEST(Chain, MultiSiteCurrentHasTwoPeaksAndLowerAvsE) {
  PulseSpec single, first, second;
  single.drift_ns = first.drift_ns = second.drift_ns = 200;
  single.noise_adc = first.noise_adc = 2;
  first.amplitude_adc = second.amplitude_adc = 500;
  second.t0_ns = first.t0_ns + 600;
  auto ms = make_pulse(first);
  const auto b = make_pulse(second);
  for (std::size_t i = 0; i < ms.size(); ++i) ms[i] += b[i] - static_cast<float>(second.pedestal_adc);
  const auto ss = make_pulse(single);
  Chain chain({}, single.dt_ns, ss.size());
  const Features fs = chain.process(ss.data(), ss.size(), single.tau_ns);
  const Features fm = chain.process(ms.data(), ms.size(), single.tau_ns);
  EXPECT_EQ(fs.n_current_peaks, 1.0f);
  EXPECT_EQ(fm.n_current_peaks, 2.0f);
  EXPECT_NEAR(fm.energy_trap_adc, fs.energy_trap_adc, 5.0);
  EXPECT_NEAR(fm.avse_raw, 0.5f * fs.avse_raw, 0.05 * fs.avse_raw);  // half the charge per step
  EXPECT_GT(fm.drift_time_ns, fs.drift_time_ns + 500);
}
