// Energy residuals of the model and of the trapezoid filter versus drift time (metrics.hpp):
// the signature of charge trapping and ballistic deficit, which grow with the drift path.
#include <algorithm>
#include <cmath>
#include <limits>

#include "wavelearn/core/error.hpp"
#include "wavelearn/run/metrics.hpp"

namespace wl::run {

namespace {

constexpr std::size_t kMinEventsPerBin = 5;  // fewer: the bin is left out

// The q-quantile (linear interpolation) of values; values is reordered.
double quantile_of(std::vector<double>& values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double at = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(at));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

struct Percentiles {
  double p16, median, p84;
};

Percentiles percentiles(std::vector<double> v) {
  return {quantile_of(v, 0.16), quantile_of(v, 0.5), quantile_of(v, 0.84)};
}

}  // namespace

std::vector<DriftTimeBin> residuals_vs_drift_time(const std::vector<double>& drift_time_ns,
                                                  const std::vector<double>& predicted_kev,
                                                  const std::vector<double>& trapezoid_kev,
                                                  const std::vector<double>& target_kev, std::size_t n_bins) {
  const std::size_t n = drift_time_ns.size();
  if (predicted_kev.size() != n || target_kev.size() != n || (!trapezoid_kev.empty() && trapezoid_kev.size() != n))
    throw core::InputError("residuals_vs_drift_time: the columns differ in length");
  std::vector<double> finite;
  for (double t : drift_time_ns)
    if (std::isfinite(t)) finite.push_back(t);
  std::vector<DriftTimeBin> out;
  if (finite.size() < kMinEventsPerBin || n_bins == 0) return out;
  // Edges at quantiles: each bin holds about as many events, so the few very slow pulses
  // (transition layer, alphas) share the last bin instead of stretching the axis.
  std::vector<double> edges;
  for (std::size_t b = 0; b <= n_bins; ++b) edges.push_back(quantile_of(finite, static_cast<double>(b) / n_bins));
  std::vector<std::vector<double>> model(n_bins), trap(n_bins);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = drift_time_ns[i];
    if (!std::isfinite(t) || !std::isfinite(predicted_kev[i]) || !std::isfinite(target_kev[i])) continue;
    const auto at = std::upper_bound(edges.begin() + 1, edges.end() - 1, t) - (edges.begin() + 1);
    const auto b = static_cast<std::size_t>(at);
    model[b].push_back(predicted_kev[i] - target_kev[i]);
    if (!trapezoid_kev.empty()) trap[b].push_back(trapezoid_kev[i] - target_kev[i]);
  }
  for (std::size_t b = 0; b < n_bins; ++b) {
    if (model[b].size() < kMinEventsPerBin || !(edges[b + 1] > edges[b])) continue;
    DriftTimeBin d;
    d.lo_ns = edges[b];
    d.hi_ns = edges[b + 1];
    d.n = model[b].size();
    const auto m = percentiles(model[b]);
    d.model_p16_kev = m.p16, d.model_median_kev = m.median, d.model_p84_kev = m.p84;
    if (!trap[b].empty()) {
      const auto r = percentiles(trap[b]);
      d.trapezoid_p16_kev = r.p16, d.trapezoid_median_kev = r.median, d.trapezoid_p84_kev = r.p84;
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace wl::run
