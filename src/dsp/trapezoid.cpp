// Trapezoidal filter from prefix sums: O(1) per output sample, no recursion to drift.
#include <limits>

#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

void trapezoid(const double* prefix, std::size_t n, std::size_t rise, std::size_t flat, float* out) {
  const std::size_t first = 2 * rise + flat - 1;  // first window end that fits
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = i >= first ? static_cast<float>(trap_at(prefix, i, rise, flat))
                        : std::numeric_limits<float>::quiet_NaN();
  }
}

Peak trap_max(const double* prefix, std::size_t n, std::size_t rise, std::size_t flat,
              std::size_t begin, std::size_t end) {
  const std::size_t first = 2 * rise + flat - 1;
  if (begin < first) begin = first;
  if (end > n) end = n;
  Peak best{std::numeric_limits<double>::quiet_NaN(), begin};
  if (rise == 0 || begin >= end) return best;
  // Unnormalised sums in the loop; one division at the end.
  double best_sum = -std::numeric_limits<double>::infinity();
  for (std::size_t i = begin; i < end; ++i) {
    const std::size_t e = i + 1;
    const double s = prefix[e] - prefix[e - rise] - prefix[e - rise - flat] + prefix[e - 2 * rise - flat];
    if (s > best_sum) {
      best_sum = s;
      best.index = i;
    }
  }
  best.value = best_sum / static_cast<double>(rise);
  return best;
}

Peak max_in(const float* x, std::size_t begin, std::size_t end) {
  Peak best{std::numeric_limits<double>::quiet_NaN(), begin};
  if (begin >= end) return best;
  float m = x[begin];
  for (std::size_t i = begin + 1; i < end; ++i) {
    if (x[i] > m) {
      m = x[i];
      best.index = i;
    }
  }
  best.value = m;
  return best;
}

}  // namespace wl::dsp
