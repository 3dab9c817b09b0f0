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

// Steps of Chain::process, in order. Each takes what it needs, writes its columns of the
// row (and quality flags), and allocates nothing: the chain is the hot loop of `wavelearn
// dsp`. Times are in samples (index units) until they are written to the row in ns.

void set_baseline(Features& f, const BaselineStats& b, double dt) {
  f.baseline_mean_adc = static_cast<float>(b.mean);
  f.baseline_std_adc = static_cast<float>(b.std);
  f.baseline_slope_adc_per_ns = static_cast<float>(b.slope_per_sample / dt);
}

// Smallest amplitude that is not float rounding of the pedestal (noise-free inputs have
// sigma 0).
double tiny_for(double pedestal) { return 1e-5 * std::max(1.0, std::fabs(pedestal)); }

std::size_t ceil_index(double t) { return static_cast<std::size_t>(std::ceil(t)); }

// 1. Extremes and non-finite samples in one vectorised pass: the only pass over the whole
// raw record before the rise is found, so every later step may assume finite samples.
struct SampleRange {
  float max_adc, min_adc;
  std::size_t n_nonfinite;
};
inline SampleRange sample_range(const float* x, std::size_t n) {
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
  return {mx, mn, bad};
}

// 2. Provisional baseline on the probe window and the pulse's excursions above and below it:
// enough to reject negative and flat records before any real work.
struct FirstLook {
  BaselineStats baseline;     // provisional, [baseline_start, + baseline_probe)
  double tiny_adc;            // float rounding of the pedestal
  double amp_pos_adc, amp_neg_adc;
  double flat_threshold_adc;  // smallest excursion that is a pulse, not noise
};
FirstLook first_look(const float* x, const SampleRange& r, const ChainSamples& s, double flat_nsigma) {
  FirstLook l;
  const std::size_t b_begin = s.baseline_start;
  l.baseline = baseline_stats(x, b_begin, b_begin + s.baseline_probe);
  l.tiny_adc = tiny_for(l.baseline.mean);
  l.amp_pos_adc = r.max_adc - l.baseline.mean;
  l.amp_neg_adc = l.baseline.mean - r.min_adc;
  l.flat_threshold_adc = flat_nsigma * l.baseline.std + l.tiny_adc;
  return l;
}

// Negative and flat records end here with their flags; the baseline is still reported
// (of the whole record when flat: there is no rise to stop before).
bool reject_negative_or_flat(const float* x, std::size_t n, const FirstLook& l, const ChainSamples& s, Features& f) {
  if (l.amp_neg_adc > l.amp_pos_adc && l.amp_neg_adc > l.flat_threshold_adc) {
    f.quality |= kNegative | kNoRise;
    set_baseline(f, l.baseline, s.dt_ns);
    return true;
  }
  if (l.amp_pos_adc <= l.flat_threshold_adc) {
    f.quality |= kFlat | kNoRise;
    set_baseline(f, baseline_stats(x, s.baseline_start, n), s.dt_ns);
    return true;
  }
  return false;
}

// 3. First index of the maximum, and saturation: a sample at the configured ADC maximum
// (adc_max > 0) or a plateau of at least `plateau` samples at the maximum.
struct Maximum {
  std::size_t index;
  bool saturated;
};
Maximum find_maximum(const float* x, std::size_t n, float mx, double adc_max, std::size_t plateau) {
  std::size_t imax = 0;
  while (x[imax] != mx) ++imax;
  std::size_t run = 1;
  while (imax + run < n && x[imax + run] == mx) ++run;
  return {imax, (adc_max > 0 && mx >= adc_max) || run >= plateau};
}

// 4. tp0 (fractional sample, NaN if not found): walk back from the provisional 50 % point on
// the smoothed raw waveform to a crossing a few (smoothed) baseline sigma above the pedestal.
double rise_start(const float* x, std::size_t imax, const FirstLook& l, const ChainSamples& s, double tp0_nsigma) {
  const std::size_t b_begin = s.baseline_start;
  const double half_level = l.baseline.mean + 0.5 * l.amp_pos_adc;
  std::size_t t50_guess = imax;
  while (t50_guess > b_begin && x[t50_guess - 1] >= half_level) --t50_guess;
  const double tp0_threshold =
      l.baseline.mean + tp0_nsigma * l.baseline.std / std::sqrt(static_cast<double>(s.tp0_window)) + l.tiny_adc;
  return find_tp0(x, t50_guess, b_begin, s.tp0_window, tp0_threshold, s.tp0_walkback);
}

