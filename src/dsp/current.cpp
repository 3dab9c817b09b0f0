// Smoothed current (A of A/E), its width and its peaks.
#include <algorithm>
#include <limits>

#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

namespace {

// Trailing moving average of `window` samples, clipped at the start of the range.
void trailing_average(const float* in, std::size_t m, std::size_t window, float* out) {
  double sum = 0;
  const std::size_t ramp = std::min(m, window - 1);  // the clipped start: fewer samples
  for (std::size_t k = 0; k < ramp; ++k) {
    sum += in[k];
    out[k] = static_cast<float>(sum / static_cast<double>(k + 1));
  }
  // Full windows: one dependent add per sample (the entering and leaving samples are
  // combined first) and a multiply, not a divide; the add chain bounds the loop.
  const double inv = 1.0 / static_cast<double>(window);
  if (ramp < m) {
    sum += in[ramp];
    out[ramp] = static_cast<float>(sum * inv);
  }
  for (std::size_t k = ramp + 1; k < m; ++k) {
    sum += static_cast<double>(in[k]) - static_cast<double>(in[k - window]);
    out[k] = static_cast<float>(sum * inv);
  }
}

}  // namespace

void smoothed_current(const float* z, std::size_t begin, std::size_t end, std::size_t window,
                      int passes, float* out, float* scratch) {
  if (end <= begin) return;
  if (window == 0) window = 1;
  const std::size_t m = end - begin;
  const float inv = 1.0f / static_cast<float>(window);
  for (std::size_t k = 0; k < m; ++k) {
    const std::size_t i = begin + k;
    const std::size_t j = k >= window ? i - window : begin;
    out[k] = (z[i] - z[j]) * inv;
  }
  float* a = out;
  float* b = scratch;
  for (int p = 0; p < passes; ++p) {
    trailing_average(a, m, window, b);
    std::swap(a, b);
  }
  if (a != out) std::copy(a, a + m, out);
}

double fwhm(const float* c, std::size_t n, std::size_t peak) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (peak >= n) return kNaN;
  const double half = c[peak] / 2.0;
  if (!(half > 0)) return kNaN;
  std::size_t j = peak;
  while (j > 0 && c[j - 1] >= half) --j;
  if (j == 0) return kNaN;
  const double left = static_cast<double>(j - 1) + (half - c[j - 1]) / (static_cast<double>(c[j]) - c[j - 1]);
  std::size_t k = peak;
  while (k + 1 < n && c[k + 1] >= half) ++k;
  if (k + 1 >= n) return kNaN;
  const double right = static_cast<double>(k) + (c[k] - half) / (static_cast<double>(c[k]) - c[k + 1]);
  return right - left;
}

int count_peaks(const float* c, std::size_t n, double threshold, double prominence) {
  int count = 0;
  bool rising = true;  // looking for a peak
  double run_max = -std::numeric_limits<double>::infinity();
  double run_min = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    const double v = c[i];
    if (rising) {
      if (v > run_max) run_max = v;
      if (run_max > threshold && v < run_max - prominence) {
        ++count;
        rising = false;
        run_min = v;
      }
    } else {
      if (v < run_min) run_min = v;
      if (v > run_min + prominence) {
        rising = true;
        run_max = v;
      }
    }
  }
  if (rising && run_max > threshold) ++count;  // a peak at the end of the range
  return count;
}

}  // namespace wl::dsp
