// The waveform-level effects of the detector-response stage (response.hpp), one function
// each, so that each can be measured alone.
#include <algorithm>
#include <cmath>

#include "wavelearn/sim/fft.hpp"
#include "wavelearn/sim/response.hpp"

namespace wl::sim {

namespace {

constexpr double kTwoPi = 6.283185307179586;

// Step response of `order` equal poles at t = x tau: the regularised lower incomplete gamma
// P(order, x) = 1 - exp(-x) sum_{k < order} x^k / k!.
double step_response(int order, double x) {
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < order; ++k) {
    term *= x / k;
    sum += term;
  }
  return 1.0 - std::exp(-x) * sum;
}

// x (in units of tau) where the step response reaches `level`, by bisection.
double step_crossing(int order, double level) {
  double lo = 0.0, hi = 64.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (step_response(order, mid) < level ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

double pole_tau_for_rise_ns(double rise_ns, int order) {
  order = std::clamp(order, 1, kMaxRiseOrder);
  return rise_ns / (step_crossing(order, 0.9) - step_crossing(order, 0.1));
}

void apply_low_pass(float* x, std::size_t n, double dt_ns, double tau_ns, int order) {
  if (n == 0 || !(tau_ns > 0)) return;
  const double a = std::exp(-dt_ns / tau_ns);
  for (int pole = 0; pole < order; ++pole) {
    // y[k] = a y[k-1] + (1 - a) x[k-1]: the exact response to an input held over each sample.
    double y = x[0], prev_in = x[0];
    for (std::size_t k = 0; k < n; ++k) {
      y = a * y + (1.0 - a) * prev_in;
      prev_in = x[k];
      x[k] = static_cast<float>(y);
    }
  }
}

double noise_psd_adc2_per_mhz(const ResponseParams& r, double dt_ns, double f_mhz) {
  const double white = 2.0 * r.noise_white_adc * r.noise_white_adc * dt_ns * 1e-3;
  const double pink = f_mhz > 0 ? r.noise_pink_adc_per_rtmhz * r.noise_pink_adc_per_rtmhz / f_mhz : 0.0;
  return white + pink;
}

void add_continuum_noise(const ResponseParams& r, double dt_ns, core::Rng& rng, float* x, std::size_t n,
                         std::vector<std::complex<double>>& scratch) {
  if (n == 0) return;
  const std::size_t m = fft_size_for(std::max<std::size_t>(n, 2));
  scratch.assign(m, {0.0, 0.0});
  const double dt_us = dt_ns * 1e-3;
  const double df_mhz = 1.0 / (static_cast<double>(m) * dt_us);
  // E|X_k|^2 = S(f_k) m / (2 dt): the periodogram 2 dt |X_k|^2 / m then averages to S(f_k).
  const double norm = static_cast<double>(m) / (2.0 * dt_us);
  const double inv_sqrt2 = std::sqrt(0.5);
  for (std::size_t k = 1; k < m / 2; ++k) {
    const double amp = std::sqrt(noise_psd_adc2_per_mhz(r, dt_ns, static_cast<double>(k) * df_mhz) * norm);
    const double re = rng.normal() * inv_sqrt2 * amp, im = rng.normal() * inv_sqrt2 * amp;
    scratch[k] = {re, im};
    scratch[m - k] = {re, -im};
  }
  const double f_nyq = 0.5 * static_cast<double>(m) * df_mhz;
  scratch[m / 2] = {rng.normal() * std::sqrt(noise_psd_adc2_per_mhz(r, dt_ns, f_nyq) * norm), 0.0};
  fft_in_place(scratch, true);
  const double inv_m = 1.0 / static_cast<double>(m);
  for (std::size_t j = 0; j < n; ++j) x[j] += static_cast<float>(scratch[j].real() * inv_m);
}

void add_noise_lines(const std::vector<NoiseLine>& lines, double dt_ns, core::Rng& rng, float* x, std::size_t n) {
  for (const auto& line : lines) {
    const double phase = kTwoPi * rng.uniform();
    const double step = kTwoPi * line.frequency_mhz * dt_ns * 1e-3;
    for (std::size_t j = 0; j < n; ++j)
      x[j] += static_cast<float>(line.amplitude_adc * std::sin(phase + step * static_cast<double>(j)));
  }
}

void add_baseline_drift(double slope_adc_per_us, double dt_ns, float* x, std::size_t n) {
  const double per_sample = slope_adc_per_us * dt_ns * 1e-3;
  for (std::size_t j = 0; j < n; ++j) x[j] += static_cast<float>(per_sample * static_cast<double>(j));
}

double trapping_kept_fraction(double trapping_per_us, double drift_ns) {
  return std::clamp(1.0 - trapping_per_us * std::max(drift_ns, 0.0) * 1e-3, 0.0, 1.0);
}

void apply_response_stage(const ResponseParams& r, double dt_ns, core::Rng& rng, float* x, std::size_t n) {
  if (r.rise_time_ns > 0) apply_low_pass(x, n, dt_ns, pole_tau_for_rise_ns(r.rise_time_ns, r.rise_order), r.rise_order);
  if (r.noise_white_adc > 0 || r.noise_pink_adc_per_rtmhz > 0) {
    thread_local std::vector<std::complex<double>> scratch;
    add_continuum_noise(r, dt_ns, rng, x, n, scratch);
  }
  if (!r.noise_lines.empty()) add_noise_lines(r.noise_lines, dt_ns, rng, x, n);
  if (r.drift_adc_per_us != 0 || r.drift_sigma_adc_per_us > 0) {
    const double slope = r.drift_sigma_adc_per_us > 0 ? rng.normal(r.drift_adc_per_us, r.drift_sigma_adc_per_us)
                                                      : r.drift_adc_per_us;
    add_baseline_drift(slope, dt_ns, x, n);
  }
}

}  // namespace wl::sim
