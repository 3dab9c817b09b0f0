#include "wavelearn/eval/regression.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"

namespace wl::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kIqrPerSigma = 1.3489795;  // interquartile range of a unit Gaussian

double quantile_sorted(const std::vector<double>& s, double q) {
  const double pos = q * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

// Solves the 3x3 system m x = v by Cramer's rule; false if singular.
bool solve3(const std::array<std::array<double, 3>, 3>& m, const std::array<double, 3>& v,
            std::array<double, 3>& x) {
  auto det = [](const std::array<std::array<double, 3>, 3>& a) {
    return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) -
           a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
           a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  };
  const double d = det(m);
  if (d == 0 || !std::isfinite(d)) return false;
  for (int k = 0; k < 3; ++k) {
    auto mk = m;
    for (int r = 0; r < 3; ++r) mk[r][k] = v[r];
    x[k] = det(mk) / d;
  }
  return true;
}

}  // namespace

FwhmEstimate fwhm(const std::vector<double>& values) {
  FwhmEstimate e;
  e.n = values.size();
  e.fwhm_interpolated = e.fwhm_gaussian = e.gaussian_mean = kNaN;
  if (values.size() < kMinEventsForFwhm) return e;
  std::vector<double> s = values;
  std::sort(s.begin(), s.end());
  const double med = quantile_sorted(s, 0.5);
  const double iqr = quantile_sorted(s, 0.75) - quantile_sorted(s, 0.25);
  if (!(iqr > 0)) {  // at least half of the values coincide: the peak has no width
    e.fwhm_interpolated = e.fwhm_gaussian = 0.0;
    e.gaussian_mean = med;
    return e;
  }
  const double sigma_r = iqr / kIqrPerSigma;
  const double width = 2.0 * iqr / std::cbrt(static_cast<double>(s.size()));
  const std::size_t n_bins = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::ceil(10.0 * sigma_r / width)), 10, 2000);
  const Histogram h = make_histogram(s, n_bins, med - 5.0 * sigma_r, med + 5.0 * sigma_r);
  const std::size_t nb = h.n_bins();
  std::vector<double> sm(nb);
  for (std::size_t i = 0; i < nb; ++i) {
    const double l = i > 0 ? h.counts[i - 1] : 0.0, r = i + 1 < nb ? h.counts[i + 1] : 0.0;
    sm[i] = (l + h.counts[i] + r) / 3.0;
  }
  const std::size_t peak =
      static_cast<std::size_t>(std::max_element(sm.begin(), sm.end()) - sm.begin());
  const double half = 0.5 * sm[peak];
  const double bw = h.bin_width();
  std::size_t i = peak;
  while (i > 0 && sm[i - 1] >= half) --i;
  double left = h.lo;
  if (i > 0) left = h.bin_center(i - 1) + (half - sm[i - 1]) / (sm[i] - sm[i - 1]) * bw;
  std::size_t j = peak;
  while (j + 1 < nb && sm[j + 1] >= half) ++j;
  double right = h.hi;
  if (j + 1 < nb) right = h.bin_center(j) + (sm[j] - half) / (sm[j] - sm[j + 1]) * bw;
  e.fwhm_interpolated = right - left;

  // Gaussian fit: ln(count) = a + b x + c x^2 over the contiguous core above 1/4 of the
  // maximum, weighted by count (the variance of ln N is ~1/N).
  std::size_t lo_bin = peak, hi_bin = peak;
  while (lo_bin > 0 && sm[lo_bin - 1] >= 0.25 * sm[peak]) --lo_bin;
  while (hi_bin + 1 < nb && sm[hi_bin + 1] >= 0.25 * sm[peak]) ++hi_bin;
  std::array<std::array<double, 3>, 3> m{};
  std::array<double, 3> v{};
  const double x0 = h.bin_center(peak);
  int used = 0;
  for (std::size_t k = lo_bin; k <= hi_bin; ++k) {
    const double c = h.counts[k];
    if (c <= 0) continue;
    const double x = (h.bin_center(k) - x0) / sigma_r, y = std::log(c);
    const double p[3] = {1.0, x, x * x};
    for (int r = 0; r < 3; ++r) {
      for (int q = 0; q < 3; ++q) m[r][q] += c * p[r] * p[q];
      v[r] += c * p[r] * y;
    }
    ++used;
  }
  std::array<double, 3> coef{};
  if (used >= 3 && solve3(m, v, coef) && coef[2] < 0) {
    const double sigma = std::sqrt(-1.0 / (2.0 * coef[2])) * sigma_r;
    e.fwhm_gaussian = wl::core::kFwhmPerSigma * sigma;
    e.gaussian_mean = x0 - coef[1] / (2.0 * coef[2]) * sigma_r;
  }
  return e;
}

