// Baseline statistics and subtraction.
#include <cmath>
#include <limits>

#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

BaselineStats baseline_stats(const float* x, std::size_t begin, std::size_t end) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (end <= begin + 1) return {kNaN, kNaN, kNaN};
  // Sums of offsets from the first sample keep the double sums free of cancellation for
  // large ADC pedestals.
  const float x0 = x[begin];
  const std::size_t m = end - begin;
  double sx = 0, sxx = 0, stx = 0;
#pragma omp simd reduction(+ : sx, sxx, stx)
  for (std::size_t k = 0; k < m; ++k) {
    const double d = static_cast<double>(x[begin + k] - x0);
    sx += d;
    sxx += d * d;
    stx += static_cast<double>(k) * d;
  }
  const double md = static_cast<double>(m);
  const double mean_d = sx / md;
  const double var = sxx / md - mean_d * mean_d;
  const double t_mean = (md - 1.0) / 2.0;
  const double stt = md * (md * md - 1.0) / 12.0;
  BaselineStats s;
  s.mean = x0 + mean_d;
  s.std = std::sqrt(var > 0 ? var : 0.0);
  s.slope_per_sample = (stx - t_mean * sx) / stt;
  return s;
}

double window_mean(const float* x, std::size_t begin, std::size_t end) {
  if (end <= begin) return std::numeric_limits<double>::quiet_NaN();
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (std::size_t i = begin; i < end; ++i) s += x[i];
  return s / static_cast<double>(end - begin);
}

void subtract_baseline(const float* x, std::size_t n, double offset, float* out) {
  const float o = static_cast<float>(offset);
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) out[i] = x[i] - o;
}

}  // namespace wl::dsp
