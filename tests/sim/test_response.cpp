// The detector-response stage, effect by effect: what goes in (a rise time, a noise
// spectrum, a drift, a decay constant, a trapping rate, a pile-up fraction) is what the
// project's own measurements get out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <string>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/processors.hpp"
#include "wavelearn/sim/fft.hpp"
#include "wavelearn/sim/generator.hpp"
#include "wavelearn/sim/response.hpp"

namespace {

using wl::sim::ResponseParams;

// 10-90 % rise time (ns) of a step from 0 to `amp` starting near sample `from`.
double measured_rise_ns(const std::vector<float>& x, std::size_t from, double amp, double dt_ns) {
  const double t10 = wl::dsp::crossing_forward(x.data(), from, x.size() - 1, 0.1 * amp);
  const double t90 = wl::dsp::crossing_forward(x.data(), from, x.size() - 1, 0.9 * amp);
  return (t90 - t10) * dt_ns;
}

TEST(SimResponse, RiseTimeInIsTheMeasuredTenToNinetyOut) {
  for (double dt : {10.0, 16.0})
    for (int order : {1, 2, 3})
      for (double rise : {80.0, 160.0, 400.0}) {
        std::vector<float> x(2000, 0.0f);
        for (std::size_t i = 500; i < x.size(); ++i) x[i] = 1000.0f;
        wl::sim::apply_low_pass(x.data(), x.size(), dt, wl::sim::pole_tau_for_rise_ns(rise, order), order);
        const double got = measured_rise_ns(x, 400, 1000.0, dt);
        // Linear interpolation between samples: within 2 % (or 0.15 of a sample).
        EXPECT_NEAR(got, rise, std::max(0.02 * rise, 0.15 * dt)) << "dt " << dt << " order " << order;
        std::printf("  rise time: dt %g ns, %d pole(s), %g ns in, %.2f ns measured\n", dt, order, rise, got);
        EXPECT_NEAR(x.back(), 1000.0f, 1e-2f);  // unit gain
      }
  // The filter starts settled: a constant baseline stays exactly constant.
  std::vector<float> flat(300, 812.0f);
  wl::sim::apply_low_pass(flat.data(), flat.size(), 10.0, 30.0, 2);
  for (float v : flat) ASSERT_FLOAT_EQ(v, 812.0f);
}

// Welch estimate (Hann window, 50 % overlap) of the one-sided PSD in ADC^2/MHz at bins
// k = 0..seg/2 of segments of `seg` samples, averaged over all records.
std::vector<double> welch_psd(const std::vector<std::vector<float>>& records, std::size_t seg, double dt_ns) {
  std::vector<double> psd(seg / 2 + 1, 0.0), w(seg);
  double w2 = 0.0;
  for (std::size_t i = 0; i < seg; ++i) {
    w[i] = 0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(seg));
    w2 += w[i] * w[i];
  }
  std::size_t segments = 0;
  std::vector<std::complex<double>> buf(seg);
  for (const auto& x : records)
    for (std::size_t start = 0; start + seg <= x.size(); start += seg / 2, ++segments) {
      for (std::size_t i = 0; i < seg; ++i) buf[i] = {w[i] * x[start + i], 0.0};
      wl::sim::fft_in_place(buf, false);
      for (std::size_t k = 0; k <= seg / 2; ++k) psd[k] += 2.0 * dt_ns * 1e-3 * std::norm(buf[k]) / w2;
    }
  for (auto& p : psd) p /= static_cast<double>(segments);
  return psd;
}

std::vector<std::vector<float>> noise_records(const ResponseParams& r, double dt, std::size_t n, int count) {
  std::vector<std::vector<float>> out;
  std::vector<std::complex<double>> scratch;
  for (int e = 0; e < count; ++e) {
    wl::core::Rng rng(5, static_cast<uint64_t>(e));
    std::vector<float> x(n, 0.0f);
    wl::sim::add_continuum_noise(r, dt, rng, x.data(), n, scratch);
    out.push_back(std::move(x));
  }
  return out;
}

TEST(SimResponse, NoiseSpectrumInIsTheMeasuredPowerSpectrumOut) {
  ResponseParams r;
  r.noise_white_adc = 3.0;
  r.noise_pink_adc_per_rtmhz = 2.0;
  for (auto [dt, n] : {std::pair{10.0, std::size_t{3800}}, {16.0, std::size_t{1400}}}) {
    const std::size_t seg = 256;
    const auto psd = welch_psd(noise_records(r, dt, n, 120), seg, dt);
    const double df_mhz = 1e3 / (dt * static_cast<double>(seg));
    for (std::size_t k : {3, 8, 20, 60, 120}) {
      const double f = static_cast<double>(k) * df_mhz;
      const double expected = wl::sim::noise_psd_adc2_per_mhz(r, dt, f);
      EXPECT_NEAR(psd[k] / expected, 1.0, 0.10) << "dt " << dt << " f " << f << " MHz";
      std::printf("  noise PSD: dt %g ns, %.2f MHz: %.4g ADC^2/MHz expected, %.4g measured (ratio %.3f)\n", dt, f,
                  expected, psd[k], psd[k] / expected);
    }
  }
  // White alone: the rms per sample is noise_white_adc.
  ResponseParams white;
  white.noise_white_adc = 5.0;
  double s2 = 0.0;
  std::size_t count = 0;
  for (const auto& x : noise_records(white, 10.0, 3800, 20))
    for (float v : x) s2 += double(v) * v, ++count;
  EXPECT_NEAR(std::sqrt(s2 / static_cast<double>(count)), 5.0, 0.1);
}

