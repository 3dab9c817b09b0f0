#include "plot_util.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "wavelearn/core/physics_constants.hpp"

namespace wl::report::detail {
namespace {

// The catalogue's energy of the 228Th line near `approx_kev`, so labels and lines always
// use the documented values.
double th228_line_kev(double approx_kev) {
  for (const auto& l : wl::core::kTh228Lines)
    if (std::fabs(l.energy_kev - approx_kev) < 0.5) return l.energy_kev;
  throw std::logic_error("no 228Th line near " + std::to_string(approx_kev) + " keV");
}

PeakLabel peak(double kev, const std::string& name, const std::string& short_name) {
  return {kev, name + " " + fmt("%.1f", kev), short_name};
}

}  // namespace

namespace {

Series make_series(std::string label, std::vector<double> x, std::vector<double> y, int color,
                   SeriesStyle style) {
  Series s;
  s.label = std::move(label);
  s.x = std::move(x);
  s.y = std::move(y);
  s.color = color;
  s.style = style;
  return s;
}

}  // namespace

Series line_series(std::string label, std::vector<double> x, std::vector<double> y, int color,
                   bool dashed, double width) {
  Series s = make_series(std::move(label), std::move(x), std::move(y), color, SeriesStyle::kLine);
  s.dashed = dashed;
  s.width = width;
  return s;
}

Series step_series(std::string label, std::vector<double> edges, std::vector<double> counts,
                   int color, bool dashed, double width) {
  Series s =
      make_series(std::move(label), std::move(edges), std::move(counts), color, SeriesStyle::kStep);
  s.dashed = dashed;
  s.width = width;
  return s;
}

Series point_series(std::string label, std::vector<double> x, std::vector<double> y, int color,
                    Marker marker, double marker_scale) {
  Series s = make_series(std::move(label), std::move(x), std::move(y), color, SeriesStyle::kPoints);
  s.marker = marker;
  s.marker_scale = marker_scale;
  return s;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::vector<double> edges_of(const eval::Histogram& h) {
  std::vector<double> e(h.n_bins() + 1);
  for (std::size_t i = 0; i <= h.n_bins(); ++i) e[i] = h.lo + i * h.bin_width();
  return e;
}

double quantile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const auto i = static_cast<std::size_t>(pos);
  const double frac = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] + frac * (v[i + 1] - v[i]) : v[i];
}

const std::vector<PeakLabel>& th228_peak_labels() {
  // PLplot's #u...#d writes the mass number as a superscript.
  static const std::vector<PeakLabel> peaks{peak(th228_line_kev(238.6), "#u212#dPb", "#u212#dPb"),
                                            peak(wl::core::kTl208_583Kev, "#u208#dTl", "#u208#dTl"),
                                            peak(th228_line_kev(727.3), "#u212#dBi", "#u212#dBi"),
                                            peak(th228_line_kev(860.6), "#u208#dTl", "#u208#dTl"),
                                            peak(wl::core::kDepKev, "DEP", "DEP"),
                                            peak(wl::core::kSepKev, "SEP", "SEP"),
                                            peak(wl::core::kTl208PeakKev, "FEP", "FEP")};
  return peaks;
}

Fill2D fill_2d(const std::vector<double>& x, const std::vector<double>& y, double x_lo, double x_hi,
               std::size_t nx, double y_lo, double y_hi, std::size_t ny) {
  if (x.size() != y.size()) throw std::invalid_argument("fill_2d: x and y differ in length");
  if (nx == 0 || ny == 0 || !(x_hi > x_lo) || !(y_hi > y_lo))
    throw std::invalid_argument("fill_2d: bad binning");
  Fill2D f;
  for (std::size_t i = 0; i <= nx; ++i) f.hist.x_edges.push_back(x_lo + (x_hi - x_lo) * i / nx);
  for (std::size_t i = 0; i <= ny; ++i) f.hist.y_edges.push_back(y_lo + (y_hi - y_lo) * i / ny);
  f.hist.counts.assign(nx * ny, 0.0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) {
      ++f.not_finite;
      continue;
    }
    if (x[i] < x_lo) {
      ++f.x_below;
      continue;
    }
    if (x[i] >= x_hi) {
      ++f.x_above;
      continue;
    }
    if (y[i] < y_lo) {
      ++f.y_below;
      continue;
    }
    if (y[i] >= y_hi) {
      ++f.y_above;
      continue;
    }
    const auto ix = std::min(nx - 1, static_cast<std::size_t>((x[i] - x_lo) / (x_hi - x_lo) * nx));
    const auto iy = std::min(ny - 1, static_cast<std::size_t>((y[i] - y_lo) / (y_hi - y_lo) * ny));
    f.hist.counts[ix * ny + iy] += 1.0;
  }
  return f;
}

std::string outside_text(const Fill2D& f, const std::string& x_name, const std::string& y_name) {
  std::string s;
  auto add = [&](std::size_t n, const std::string& what) {
    if (n == 0) return;
    s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  add(f.y_below, y_name + " low");
  add(f.y_above, y_name + " high");
  add(f.x_below, x_name + " low");
  add(f.x_above, x_name + " high");
  add(f.not_finite, "non-finite");
  return s.empty() ? "all events shown" : "outside the frame: " + s;
}

}  // namespace wl::report::detail
