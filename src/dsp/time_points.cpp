// Threshold crossings and the start of the rise (tp0).
#include <limits>

#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

double crossing_backward(const float* x, std::size_t from, std::size_t stop, double level) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (!(x[from] >= level)) return kNaN;
  for (std::size_t j = from; j > stop; --j) {
    const double lo = x[j - 1];
    if (lo < level) {
      const double hi = x[j];
      return static_cast<double>(j - 1) + (level - lo) / (hi - lo);
    }
  }
  return kNaN;
}

double crossing_forward(const float* x, std::size_t from, std::size_t stop, double level) {
  for (std::size_t j = from; j + 1 < stop; ++j) {
    const double hi = x[j + 1];
    if (hi >= level) {
      const double lo = x[j];
      if (lo >= level) return static_cast<double>(j);  // already above at the start
      return static_cast<double>(j) + (level - lo) / (hi - lo);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double find_tp0(const float* y, std::size_t from, std::size_t stop, std::size_t window,
                double threshold, std::size_t max_walkback) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (window == 0) window = 1;
  if (from < stop + window - 1) return kNaN;
  const std::size_t lowest = stop + window - 1;  // last index whose window fits
  double sum = 0;
  for (std::size_t i = from + 1 - window; i <= from; ++i) sum += y[i];
  const double limit = threshold * static_cast<double>(window);
  std::size_t j = from;
  while (sum > limit) {
    if (j == lowest) return kNaN;
    sum += static_cast<double>(y[j - window]) - y[j];
    --j;
  }
  // Walk further back while the smoothed waveform is still falling towards the baseline.
  for (std::size_t walked = 0; walked < max_walkback && j > lowest; ++walked) {
    const double next = sum + static_cast<double>(y[j - window]) - y[j];
    if (!(next < sum)) break;
    sum = next;
    --j;
  }
  return static_cast<double>(j);
}

double area_below(const float* x, double from, std::size_t to, double level) {
  if (!(from >= 0) || from + 1 >= static_cast<double>(to)) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t f = static_cast<std::size_t>(from);
  const double frac = from - static_cast<double>(f);
  const double x_from = x[f] + frac * (static_cast<double>(x[f + 1]) - x[f]);
  double area = (1.0 - frac) * ((level - x_from) + (level - x[f + 1])) / 2.0;
  double inner = 0;
  for (std::size_t i = f + 1; i < to; ++i) inner += level - x[i];
  // Trapezoid rule over [f+1, to-1]: end points count half.
  area += inner - 0.5 * (level - x[f + 1]) - 0.5 * (level - x[to - 1]);
  return area;
}

}  // namespace wl::dsp
