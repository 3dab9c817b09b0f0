// Pole-zero correction: undoes the preamplifier's exponential decay so that a charge step
// stays flat, which the trapezoid, DCR and LQ all rely on.
#include <cmath>

#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

double decay_per_sample(double tau_ns, double sample_period_ns) {
  if (!(tau_ns > 0) || !std::isfinite(tau_ns)) return 1.0;
  return std::exp(-sample_period_ns / tau_ns);
}

void pole_zero(const float* y, std::size_t n, double a, float* z, double* prefix) {
  if (prefix) prefix[0] = 0;
  if (n == 0) return;
  // The record is taken to start in steady state (z[0] = y[0]). Accumulating in double keeps
  // the recursion exact over long records. (Splitting it into independent segments does not
  // help: the loop is bound by its ~10 operations per sample, not by the add latency.)
  double acc = y[0];
  z[0] = static_cast<float>(acc);
  if (!prefix) {
    for (std::size_t i = 1; i < n; ++i) {
      acc += static_cast<double>(y[i]) - a * static_cast<double>(y[i - 1]);
      z[i] = static_cast<float>(acc);
    }
    return;
  }
  double p = acc;
  prefix[1] = p;
  for (std::size_t i = 1; i < n; ++i) {
    acc += static_cast<double>(y[i]) - a * static_cast<double>(y[i - 1]);
    z[i] = static_cast<float>(acc);
    p += acc;
    prefix[i + 1] = p;
  }
}

void pole_zero_double(const float* y, std::size_t n, double a1, double a2, double fraction2,
                      float* z, double* prefix) {
  if (prefix) prefix[0] = 0;
  const double b = (1.0 - fraction2) * a2 + fraction2 * a1;
  // Zero before the record, as for the single-pole form (z[0] = y[0]).
  double y1 = 0, y2 = 0, v = 0, acc = 0, p = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double yi = y[i];
    const double w = yi - (a1 + a2) * y1 + a1 * a2 * y2;
    v = w + b * v;
    acc += v;
    z[i] = static_cast<float>(acc);
    p += acc;
    if (prefix) prefix[i + 1] = p;
    y2 = y1;
    y1 = yi;
  }
}

void prefix_sum(const float* x, std::size_t n, double* prefix) {
  double p = 0;
  prefix[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    p += x[i];
    prefix[i + 1] = p;
  }
}

}  // namespace wl::dsp