// 5. Unstable baseline: the drift over the window compared with the noise left around the
// fitted line (the total std contains the drift itself).
bool baseline_unstable(const BaselineStats& b, std::size_t len_samples, double nsigma, double tiny_adc) {
  const double len = static_cast<double>(len_samples);
  const double drift_adc = std::fabs(b.slope_per_sample) * len;
  const double residual_var = b.std * b.std - b.slope_per_sample * b.slope_per_sample * (len * len - 1.0) / 12.0;
  const double residual_std = std::sqrt(std::max(0.0, residual_var));
  return drift_adc > nsigma * residual_std + tiny_adc;
}

// What steps 1-5 establish about a record that has a rise.
struct PulseStart {
  BaselineStats baseline;  // final, on the pre-rise samples
  double tiny_adc;
  double tp0;              // fractional sample
  std::size_t tp0_i;
  bool saturated;
};

// Steps 1-5: checks, baseline and tp0. False when the row is already final (flags set).
bool find_pulse_start(const float* x, std::size_t n, const ChainConfig& cfg, const ChainSamples& s, Features& f,
                      PulseStart& p) {
  const SampleRange range = sample_range(x, n);
  if (range.n_nonfinite) {
    f.quality |= kNonFinite;
    return false;
  }
  const FirstLook look = first_look(x, range, s, cfg.flat_nsigma);
  if (reject_negative_or_flat(x, n, look, s, f)) return false;
  const Maximum top = find_maximum(x, n, range.max_adc, cfg.adc_max, s.saturation_plateau);
  if (top.saturated) f.quality |= kSaturated;
  const double tp0 = rise_start(x, top.index, look, s, cfg.tp0_nsigma);
  if (!std::isfinite(tp0)) {
    f.quality |= kNoRise;
    set_baseline(f, look.baseline, s.dt_ns);
    return false;
  }
  p.tp0 = tp0;
  p.tp0_i = static_cast<std::size_t>(tp0);
  f.tp0_ns = static_cast<float>(tp0 * s.dt_ns);
  // Final baseline on the pre-rise samples, a margin before tp0.
  const std::size_t b_begin = s.baseline_start;
  const std::size_t b_end = p.tp0_i > s.baseline_margin ? p.tp0_i - s.baseline_margin : 0;
  if (b_end < b_begin + 4) {
    f.quality |= kTooShort;
    set_baseline(f, look.baseline, s.dt_ns);
    return false;
  }
  p.baseline = baseline_stats(x, b_begin, b_end);
  set_baseline(f, p.baseline, s.dt_ns);
  p.tiny_adc = look.tiny_adc;
  if (baseline_unstable(p.baseline, b_end - b_begin, cfg.baseline_unstable_nsigma, p.tiny_adc))
    f.quality |= kBaselineUnstable;
  p.saturated = top.saturated;
  return true;
}

// 6. Baseline subtraction (y) and pole-zero correction (z, with prefix sums of z so every
// window sum later is O(1)); a second time constant when configured.
void correct_pole_zero(const float* x, std::size_t n, double pedestal_adc, double tau_ns, const ChainConfig& cfg,
                       double dt, float* y, float* z, double* prefix) {
  subtract_baseline(x, n, pedestal_adc, y);
  const double a1 = decay_per_sample(tau_ns, dt);
  if (cfg.tau2_ns > 0 && cfg.tau2_fraction > 0 && a1 < 1.0) {
    pole_zero_double(y, n, a1, decay_per_sample(cfg.tau2_ns, dt), cfg.tau2_fraction, z, prefix);
  } else {
    pole_zero(y, n, a1, z, prefix);
  }
}

// 7. Energy (adc; NaN with kTooShort when the pickoff window does not fit): the trapezoid at
// tp0 + pickoff, and its maximum over the flat top.
double measure_energy(const double* prefix, std::size_t n, std::size_t tp0_i, const ChainSamples& s, Features& f) {
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
  return energy;
}

// Threshold crossings of the corrected rise at fractions of its amplitude (fractional
// samples, NaN when not found): below 50 % walking back from the 50 % point, from 50 %
// walking forward to the end of the rise search.
struct RiseCrossings {
  const float* z;
  std::size_t b_begin, search_end;
  double amp_adc;  // the 100 % reference
  double t50;
  std::size_t t50_i;
  double at(double frac) const {
    if (!std::isfinite(t50)) return std::numeric_limits<double>::quiet_NaN();
    return frac < 0.5 ? crossing_backward(z, t50_i + 1, b_begin, frac * amp_adc)
                      : crossing_forward(z, t50_i, search_end, frac * amp_adc);
  }
};