RegressionMetrics regression_metrics(const std::vector<double>& predicted,
                                     const std::vector<double>& truth) {
  detail::check_same_size(predicted.size(), truth.size(), "regression_metrics");
  if (predicted.empty()) throw wl::core::InputError("regression_metrics: no events");
  detail::check_finite(predicted, "regression_metrics (predicted)");
  detail::check_finite(truth, "regression_metrics (truth)");
  RegressionMetrics r;
  r.n = predicted.size();
  std::vector<double> res(r.n);
  double sum = 0, sum2 = 0, abs_sum = 0;
  for (std::size_t i = 0; i < r.n; ++i) {
    res[i] = predicted[i] - truth[i];
    sum += res[i];
    sum2 += res[i] * res[i];
    abs_sum += std::fabs(res[i]);
  }
  const double n = static_cast<double>(r.n);
  r.mse = sum2 / n;
  r.rmse = std::sqrt(r.mse);
  r.mae = abs_sum / n;
  r.mean_residual = sum / n;
  double var = 0;
  for (double x : res) var += (x - r.mean_residual) * (x - r.mean_residual);
  r.std_residual = r.n > 1 ? std::sqrt(var / (n - 1)) : 0.0;
  r.resolution = fwhm(res);
  std::vector<double> sorted = res;
  std::sort(sorted.begin(), sorted.end());
  r.median_residual = quantile_sorted(sorted, 0.5);
  double spread = (quantile_sorted(sorted, 0.75) - quantile_sorted(sorted, 0.25)) / kIqrPerSigma;
  if (!(spread > 0)) spread = r.std_residual > 0 ? r.std_residual : 1.0;
  r.residuals =
      make_histogram(res, 100, r.median_residual - 5 * spread, r.median_residual + 5 * spread);
  return r;
}

namespace {
ResolutionBin bin_resolution(const std::vector<double>& pred, const std::vector<double>& truth,
                             double lo, double hi, std::vector<double>& scratch) {
  ResolutionBin b;
  b.lo_kev = lo;
  b.hi_kev = hi;
  b.center_kev = 0.5 * (lo + hi);
  scratch.clear();
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (truth[i] >= lo && truth[i] < hi) scratch.push_back(pred[i] - truth[i]);
  }
  b.n = scratch.size();
  b.resolution = fwhm(scratch);
  if (scratch.empty()) {
    b.median_residual_kev = kNaN;
  } else {
    std::sort(scratch.begin(), scratch.end());
    b.median_residual_kev = quantile_sorted(scratch, 0.5);
  }
  return b;
}
}  // namespace

std::vector<ResolutionBin> resolution_vs_energy(const std::vector<double>& predicted_kev,
                                                const std::vector<double>& truth_kev,
                                                const std::vector<double>& edges_kev) {
  detail::check_same_size(predicted_kev.size(), truth_kev.size(), "resolution_vs_energy");
  if (edges_kev.size() < 2 || !std::is_sorted(edges_kev.begin(), edges_kev.end()) ||
      std::adjacent_find(edges_kev.begin(), edges_kev.end()) != edges_kev.end()) {
    throw wl::core::InputError("resolution_vs_energy: need >= 2 strictly ascending bin edges");
  }
  std::vector<ResolutionBin> out;
  std::vector<double> scratch;
  for (std::size_t k = 0; k + 1 < edges_kev.size(); ++k) {
    out.push_back(
        bin_resolution(predicted_kev, truth_kev, edges_kev[k], edges_kev[k + 1], scratch));
  }
  return out;
}

std::vector<ResolutionBin> resolution_at_peaks(const std::vector<double>& predicted_kev,
                                               const std::vector<double>& truth_kev,
                                               double half_window_kev) {
  detail::check_same_size(predicted_kev.size(), truth_kev.size(), "resolution_at_peaks");
  if (!(half_window_kev > 0))
    throw wl::core::InputError("resolution_at_peaks: half window must be > 0 keV");
  struct Peak {
    const char* name;
    double kev;
  };
  const Peak peaks[] = {{"583", wl::core::kTl208_583Kev},
                        {"DEP", wl::core::kDepKev},
                        {"SEP", wl::core::kSepKev},
                        {"FEP", wl::core::kTl208PeakKev}};
  std::vector<ResolutionBin> out;
  std::vector<double> scratch;
  for (const auto& p : peaks) {
    auto b = bin_resolution(predicted_kev, truth_kev, p.kev - half_window_kev,
                            p.kev + half_window_kev, scratch);
    b.name = p.name;
    b.center_kev = p.kev;
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace wl::eval
