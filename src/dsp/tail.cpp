// Exponential tail (decay constant) and small statistics helpers.
#include <algorithm>
#include <cmath>
#include <limits>

#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

double tail_tau_samples(const float* y, std::size_t begin, std::size_t end, int blocks) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (blocks < 2 || end <= begin) return kNaN;
  const std::size_t len = (end - begin) / static_cast<std::size_t>(blocks);
  if (len < 2) return kNaN;
  // Least squares of log(block mean) against block centre.
  double st = 0, sl = 0, stt = 0, stl = 0;
  for (int k = 0; k < blocks; ++k) {
    const std::size_t b = begin + static_cast<std::size_t>(k) * len;
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (std::size_t i = b; i < b + len; ++i) s += y[i];
    if (!(s > 0)) return kNaN;
    const double t = static_cast<double>(b) + (static_cast<double>(len) - 1.0) / 2.0;
    const double l = std::log(s / static_cast<double>(len));
    st += t;
    sl += l;
    stt += t * t;
    stl += t * l;
  }
  const double nb = blocks;
  const double slope = (stl - st * sl / nb) / (stt - st * st / nb);
  if (!(slope < 0)) return kNaN;
  return -1.0 / slope;
}

double median_inplace(double* v, std::size_t n) {
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t mid = n / 2;
  std::nth_element(v, v + mid, v + n);
  const double hi = v[mid];
  if (n % 2 == 1) return hi;
  const double lo = *std::max_element(v, v + mid);
  return (lo + hi) / 2.0;
}

}  // namespace wl::dsp
