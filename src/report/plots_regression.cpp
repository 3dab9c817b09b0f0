// Regression plots: predicted versus true value, residuals with every event accounted
// for, and the resolution versus energy.
#include <algorithm>
#include <cmath>

#include "plot_util.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/histogram.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/plots.hpp"

namespace wl::report {
namespace fs = std::filesystem;
using detail::fmt;
namespace {

constexpr double kCoreSigmas = 6.0;  // the residual histogram's half width
constexpr std::size_t kResidualBins = 100;

struct ResidualSummary {
  std::vector<double> finite;
  std::size_t not_finite = 0;
  double median = 0, robust_sigma = 0, rms = 0, min = 0, max = 0;
};

ResidualSummary summarise(const std::vector<double>& residual) {
  ResidualSummary s;
  for (double r : residual) {
    if (std::isfinite(r))
      s.finite.push_back(r);
    else
      ++s.not_finite;
  }
  if (s.finite.empty()) return s;
  s.median = detail::quantile(s.finite, 0.5);
  // The interquartile range of a Gaussian is 1.349 sigma; tails do not inflate it.
  s.robust_sigma = (detail::quantile(s.finite, 0.75) - detail::quantile(s.finite, 0.25)) / 1.349;
  double sum2 = 0;
  for (double r : s.finite) sum2 += r * r;
  s.rms = std::sqrt(sum2 / static_cast<double>(s.finite.size()));
  const auto [mn, mx] = std::minmax_element(s.finite.begin(), s.finite.end());
  s.min = *mn;
  s.max = *mx;
  return s;
}

// Text lines for the legend box: the counts outside the core with the extreme values.
std::vector<std::string> residual_notes(const ResidualSummary& s, const eval::Histogram& h,
                                        const std::string& unit, double fwhm) {
  const std::string u = " " + unit;
  std::vector<std::string> n{
      "entries: " + std::to_string(s.finite.size() + s.not_finite) +
          (s.not_finite ? ", not finite: " + std::to_string(s.not_finite) : ""),
      "median " + fmt("%.3g", s.median) + u + ", robust σ " + fmt("%.3g", s.robust_sigma) + u,
      "RMS (all) " + fmt("%.3g", s.rms) + u +
          (std::isfinite(fwhm) ? ", FWHM: " + fmt("%.3g", fwhm) + u : ""),
      "below " + fmt("%.4g", h.lo) + u + ": " + std::to_string(h.underflow) +
          (h.underflow ? " (min " + fmt("%.4g", s.min) + ")" : ""),
      "above " + fmt("%.4g", h.hi) + u + ": " + std::to_string(h.overflow) +
          (h.overflow ? " (max " + fmt("%.4g", s.max) + ")" : "")};
  return n;
}

}  // namespace

Paths plot_predicted_vs_true(const std::vector<double>& truth, const std::vector<double>& predicted,
                             const std::string& quantity, const std::string& unit,
                             const fs::path& stem, std::size_t n_bins) {
  if (truth.size() != predicted.size())
    throw wl::core::InputError("plot_predicted_vs_true: truth and predictions differ in length");
  double lo = detail::quantile(truth, 0.001), hi = detail::quantile(truth, 0.999);
  if (!std::isfinite(lo) || !(hi > lo)) {
    const double mid = std::isfinite(lo) ? lo : 0.0;
    lo = mid - 1, hi = mid + 1;
  }
  const double pad = 0.05 * (hi - lo);
  lo -= pad, hi += pad;
  const std::size_t n = std::max<std::size_t>(1, n_bins);
  const auto fill = detail::fill_2d(truth, predicted, lo, hi, n, lo, hi, n);
  Figure f;
  f.title = "Predicted vs true " + quantity + " (" +
            detail::outside_text(fill, "true", "predicted") + ")";
  f.x_label = "true " + quantity + " (" + unit + ")";
  f.y_label = "predicted " + quantity + " (" + unit + ")";
  f.hist2d = fill.hist;
  f.series.push_back(detail::line_series("predicted = true", {lo, hi}, {lo, hi}, 4, true, 1.0));
  f.legend = LegendPos::kTopLeft;  // above the diagonal's start: empty for a good model
  f.width_px = 800;
  f.height_px = 650;
  return render_figure(f, stem);
}

Paths plot_residuals(const std::vector<double>& residual, const std::string& unit,
                     const fs::path& stem, double fwhm) {
  const ResidualSummary s = summarise(residual);
  if (s.finite.empty()) throw wl::core::InputError("plot_residuals: no finite residual");
  // The core, or the full range when that is narrower; the maximum falls in the last bin.
  double lo = std::max(s.min, s.median - kCoreSigmas * s.robust_sigma);
  double hi = std::min(s.max, s.median + kCoreSigmas * s.robust_sigma);
  if (!(hi > lo)) lo = s.median - 0.5, hi = s.median + 0.5;
  hi += 1e-9 * (hi - lo);
  const auto h = eval::make_histogram(s.finite, kResidualBins, lo, hi);
  Figure f;
  f.title = "Residuals (predicted - true)";
  f.x_label = "residual (" + unit + ")";
  f.y_label = "events / " + fmt("%.3g", h.bin_width()) + " " + unit;
  f.log_y = true;
  f.series.push_back(detail::step_series("", detail::edges_of(h), h.counts, 1));
  f.notes = residual_notes(s, h, unit, fwhm);
  return render_figure(f, stem);
}

Paths plot_resolution_vs_energy(const std::vector<eval::ResolutionBin>& bins,
                                const std::vector<eval::ResolutionBin>& peaks,
                                const fs::path& stem) {
  Figure f;
  f.title = "Resolution versus energy";
  f.x_label = "true energy (keV)";
  f.y_label = "FWHM of residuals (keV)";
  // Bins as points joined by a line; each peak a marker with its name beside it.
  Series line = detail::line_series("", {}, {}, 1);
  for (const auto& r : bins)
    if (std::isfinite(r.resolution.fwhm_interpolated)) {
      line.x.push_back(r.center_kev);
      line.y.push_back(r.resolution.fwhm_interpolated);
    }
  Series p = detail::point_series("#u228#dTh peaks", {}, {}, 4, Marker::kDiamond, 0.8);
  double x_lo = INFINITY, x_hi = -INFINITY;
  for (const auto* v : {&bins, &peaks})
    for (const auto& r : *v)
      x_lo = std::min(x_lo, r.center_kev), x_hi = std::max(x_hi, r.center_kev);
  for (const auto& r : peaks)
    if (std::isfinite(r.resolution.fwhm_interpolated)) {
      p.x.push_back(r.center_kev);
      p.y.push_back(r.resolution.fwhm_interpolated);
      // Named beside the marker, on the side with room (the right end has none).
      const bool left = r.center_kev > x_lo + 0.8 * (x_hi - x_lo);
      if (!r.name.empty())
        f.annotations.push_back({r.center_kev, r.resolution.fwhm_interpolated,
                                 left ? r.name + "   " : "   " + r.name, 0, left ? 1.0 : 0.0, 0,
                                 0.75});
    }
  if (line.x.empty() && p.x.empty())
    throw wl::core::InputError("plot_resolution_vs_energy: no bin has enough events for a FWHM");
  if (!line.x.empty()) {
    f.series.push_back(line);
    f.series.push_back(
        detail::point_series("energy bins", line.x, line.y, 1, Marker::kCircle, 0.6));
  }
  if (!p.x.empty()) f.series.push_back(p);
  return render_figure(f, stem);
}

Paths plot_residual_profiles(const std::vector<ResidualProfile>& profiles, const std::string& x_label,
                             const std::string& unit, const fs::path& stem) {
  Figure f;
  f.title = "Residuals (estimate - true) versus " + x_label;
  f.x_label = x_label;
  f.y_label = "residual (" + unit + "): median, 16-84 %";
  const Marker markers[] = {Marker::kCircle, Marker::kSquare, Marker::kDiamond, Marker::kTriangleUp};
  double x_lo = INFINITY, x_hi = -INFINITY;
  for (std::size_t k = 0; k < profiles.size(); ++k) {
    const auto& p = profiles[k];
    Series s = detail::point_series(p.name, {}, {}, static_cast<int>(k) + 1, markers[k % 4], 0.8);
    for (std::size_t i = 0; i < p.median.size(); ++i) {
      const double w = p.x_hi[i] - p.x_lo[i];
      // Side by side inside the bin, so the bands of two estimators stay apart.
      s.x.push_back(p.x_lo[i] + w * (0.5 + 0.15 * (static_cast<double>(k) - 0.5 * (profiles.size() - 1.0))));
      s.y.push_back(p.median[i]);
      x_lo = std::min(x_lo, p.x_lo[i]), x_hi = std::max(x_hi, p.x_hi[i]);
    }
    s.y_bar_lo = p.p16;
    s.y_bar_hi = p.p84;
    f.series.push_back(s);
  }
  if (!(x_hi > x_lo)) throw wl::core::InputError("plot_residual_profiles: no bin to draw");
  f.series.push_back(detail::line_series("", {x_lo, x_hi}, {0.0, 0.0}, 4, true, 1.0));
  return render_figure(f, stem);
}

}  // namespace wl::report