// The amplitude reference is the trapezoid energy (noise-averaged; the maximum sample would
// sit a few sigma above the flat top and push tp99.9 far out onto it), else the maximum of z
// within max_rise of tp0. The 50 % point walks back from that maximum.
RiseCrossings rise_crossings(const float* z, std::size_t search_end, const Peak& top, double energy,
                             const ChainSamples& s) {
  RiseCrossings c;
  c.z = z;
  c.b_begin = s.baseline_start;
  c.search_end = search_end;
  const bool have_energy = energy > 0;
  c.amp_adc = have_energy && energy <= top.value ? energy : top.value;
  c.t50 = crossing_backward(z, top.index, c.b_begin, 0.5 * c.amp_adc);
  c.t50_i = std::isfinite(c.t50) ? static_cast<std::size_t>(c.t50) : top.index;
  return c;
}

// 8. Time points (ns), drift and rise time, rise asymmetry. Returns tp99.9 (samples).
double measure_time_points(const RiseCrossings& c, double tp0, double dt, Features& f) {
  const double t50 = c.t50;
  const double t01 = c.at(0.01), t10 = c.at(0.10), t90 = c.at(0.90), t999 = c.at(0.999);
  f.tp01_ns = static_cast<float>(t01 * dt);
  f.tp10_ns = static_cast<float>(t10 * dt);
  f.tp50_ns = static_cast<float>(t50 * dt);
  f.tp90_ns = static_cast<float>(t90 * dt);
  f.tp999_ns = static_cast<float>(t999 * dt);
  f.drift_time_ns = static_cast<float>((t999 - tp0) * dt);
  f.rise_time_ns = static_cast<float>((t90 - t10) * dt);
  f.rise_asymmetry = static_cast<float>((t90 - t50) / (t50 - t10));
  return t999;
}

// 9. Current (A, A/E, width, peak count) near the rise only: from a filter length before tp0
// to a filter length after the maximum. Peaks must stand out of the current's own noise
// (baseline sigma times the filter's noise gain) as well as be a fraction of A.
struct CurrentScratch {
  float* current;
  float* tmp;
  double noise_gain;  // current noise sigma per baseline sigma
};
void measure_current(const float* z, std::size_t n, std::size_t tp0_i, std::size_t top_index, double sigma_adc,
                     double energy, const ChainConfig& cfg, const ChainSamples& s, const CurrentScratch& scratch,
                     Features& f) {
  const double dt = s.dt_ns;
  const std::size_t pad = s.current_window * static_cast<std::size_t>(cfg.current_passes + 1);
  const std::size_t c_lo = tp0_i > pad ? tp0_i - pad : 0;
  const std::size_t c_hi = std::min(n, top_index + pad + 1);
  const std::size_t m = c_hi - c_lo;
  float* cur = scratch.current;
  smoothed_current(z, c_lo, c_hi, s.current_window, cfg.current_passes, cur, scratch.tmp);
  const Peak cpk = max_in(cur, 0, m);
  const double current_amp = cpk.value / dt;
  f.current_amp_adc_per_ns = static_cast<float>(current_amp);
  if (energy > 0) f.avse_raw = static_cast<float>(current_amp / energy);
  f.current_width_ns = static_cast<float>(fwhm(cur, m, cpk.index) * dt);
  const double current_sigma = sigma_adc * scratch.noise_gain;
  f.n_current_peaks = static_cast<float>(count_peaks(
      cur, m, std::max(cfg.current_peak_fraction * cpk.value, cfg.current_peak_nsigma * current_sigma),
      std::max(cfg.current_peak_prominence * cpk.value, cfg.current_peak_nsigma * current_sigma)));
}

// 10. DCR (1/us): difference of two averaged windows of the corrected tail, the first
// dcr_start after tp99.9, over the energy and the windows' distance.
void measure_dcr(const double* prefix, std::size_t n, double t999, double energy, const ChainSamples& s,
                 Features& f) {
  if (!(std::isfinite(t999) && energy > 0)) return;
  const std::size_t w1 = ceil_index(t999) + s.dcr_start;
  const std::size_t w2 = w1 + s.dcr_gap;
  if (w2 + s.dcr_width > n) {
    f.quality |= kTooShort;
    return;
  }
  const double width = static_cast<double>(s.dcr_width);
  const double m1 = (prefix[w1 + s.dcr_width] - prefix[w1]) / width;
  const double m2 = (prefix[w2 + s.dcr_width] - prefix[w2]) / width;
  const double gap_us = static_cast<double>(s.dcr_gap) * s.dt_ns / 1000.0;
  f.dcr_raw = static_cast<float>((m2 - m1) / energy / gap_us);
}