TEST(SimResponse, NoiseLinesHaveTheirFrequencyAndAmplitude) {
  const std::vector<wl::sim::NoiseLine> lines = {{0.6, 4.0}, {3.2, 2.0}};
  const double dt = 10.0;
  const std::size_t n = 5000;  // 50 us: whole periods of both lines
  wl::core::Rng rng(3, 0);
  std::vector<float> x(n, 0.0f);
  wl::sim::add_noise_lines(lines, dt, rng, x.data(), n);
  for (const auto& line : lines) {
    double c = 0.0, s = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      const double ph = 2.0 * M_PI * line.frequency_mhz * static_cast<double>(j) * dt * 1e-3;
      c += x[j] * std::cos(ph);
      s += x[j] * std::sin(ph);
    }
    EXPECT_NEAR(2.0 * std::hypot(c, s) / static_cast<double>(n), line.amplitude_adc, 0.02);
  }
}

TEST(SimResponse, BaselineDriftSlopeIsMeasuredBack) {
  ResponseParams r;
  r.drift_adc_per_us = 0.5;
  r.drift_sigma_adc_per_us = 0.2;
  const double dt = 16.0;
  double sum = 0.0, sum2 = 0.0;
  const int events = 2000;
  for (int e = 0; e < events; ++e) {
    wl::core::Rng rng(9, static_cast<uint64_t>(e));
    std::vector<float> x(1400, 1000.0f);
    wl::sim::apply_response_stage(r, dt, rng, x.data(), x.size());
    const auto stats = wl::dsp::baseline_stats(x.data(), 0, 600);
    const double slope = stats.slope_per_sample * 1e3 / dt;
    sum += slope;
    sum2 += slope * slope;
  }
  const double mean = sum / events, sd = std::sqrt(sum2 / events - mean * mean);
  std::printf("  drift: slope 0.5 +- 0.2 ADC/us in, %.4f +- %.4f measured\n", mean, sd);
  EXPECT_NEAR(mean, 0.5, 0.02);
  EXPECT_NEAR(sd, 0.2, 0.015);
}

wl::sim::SimParams quiet_params() {
  wl::sim::SimParams p;
  p.n_detectors = 3;
  return p;
}

TEST(SimResponse, DecayConstantPerDetectorIsRecoveredFromTheTails) {
  wl::sim::SimParams p = quiet_params();
  p.response.decay_tau_min_ns = p.response.decay_tau_max_ns = 30000.0;
  const wl::sim::Generator gen(p, 11, 400);
  for (const auto& d : gen.detectors()) EXPECT_DOUBLE_EQ(d.decay_tau_ns, 30000.0);
  std::vector<float> x(3800);
  std::vector<double> taus;
  wl::sim::EventTruth t;
  for (std::size_t i = 0; i < 400; ++i) {
    gen.generate_event(i, x.data(), t);
    if (t.energy_kev < 1000 || t.pileup || t.event_class != wl::sim::EventClass::kBulkSingleSite) continue;
    const double base = wl::dsp::baseline_stats(x.data(), 0, 900).mean;
    wl::dsp::subtract_baseline(x.data(), x.size(), base, x.data());
    taus.push_back(wl::dsp::tail_tau_samples(x.data(), static_cast<std::size_t>(t.tp0) + 400, x.size(), 8) * 10.0);
  }
  ASSERT_GT(taus.size(), 20u);
  const double tau_ns = wl::dsp::median_inplace(taus.data(), taus.size());
  std::printf("  decay: 30000 ns in, %.0f ns measured (median of %zu tail fits)\n", tau_ns, taus.size());
  EXPECT_NEAR(tau_ns, 30000.0, 900.0);
  // The data-like preset draws each detector's constant in its own range.
  wl::sim::SimParams dl = quiet_params();
  dl.response = wl::sim::response_preset("data-like");
  const wl::sim::Generator gdl(dl, 11, 10);
  for (const auto& d : gdl.detectors()) {
    EXPECT_GE(d.decay_tau_ns, 30000.0);
    EXPECT_LE(d.decay_tau_ns, 45000.0);
  }
}

