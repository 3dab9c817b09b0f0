// Fixed-width histogram and the robust statistics the calibration fits start from.
#include "wavelearn/dsp/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "wavelearn/core/error.hpp"

namespace wl::dsp {

Histogram::Histogram(double lo_edge, double hi_edge, std::size_t n_bins) : lo(lo_edge), hi(hi_edge) {
  if (!(hi_edge > lo_edge) || n_bins == 0 || !std::isfinite(lo_edge) || !std::isfinite(hi_edge))
    throw core::InputError("histogram: invalid range [" + std::to_string(lo_edge) + ", " +
                           std::to_string(hi_edge) + ") with " + std::to_string(n_bins) + " bins");
  counts.assign(n_bins, 0.0);
}

long Histogram::bin_of(double x) const {
  if (!(x >= lo) || !(x < hi)) return -1;  // also false for NaN
  const long i = static_cast<long>((x - lo) / bin_width());
  return std::min<long>(i, static_cast<long>(counts.size()) - 1);
}

void Histogram::fill(double x, double weight) {
  const long i = bin_of(x);
  if (i >= 0) counts[static_cast<std::size_t>(i)] += weight;
}

double Histogram::total() const {
  double s = 0.0;
  for (double c : counts) s += c;
  return s;
}

double Histogram::integral(double x_lo, double x_hi) const {
  double s = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double c = center(i);
    if (c >= x_lo && c <= x_hi) s += counts[i];
  }
  return s;
}

Histogram make_histogram(const std::vector<double>& values, double lo, double hi, std::size_t n_bins) {
  Histogram h(lo, hi, n_bins);
  for (double v : values) h.fill(v);
  return h;
}

std::vector<double> smooth(const std::vector<double>& counts, std::size_t half_width) {
  const std::size_t n = counts.size();
  std::vector<double> prefix(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + counts[i];
  std::vector<double> out(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t a = i >= half_width ? i - half_width : 0;
    const std::size_t b = std::min(n, i + half_width + 1);
    out[i] = (prefix[b] - prefix[a]) / static_cast<double>(b - a);
  }
  return out;
}

double quantile(std::vector<double> values, double q) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }),
               values.end());
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  if (i + 1 >= values.size()) return values.back();
  const double f = pos - static_cast<double>(i);
  return values[i] * (1.0 - f) + values[i + 1] * f;
}

double median(const std::vector<double>& values) { return quantile(values, 0.5); }

double robust_sigma(const std::vector<double>& values) {
  return 0.5 * (quantile(values, 0.841345) - quantile(values, 0.158655));
}

}  // namespace wl::dsp
