// Energy-domain plots of a 228Th calibration: the spectrum before and after a cut with
// the peaks labelled, A/E versus energy, and the survival fraction of cuts per energy bin.
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

constexpr double kLogFloorCounts = 0.5;  // a single count sits above the frame's bottom
// Decades above the tallest bin per decade of data: the data fill the lower ~55 % of the
// frame, leaving the upper part to the peak labels and the legend.
constexpr double kSpectrumHeadroom = 0.8;

std::size_t bins_in(const EnergyBinning& b, const char* who) {
  if (!(b.bin_kev > 0) || !(b.hi_kev > b.lo_kev) || !std::isfinite(b.hi_kev))
    throw wl::core::InputError(std::string(who) + ": bad energy binning");
  return static_cast<std::size_t>(std::ceil((b.hi_kev - b.lo_kev) / b.bin_kev));
}

// The largest count within a few bins of e (the peak's top, whatever the resolution).
double peak_top(const eval::Histogram& h, double e_kev) {
  const double reach = std::max(3.0 * h.bin_width(), 4.0);
  double top = 0;
  for (std::size_t i = 0; i < h.n_bins(); ++i)
    if (std::fabs(h.bin_center(i) - e_kev) <= reach) top = std::max(top, h.counts[i]);
  return top;
}

// Each 228Th line inside the window labelled upwards from just above its peak.
void label_peaks(Figure& f, const eval::Histogram& h) {
  for (const auto& p : detail::th228_peak_labels()) {
    if (p.energy_kev < h.lo || p.energy_kev >= h.hi) continue;
    const double y = std::max(peak_top(h, p.energy_kev), 1.0) * 1.4;
    f.annotations.push_back({p.energy_kev, y, p.label, 90.0, 0.0, 0, 0.75});
  }
}

void mark_peaks(Figure& f, double lo_kev, double hi_kev) {
  for (const auto& p : detail::th228_peak_labels())
    if (p.energy_kev >= lo_kev && p.energy_kev < hi_kev)
      f.vlines.push_back({p.energy_kev, p.short_label, 7, true});
}

}  // namespace

Paths plot_energy_spectrum(const std::vector<double>& energy_kev, const std::vector<uint8_t>& pass,
                           const std::string& cut_name, const fs::path& stem,
                           const EnergyBinning& b) {
  if (energy_kev.size() != pass.size())
    throw wl::core::InputError("plot_energy_spectrum: energies and cut flags differ in length");
  const std::size_t bins = bins_in(b, "plot_energy_spectrum");
  const double hi_kev = b.lo_kev + bins * b.bin_kev;
  std::vector<double> after;
  for (std::size_t i = 0; i < pass.size(); ++i)
    if (pass[i]) after.push_back(energy_kev[i]);
  const auto hb = eval::make_histogram(energy_kev, bins, b.lo_kev, hi_kev);
  const auto ha = eval::make_histogram(after, bins, b.lo_kev, hi_kev);
  Figure f;
  f.title = "Energy spectrum before and after the cut";
  f.x_label = "energy (keV)";
  f.y_label = "counts / " + fmt("%g", b.bin_kev) + " keV";
  f.log_y = true;
  f.series.push_back(
      detail::step_series("all events", detail::edges_of(hb), hb.counts, 0, false, 1.5));
  f.series.push_back(
      detail::step_series("after " + cut_name, detail::edges_of(ha), ha.counts, 1, false, 1.5));
  label_peaks(f, hb);
  // Fixed range: room above the tallest peak for its label and the legend.
  const double top = std::max(1.0, *std::max_element(hb.counts.begin(), hb.counts.end()));
  const double decades = std::log10(top / kLogFloorCounts);
  f.x_lo = b.lo_kev;
  f.x_hi = hi_kev;
  f.y_lo = kLogFloorCounts;
  f.y_hi = top * std::pow(10.0, std::max(0.6, kSpectrumHeadroom * decades));
  return render_figure(f, stem);
}

