// The per-waveform chain: checks, baseline, tp0, pole-zero, energy, time points, current,
// DCR, LQ, tail and pile-up, in that order, on preallocated scratch.
#include "wavelearn/dsp/chain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

namespace {

constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();

Features empty_row() {
  Features f;
  float* p = &f.baseline_mean_adc;
  // Every float field precedes `quality` (features.hpp): fill them all with NaN.
  const std::size_t n_float = (reinterpret_cast<const char*>(&f.quality) - reinterpret_cast<const char*>(p)) / sizeof(float);
  std::fill(p, p + n_float, kNaNf);
  f.quality = kQualityOk;
  return f;
}

void set_baseline(Features& f, const BaselineStats& b, double dt) {
  f.baseline_mean_adc = static_cast<float>(b.mean);
  f.baseline_std_adc = static_cast<float>(b.std);
  f.baseline_slope_adc_per_ns = static_cast<float>(b.slope_per_sample / dt);
}

// Smallest amplitude that is not float rounding of the pedestal (noise-free inputs have
// sigma 0).
double tiny_for(double pedestal) { return 1e-5 * std::max(1.0, std::fabs(pedestal)); }

std::size_t ceil_index(double t) { return static_cast<std::size_t>(std::ceil(t)); }

}  // namespace

Chain::Chain(const ChainConfig& config, double sample_period_ns, std::size_t max_samples)
    : cfg_(config), s_(to_samples(config, sample_period_ns)) {
  reserve(max_samples);
  // White-noise gain of the current filter: the filter applied to a unit impulse, summed in
  // quadrature (per-sample units, like the current itself).
  const std::size_t len = s_.current_window * static_cast<std::size_t>(cfg_.current_passes + 2) + 1;
  std::vector<float> impulse(2 * len, 0.0f), out(2 * len), tmp(2 * len);
  impulse[len] = 1.0f;
  // The current is a derivative of z; an impulse in z is a unit step's derivative.
  smoothed_current(impulse.data(), 0, impulse.size(), s_.current_window, cfg_.current_passes, out.data(), tmp.data());
  double sum2 = 0;
  for (float v : out) sum2 += static_cast<double>(v) * v;
  current_noise_gain_ = std::sqrt(sum2);
}

void Chain::reserve(std::size_t n) {
  if (y_.size() >= n) return;
  y_.resize(n);
  z_.resize(n);
  cur_.resize(n);
  cur_tmp_.resize(n);
  prefix_.resize(n + 1);
}

double Chain::tail_tau_ns(const float* x, std::size_t n) {
  // The tail measurement needs the baseline and tp99.9 of the same chain; run it without
  // pole-zero correction (the tail fit does not use it).
  return process(x, n, 0.0).tail_tau_ns;
}