TEST(SimResponse, TrappingLowersTheChargeInProportionToDriftTime) {
  wl::sim::SimParams nominal = quiet_params(), trapped = quiet_params();
  trapped.response.trapping_per_us = 0.01;
  const wl::sim::Generator g0(nominal, 21, 300), g1(trapped, 21, 300);
  std::vector<float> x0(3800), x1(3800);
  wl::sim::EventTruth t0, t1;
  int checked = 0;
  for (std::size_t i = 0; i < 300; ++i) {
    g0.generate_event(i, x0.data(), t0);
    g1.generate_event(i, x1.data(), t1);
    if (t0.n_sites != 1 || t0.energy_kev < 500 || t0.pileup || t0.delayed_fraction > 0) continue;
    const double expected_loss = 0.01 * t0.drift_time_ns * 1e-3;
    EXPECT_NEAR(t1.visible_energy_kev / t0.visible_energy_kev, 1.0 - expected_loss, 1e-5);
    // On the waveform (same event, same noise): the pulse lost that fraction.
    const double base = wl::dsp::baseline_stats(x0.data(), 0, 900).mean;
    const std::size_t at = static_cast<std::size_t>(t0.tp0) + 250;
    const double loss = (x0[at] - x1[at]) / (x0[at] - base);
    EXPECT_NEAR(loss, expected_loss, 0.03 * expected_loss + 2e-4) << "event " << i;
    ++checked;
  }
  EXPECT_GT(checked, 20);
  std::printf("  trapping: %d single-site events checked against 1 - 0.01 * drift_us\n", checked);
}

TEST(SimResponse, PileupFractionIsTheRequestedOne) {
  wl::sim::SimParams p = quiet_params();
  p.response.pileup_fraction = 0.1;
  const std::size_t n = 3000;
  const wl::sim::Generator gen(p, 31, n);
  std::vector<float> x(3800);
  wl::sim::EventTruth t;
  std::size_t piled = 0;
  for (std::size_t i = 0; i < n; ++i) {
    gen.generate_event(i, x.data(), t);
    piled += t.pileup ? 1 : 0;
  }
  // 3 sigma of a binomial at 0.1 over 3000 events is 0.016.
  std::printf("  pile-up: 0.1 in, %.4f measured over %zu events\n", static_cast<double>(piled) / n, n);
  EXPECT_NEAR(static_cast<double>(piled) / n, 0.1, 0.016);
}

TEST(SimResponse, NominalIsTheSimulatorWithoutTheStage) {
  wl::sim::SimParams p = quiet_params();
  wl::sim::SimParams q = quiet_params();
  q.response = wl::sim::response_preset("nominal");
  EXPECT_FALSE(q.response.has_waveform_stage());
  const wl::sim::Generator a(p, 41, 20), b(q, 41, 20);
  std::vector<float> xa(3800), xb(3800);
  wl::sim::EventTruth ta, tb;
  for (std::size_t i = 0; i < 20; ++i) {
    a.generate_event(i, xa.data(), ta);
    b.generate_event(i, xb.data(), tb);
    ASSERT_EQ(xa, xb);
  }
  // data-like changes the waveforms and keeps the truth of the deposit.
  q.response = wl::sim::response_preset("data-like");
  const wl::sim::Generator c(q, 41, 20);
  c.generate_event(3, xb.data(), tb);
  a.generate_event(3, xa.data(), ta);
  EXPECT_NE(xa, xb);
  EXPECT_EQ(ta.energy_kev, tb.energy_kev);
  EXPECT_EQ(ta.tp0, tb.tp0);
}

TEST(SimResponse, KeysAndValuesAreChecked) {
  ResponseParams r = wl::sim::response_preset("data-like");
  wl::sim::set_response_key(r, "rise_time_ns", "150");
  EXPECT_DOUBLE_EQ(r.rise_time_ns, 150.0);
  wl::sim::set_response_key(r, "noise_lines", "1.5:3,7:0.5");
  ASSERT_EQ(r.noise_lines.size(), 2u);
  EXPECT_DOUBLE_EQ(r.noise_lines[1].frequency_mhz, 7.0);
  try {
    wl::sim::set_response_key(r, "rise_tiem_ns", "1");
    FAIL() << "unknown key accepted";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("response.rise_tiem_ns"), std::string::npos) << e.what();
  }
  EXPECT_THROW(wl::sim::set_response_key(r, "rise_order", "1.5"), wl::core::InputError);
  EXPECT_THROW(wl::sim::set_response_key(r, "noise_white_adc", "loud"), wl::core::InputError);
  EXPECT_THROW(wl::sim::set_response_key(r, "noise_lines", "3"), wl::core::InputError);
  EXPECT_THROW(wl::sim::response_preset("legend"), wl::core::InputError);
  r.noise_lines = {{40.0, 1.0}};  // above 31.25 MHz, the Nyquist frequency at 16 ns
  EXPECT_NO_THROW(r.validate(10.0));
  EXPECT_THROW(r.validate(16.0), wl::core::InputError);
  r.noise_lines.clear();
  r.decay_tau_min_ns = 50000;
  r.decay_tau_max_ns = 40000;
  EXPECT_THROW(r.validate(10.0), wl::core::InputError);
}

}  // namespace