Paths plot_avse_vs_energy(const std::vector<double>& energy_kev, const std::vector<double>& avse,
                          const fs::path& stem, const EnergyBinning& b, std::size_t n_avse_bins) {
  if (energy_kev.size() != avse.size())
    throw wl::core::InputError("plot_avse_vs_energy: energies and A/E values differ in length");
  const std::size_t nx = bins_in(b, "plot_avse_vs_energy");
  const double hi_kev = b.lo_kev + nx * b.bin_kev;
  std::vector<double> in_window;
  for (std::size_t i = 0; i < avse.size(); ++i)
    if (energy_kev[i] >= b.lo_kev && energy_kev[i] < hi_kev) in_window.push_back(avse[i]);
  // The band of typical A/E, padded: a handful of extreme values must not flatten it.
  double lo = detail::quantile(in_window, 0.005), hi = detail::quantile(in_window, 0.995);
  if (!std::isfinite(lo) || !(hi > lo)) {
    const double mid = std::isfinite(lo) ? lo : 1.0;
    lo = mid - 0.5, hi = mid + 0.5;
  }
  const double pad = 0.1 * (hi - lo);
  const auto fill = detail::fill_2d(energy_kev, avse, b.lo_kev, hi_kev, nx, lo - pad, hi + pad,
                                    std::max<std::size_t>(1, n_avse_bins));
  Figure f;
  f.title = "A/E vs energy (" + detail::outside_text(fill, "energy", "A/E") + ")";
  f.x_label = "energy (keV)";
  f.y_label = "A/E (a.u.)";
  f.hist2d = fill.hist;  // no peak lines: they would hide the peaks' columns
  return render_figure(f, stem);
}

Paths plot_survival_fraction(const std::vector<SurvivalCurve>& curves, const fs::path& stem) {
  static const Marker kMarkers[] = {Marker::kCircle,  Marker::kSquare,       Marker::kTriangleUp,
                                    Marker::kDiamond, Marker::kTriangleDown, Marker::kStar};
  Figure f;
  f.title = "Survival fraction vs energy";
  f.x_label = "energy (keV)";
  f.y_label = "survival fraction";
  double lo_kev = INFINITY, hi_kev = -INFINITY;
  for (std::size_t k = 0; k < curves.size(); ++k) {
    const auto& c = curves[k];
    const std::size_t n = c.value.size();
    if (c.lo_kev.size() != n || c.hi_kev.size() != n || c.err_lo.size() != n ||
        c.err_hi.size() != n)
      throw wl::core::InputError("plot_survival_fraction: '" + c.name +
                                 "' has vectors of different lengths");
    Series s =
        detail::point_series(c.name, {}, c.value, static_cast<int>(k) + 1, kMarkers[k % 6], 0.55);
    s.width = 1.5;
    // Cuts side by side within each bin, so equal values do not hide each other.
    const double dodge =
        curves.size() > 1 ? 0.3 * (static_cast<double>(k) / (curves.size() - 1) - 0.5) : 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      s.x.push_back(0.5 * (c.lo_kev[i] + c.hi_kev[i]) + dodge * (c.hi_kev[i] - c.lo_kev[i]));
      lo_kev = std::min(lo_kev, c.lo_kev[i]);
      hi_kev = std::max(hi_kev, c.hi_kev[i]);
    }
    s.x_bar_lo = c.lo_kev;
    s.x_bar_hi = c.hi_kev;
    s.y_bar_lo = c.err_lo;
    s.y_bar_hi = c.err_hi;
    f.series.push_back(std::move(s));
  }
  if (std::isfinite(lo_kev)) mark_peaks(f, lo_kev, hi_kev);
  f.y_lo = 0;  // a fraction: the whole range, so cuts compare at a glance
  f.y_hi = 1.08;
  return render_figure(f, stem);
}

}  // namespace wl::report