Features Chain::process(const float* x, std::size_t n, double tau_ns) {
  Features f = empty_row();
  const ChainSamples& s = s_;
  const double dt = s.dt_ns;
  if (n < s.baseline_start + s.baseline_probe + 2) {
    f.quality |= kTooShort;
    return f;
  }
  reserve(n);

  // 1. Extremes and non-finite samples in one vectorised pass.
  float mx = -std::numeric_limits<float>::infinity();
  float mn = std::numeric_limits<float>::infinity();
  std::size_t bad = 0;
#pragma omp simd reduction(max : mx) reduction(min : mn) reduction(+ : bad)
  for (std::size_t i = 0; i < n; ++i) {
    const float v = x[i];
    bad += !(v - v == 0.0f);
    mx = v > mx ? v : mx;
    mn = v < mn ? v : mn;
  }
  if (bad) {
    f.quality |= kNonFinite;
    return f;
  }

  // 2. Provisional baseline, polarity and flatness.
  const std::size_t b_begin = s.baseline_start;
  const BaselineStats b0 = baseline_stats(x, b_begin, b_begin + s.baseline_probe);
  const double tiny = tiny_for(b0.mean);
  const double amp_pos = mx - b0.mean;
  const double amp_neg = b0.mean - mn;
  const double flat_threshold = cfg_.flat_nsigma * b0.std + tiny;
  if (amp_neg > amp_pos && amp_neg > flat_threshold) {
    f.quality |= kNegative | kNoRise;
    set_baseline(f, b0, dt);
    return f;
  }
  if (amp_pos <= flat_threshold) {
    f.quality |= kFlat | kNoRise;
    set_baseline(f, baseline_stats(x, b_begin, n), dt);
    return f;
  }

  // 3. Saturation: samples at the configured ADC maximum or a plateau at the maximum.
  std::size_t imax = 0;
  while (x[imax] != mx) ++imax;
  std::size_t run = 1;
  while (imax + run < n && x[imax + run] == mx) ++run;
  const bool saturated = (cfg_.adc_max > 0 && mx >= cfg_.adc_max) || run >= s.saturation_plateau;
  if (saturated) f.quality |= kSaturated;

  // 4. tp0: walk back from the provisional 50 % point on the smoothed raw waveform.
  const double half_level = b0.mean + 0.5 * amp_pos;
  std::size_t t50_guess = imax;
  while (t50_guess > b_begin && x[t50_guess - 1] >= half_level) --t50_guess;
  const double tp0_threshold =
      b0.mean + cfg_.tp0_nsigma * b0.std / std::sqrt(static_cast<double>(s.tp0_window)) + tiny;
  const double tp0 = find_tp0(x, t50_guess, b_begin, s.tp0_window, tp0_threshold, s.tp0_walkback);
  if (!std::isfinite(tp0)) {
    f.quality |= kNoRise;
    set_baseline(f, b0, dt);
    return f;
  }
  const std::size_t tp0_i = static_cast<std::size_t>(tp0);
  f.tp0_ns = static_cast<float>(tp0 * dt);

  // 5. Final baseline on the pre-rise samples.
  const std::size_t b_end = tp0_i > s.baseline_margin ? tp0_i - s.baseline_margin : 0;
  if (b_end < b_begin + 4) {
    f.quality |= kTooShort;
    set_baseline(f, b0, dt);
    return f;
  }
  const BaselineStats b = baseline_stats(x, b_begin, b_end);
  set_baseline(f, b, dt);
  // Compare the drift over the window with the noise left around the fitted line (the
  // total std contains the drift itself).
  const double len = static_cast<double>(b_end - b_begin);
  const double drift_adc = std::fabs(b.slope_per_sample) * len;
  const double residual_var = b.std * b.std - b.slope_per_sample * b.slope_per_sample * (len * len - 1.0) / 12.0;
  const double residual_std = std::sqrt(std::max(0.0, residual_var));
  if (drift_adc > cfg_.baseline_unstable_nsigma * residual_std + tiny) f.quality |= kBaselineUnstable;
  if (saturated) return f;  // amplitudes of a clipped pulse would be garbage

  // 6. Baseline subtraction and pole-zero correction (with prefix sums for window sums).
  float* y = y_.data();
  float* z = z_.data();
  double* prefix = prefix_.data();
  subtract_baseline(x, n, b.mean, y);
  const double a1 = decay_per_sample(tau_ns, dt);
  if (cfg_.tau2_ns > 0 && cfg_.tau2_fraction > 0 && a1 < 1.0) {
    pole_zero_double(y, n, a1, decay_per_sample(cfg_.tau2_ns, dt), cfg_.tau2_fraction, z, prefix);
  } else {
    pole_zero(y, n, a1, z, prefix);
  }

  // 7. Energy: trapezoid at tp0 + pickoff and its maximum over the flat top.
  const std::size_t r = s.trap_rise, ft = s.trap_flat;
  const std::size_t trap_first = 2 * r + ft - 1;
  const std::size_t pick = tp0_i + s.trap_pickoff;
  double energy = std::numeric_limits<double>::quiet_NaN();
  if (pick >= trap_first && pick < n) {
    energy = trap_at(prefix, pick, r, ft);
  } else {
    f.quality |= kTooShort;
  }
  f.energy_trap_adc = static_cast<float>(energy);
  const Peak trap_top = trap_max(prefix, n, r, ft, tp0_i + r, tp0_i + r + std::max(ft, s.max_rise) + 1);
  f.energy_trap_max_adc = static_cast<float>(trap_top.value);
  const bool have_energy = energy > 0;

  // 8. Time points: crossings of fractions of the amplitude. The reference is the
  // trapezoid energy (noise-averaged; the maximum sample would sit a few sigma above the flat
  // top and push tp99.9 far out onto it), else the maximum. 50 % walking back from the
  // maximum; lower fractions walking back from there, higher ones walking forward.
  const std::size_t search_end = std::min(n, tp0_i + s.max_rise + 1);
  const Peak top = max_in(z, tp0_i, search_end);
  const double sigma = b.std;
  if (!(top.value > cfg_.flat_nsigma * sigma + tiny)) {
    f.quality |= kFlat;
    return f;
  }
  const double amp = have_energy && energy <= top.value ? energy : top.value;
  const double t50 = crossing_backward(z, top.index, b_begin, 0.5 * amp);
  const std::size_t t50_i = std::isfinite(t50) ? static_cast<std::size_t>(t50) : top.index;
  auto tp = [&](double frac) {
    if (!std::isfinite(t50)) return std::numeric_limits<double>::quiet_NaN();
    return frac < 0.5 ? crossing_backward(z, t50_i + 1, b_begin, frac * amp)
                      : crossing_forward(z, t50_i, search_end, frac * amp);
  };
  const double t01 = tp(0.01), t10 = tp(0.10), t90 = tp(0.90), t999 = tp(0.999);
  f.tp01_ns = static_cast<float>(t01 * dt);
  f.tp10_ns = static_cast<float>(t10 * dt);
  f.tp50_ns = static_cast<float>(t50 * dt);
  f.tp90_ns = static_cast<float>(t90 * dt);
  f.tp999_ns = static_cast<float>(t999 * dt);
  f.drift_time_ns = static_cast<float>((t999 - tp0) * dt);
  f.rise_time_ns = static_cast<float>((t90 - t10) * dt);
  f.rise_asymmetry = static_cast<float>((t90 - t50) / (t50 - t10));

  // 9. Current near the rise only.
  const std::size_t pad = s.current_window * static_cast<std::size_t>(cfg_.current_passes + 1);
  const std::size_t c_lo = tp0_i > pad ? tp0_i - pad : 0;
  const std::size_t c_hi = std::min(n, top.index + pad + 1);
  const std::size_t m = c_hi - c_lo;
  smoothed_current(z, c_lo, c_hi, s.current_window, cfg_.current_passes, cur_.data(), cur_tmp_.data());
  const Peak cpk = max_in(cur_.data(), 0, m);
  const double current_amp = cpk.value / dt;
  f.current_amp_adc_per_ns = static_cast<float>(current_amp);
  if (have_energy) f.avse_raw = static_cast<float>(current_amp / energy);
  f.current_width_ns = static_cast<float>(fwhm(cur_.data(), m, cpk.index) * dt);
  // Peaks must stand out of the current's own noise as well as be a fraction of A.
  const double current_sigma = sigma * current_noise_gain_;
  f.n_current_peaks = static_cast<float>(count_peaks(
      cur_.data(), m, std::max(cfg_.current_peak_fraction * cpk.value, cfg_.current_peak_nsigma * current_sigma),
      std::max(cfg_.current_peak_prominence * cpk.value, cfg_.current_peak_nsigma * current_sigma)));

  // 10. DCR from two windows of the corrected tail.
  if (std::isfinite(t999) && have_energy) {
    const std::size_t w1 = ceil_index(t999) + s.dcr_start;
    const std::size_t w2 = w1 + s.dcr_gap;
    if (w2 + s.dcr_width <= n) {
      const double width = static_cast<double>(s.dcr_width);
      const double m1 = (prefix[w1 + s.dcr_width] - prefix[w1]) / width;
      const double m2 = (prefix[w2 + s.dcr_width] - prefix[w2]) / width;
      const double gap_us = static_cast<double>(s.dcr_gap) * dt / 1000.0;
      f.dcr_raw = static_cast<float>((m2 - m1) / energy / gap_us);
    } else {
      f.quality |= kTooShort;
    }
  }

  // 11. LQ: charge still missing after the lq_fraction point, relative to the final value.
  const double t_lq = tp(cfg_.lq_fraction);
  if (std::isfinite(t_lq) && have_energy) {
    const std::size_t to = static_cast<std::size_t>(t_lq) + s.lq_window + 1;
    if (to + s.lq_ref_width <= n) {
      const double ref = (prefix[to + s.lq_ref_width] - prefix[to]) / static_cast<double>(s.lq_ref_width);
      f.lq_raw = static_cast<float>(area_below(z, t_lq, to, ref) * dt / energy);
    } else {
      f.quality |= kTooShort;
    }
  }

  // 12. Tail decay constant (no pole-zero) from the end of the rise to the end of record.
  const double rise_end = std::isfinite(t999) ? t999 : static_cast<double>(top.index);
  const std::size_t tail_begin = ceil_index(rise_end) + s.tail_start;
  if (tail_begin < n) {
    const double tau_samples = tail_tau_samples(y, tail_begin, n, cfg_.tail_blocks);
    f.tail_tau_ns = static_cast<float>(tau_samples * dt);
  }

  // 13. Pile-up: the corrected record should end at the energy.
  if (have_energy && n > s.tail_end && n - s.tail_end > ceil_index(rise_end)) {
    const double end_mean = (prefix[n] - prefix[n - s.tail_end]) / static_cast<double>(s.tail_end);
    const double diff = end_mean - energy;
    f.baseline_tail_diff_adc = static_cast<float>(diff);
    if (std::fabs(diff) > cfg_.pileup_nsigma * sigma + cfg_.pileup_fraction * energy) f.quality |= kPileup;
  }
  return f;
}

}  // namespace wl::dsp
