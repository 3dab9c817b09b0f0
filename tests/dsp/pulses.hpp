#pragma once
// Analytic test pulses through a discrete preamplifier model: the charge q(t) (linear ramp,
// optional slow final rise, optional delayed charge) is differentiated and decays by
// exp(-dt/tau) per sample, so exact pole-zero correction recovers q exactly.
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace wl::test {

struct PulseSpec {
  double dt_ns = 10;
  double length_ns = 38000;
  double pedestal_adc = 1000;
  double t0_ns = 10000;         // start of the rise
  double drift_ns = 800;        // duration of the linear (fast) rise
  double amplitude_adc = 1000;
  double tau_ns = 50000;        // 0: no decay
  double slow_fraction = 0;     // share of the charge arriving in a slow final rise
  double slow_ns = 0;           // its duration
  double dcr_per_us = 0;        // delayed charge after the rise, fraction of amplitude per us
  double noise_adc = 0;
  uint32_t seed = 1;
};

inline double charge(const PulseSpec& p, double t) {
  if (t <= p.t0_ns) return 0;
  const double fast = (1.0 - p.slow_fraction) * p.amplitude_adc;
  double q;
  const double t1 = p.t0_ns + p.drift_ns;
  if (t < t1) return fast * (t - p.t0_ns) / p.drift_ns;
  q = fast;
  const double t2 = t1 + p.slow_ns;
  if (p.slow_fraction > 0) {
    q += p.slow_fraction * p.amplitude_adc * (t < t2 ? (t - t1) / p.slow_ns : 1.0);
  }
  if (t > t2) q += p.amplitude_adc * p.dcr_per_us * (t - t2) / 1000.0;
  return q;
}

inline std::vector<float> make_pulse(const PulseSpec& p) {
  const std::size_t n = static_cast<std::size_t>(std::llround(p.length_ns / p.dt_ns));
  std::vector<float> x(n);
  const double a = p.tau_ns > 0 ? std::exp(-p.dt_ns / p.tau_ns) : 1.0;
  std::mt19937 rng(p.seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  double v = 0, q_prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double q = charge(p, static_cast<double>(i) * p.dt_ns);
    v = a * v + (q - q_prev);
    q_prev = q;
    x[i] = static_cast<float>(p.pedestal_adc + v + (p.noise_adc > 0 ? p.noise_adc * noise(rng) : 0.0));
  }
  return x;
}

}  // namespace wl::test