// 11. LQ (ns): charge still missing after the lq_fraction point relative to the final value
// (mean of the window after it), over the energy.
void measure_lq(const float* z, const double* prefix, std::size_t n, double t_lq, double energy,
                const ChainSamples& s, Features& f) {
  if (!(std::isfinite(t_lq) && energy > 0)) return;
  const std::size_t to = static_cast<std::size_t>(t_lq) + s.lq_window + 1;
  if (to + s.lq_ref_width > n) {
    f.quality |= kTooShort;
    return;
  }
  const double ref = (prefix[to + s.lq_ref_width] - prefix[to]) / static_cast<double>(s.lq_ref_width);
  f.lq_raw = static_cast<float>(area_below(z, t_lq, to, ref) * s.dt_ns / energy);
}

// 12. Tail decay constant (ns) of the record without pole-zero correction (y), from
// tail_start after the end of the rise to the end of the record.
void measure_tail_tau(const float* y, std::size_t n, double rise_end, int tail_blocks, const ChainSamples& s,
                      Features& f) {
  const std::size_t tail_begin = ceil_index(rise_end) + s.tail_start;
  if (tail_begin >= n) return;
  f.tail_tau_ns = static_cast<float>(tail_tau_samples(y, tail_begin, n, tail_blocks) * s.dt_ns);
}

// 13. Pile-up: the corrected record should end at the energy; flagged beyond the noise
// plus a fraction of the energy.
void measure_pileup(const double* prefix, std::size_t n, double rise_end, double energy, double sigma_adc,
                    const ChainConfig& cfg, const ChainSamples& s, Features& f) {
  if (!(energy > 0 && n > s.tail_end && n - s.tail_end > ceil_index(rise_end))) return;
  const double end_mean = (prefix[n] - prefix[n - s.tail_end]) / static_cast<double>(s.tail_end);
  const double diff = end_mean - energy;
  f.baseline_tail_diff_adc = static_cast<float>(diff);
  if (std::fabs(diff) > cfg.pileup_nsigma * sigma_adc + cfg.pileup_fraction * energy) f.quality |= kPileup;
}

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
  Features f = blank_features();
  const ChainSamples& s = s_;
  if (n < s.baseline_start + s.baseline_probe + 2) {
    f.quality |= kTooShort;
    return f;
  }
  reserve(n);
  PulseStart p;
  if (!find_pulse_start(x, n, cfg_, s, f, p)) return f;
  if (p.saturated) return f;  // amplitudes of a clipped pulse would be garbage

  float* y = y_.data();
  float* z = z_.data();
  double* prefix = prefix_.data();
  correct_pole_zero(x, n, p.baseline.mean, tau_ns, cfg_, s.dt_ns, y, z, prefix);
  const double energy = measure_energy(prefix, n, p.tp0_i, s, f);

  // The rise must stand out of the noise after the correction too.
  const std::size_t search_end = std::min(n, p.tp0_i + s.max_rise + 1);
  const Peak top = max_in(z, p.tp0_i, search_end);
  const double sigma = p.baseline.std;
  if (!(top.value > cfg_.flat_nsigma * sigma + p.tiny_adc)) {
    f.quality |= kFlat;
    return f;
  }
  const RiseCrossings crossings = rise_crossings(z, search_end, top, energy, s);
  const double t999 = measure_time_points(crossings, p.tp0, s.dt_ns, f);
  measure_current(z, n, p.tp0_i, top.index, sigma, energy, cfg_, s,
                  {cur_.data(), cur_tmp_.data(), current_noise_gain_}, f);
  measure_dcr(prefix, n, t999, energy, s, f);
  measure_lq(z, prefix, n, crossings.at(cfg_.lq_fraction), energy, s, f);
  const double rise_end = std::isfinite(t999) ? t999 : static_cast<double>(top.index);
  measure_tail_tau(y, n, rise_end, cfg_.tail_blocks, s, f);
  measure_pileup(prefix, n, rise_end, energy, sigma, cfg_, s, f);
  return f;
}

}  // namespace wl::dsp
