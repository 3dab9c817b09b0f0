#include "wavelearn/eval/histogram.hpp"

#include <cmath>
#include <string>

#include "wavelearn/core/error.hpp"

namespace wl::eval {

Histogram make_histogram(const std::vector<double>& values, std::size_t n_bins, double lo,
                         double hi) {
  if (n_bins == 0 || !(hi > lo)) {
    throw wl::core::InputError("make_histogram: need n_bins >= 1 and hi > lo (got " +
                               std::to_string(n_bins) + " bins, [" + std::to_string(lo) + ", " +
                               std::to_string(hi) + "))");
  }
  Histogram h;
  h.lo = lo;
  h.hi = hi;
  h.counts.assign(n_bins, 0.0);
  const double scale = static_cast<double>(n_bins) / (hi - lo);
  for (double v : values) {
    if (std::isnan(v)) continue;
    if (v < lo) {
      ++h.underflow;
      continue;
    }
    if (v >= hi) {
      ++h.overflow;
      continue;
    }
    auto b = static_cast<std::size_t>((v - lo) * scale);
    if (b >= n_bins) b = n_bins - 1;  // rounding at the upper edge
    h.counts[b] += 1.0;
  }
  return h;
}

}  // namespace wl::eval
