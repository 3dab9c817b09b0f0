// Drawing one Series: the line, step or markers in data coordinates and its error bars.
#include <plplot.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "canvas.hpp"
#include "figure_draw.hpp"

namespace wl::report::detail {
namespace {

constexpr double kBarHalfHeight = 0.35;   // kHBars: bars fill 70 % of a category row
constexpr double kMarkerTextScale = 1.5;  // a marker glyph at scale 1 is a readable dot

void line_pieces(const std::vector<double>& xs, const std::vector<double>& ys) {
  // A NaN breaks the line: missing values are not interpolated across.
  std::size_t start = 0;
  for (std::size_t i = 0; i <= xs.size(); ++i) {
    const bool gap = i == xs.size() || !std::isfinite(xs[i]) || !std::isfinite(ys[i]);
    if (!gap) continue;
    if (i - start >= 2) plline(static_cast<PLINT>(i - start), &xs[start], &ys[start]);
    start = i + 1;
  }
}

void draw_line(const Series& s, const Frame& f) {
  if (s.x.size() != s.y.size()) throw std::logic_error("series x and y differ in length");
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    xs.push_back(f.x.map(s.x[i]));
    ys.push_back(f.y.map(s.y[i]));
  }
  line_pieces(xs, ys);
}

void draw_step(const Series& s, const Frame& f) {
  if (s.x.size() != s.y.size() + 1) throw std::logic_error("step series needs n+1 edges");
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < s.y.size(); ++i) {
    const double y = f.y.map(std::isfinite(s.y[i]) ? s.y[i] : 0.0);
    xs.insert(xs.end(), {f.x.map(s.x[i]), f.x.map(s.x[i + 1])});
    ys.insert(ys.end(), {y, y});
  }
  line_pieces(xs, ys);
}

void draw_markers(const Series& s, const Frame& f) {
  if (s.x.size() != s.y.size()) throw std::logic_error("series x and y differ in length");
  const bool per_point = !s.color_value.empty();
  if (per_point && s.color_value.size() != s.x.size())
    throw std::logic_error("series colour values and points differ in length");
  plschr(0, kMarkerTextScale * s.marker_scale);
  const char* glyph = marker_glyph(s.marker);
  std::vector<double> xs, ys;
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!f.x.shows(s.x[i]) || !f.y.shows(s.y[i])) continue;
    double x = f.x.map(s.x[i]), y = f.y.map(s.y[i]);
    if (!per_point) {
      xs.push_back(x);
      ys.push_back(y);
      continue;
    }
    // In input order, so that no colour systematically covers another.
    const double v = s.color_value[i];
    if (std::isfinite(v))
      plcol1(std::fmin(1.0, std::fmax(0.0, v)));
    else
      plcol0(kMissingColor);
    plstring(1, &x, &y, glyph);
  }
  if (!xs.empty()) plstring(static_cast<PLINT>(xs.size()), xs.data(), ys.data(), glyph);
  plschr(0, 1.0);
}

void draw_hbars(const Series& s, const Frame& f) {
  if (s.x.size() != s.y.size()) throw std::logic_error("series x and y differ in length");
  const double x0 = f.x.map(0.0);  // zero, or the lower edge on a log axis
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    const double x1 = f.x.map(s.x[i]), y = s.y[i];
    if (!std::isfinite(x1) || !std::isfinite(y)) continue;
    PLFLT px[4] = {x0, x1, x1, x0};
    PLFLT py[4] = {y - kBarHalfHeight, y - kBarHalfHeight, y + kBarHalfHeight, y + kBarHalfHeight};
    plfill(4, px, py);
  }
}

// Bars between the bounds of each point; a NaN bound (or point) draws no bar.
void draw_bars(const std::vector<double>& at, const std::vector<double>& lo,
               const std::vector<double>& hi, const Axis& at_axis, const Axis& bar_axis,
               bool vertical) {
  if (lo.empty() && hi.empty()) return;
  if (lo.size() != at.size() || hi.size() != at.size())
    throw std::logic_error("error bounds and points differ in length");
  std::vector<double> a, l, h;
  for (std::size_t i = 0; i < at.size(); ++i) {
    if (!at_axis.shows(at[i]) || std::isnan(lo[i]) || std::isnan(hi[i])) continue;
    a.push_back(at_axis.map(at[i]));
    l.push_back(bar_axis.map(lo[i]));
    h.push_back(bar_axis.map(hi[i]));
    if (!std::isfinite(l.back()) || !std::isfinite(h.back())) {
      a.pop_back(), l.pop_back(), h.pop_back();
    }
  }
  if (a.empty()) return;
  const auto n = static_cast<PLINT>(a.size());
  if (vertical)
    plerry(n, a.data(), l.data(), h.data());
  else
    plerrx(n, l.data(), h.data(), a.data());
}

void draw_error_bars(const Series& s, const Frame& f) {
  plsmin(0, 0.6);  // short end caps
  plwidth(std::fmax(1.0, 0.6 * s.width));
  pllsty(1);
  // A point hidden on one axis hides its bars on the other: filter by both coordinates.
  std::vector<double> y_at(s.y.size()), x_at(s.x.size());
  for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
    const bool shown = f.x.shows(s.x[i]) && f.y.shows(s.y[i]);
    x_at[i] = shown ? s.x[i] : NAN;
    y_at[i] = shown ? s.y[i] : NAN;
  }
  draw_bars(x_at, s.y_bar_lo, s.y_bar_hi, f.x, f.y, true);
  draw_bars(y_at, s.x_bar_lo, s.x_bar_hi, f.y, f.x, false);
  plsmin(0, 1.0);
}

}  // namespace

void draw_series(const Series& s, const Frame& f) {
  plcol0(palette_index(s.color));
  draw_error_bars(s, f);
  plcol0(palette_index(s.color));
  plwidth(s.width);
  pllsty(s.dashed ? 2 : 1);
  switch (s.style) {
    case SeriesStyle::kLine:
      draw_line(s, f);
      break;
    case SeriesStyle::kStep:
      draw_step(s, f);
      break;
    case SeriesStyle::kPoints:
      draw_markers(s, f);
      break;
    case SeriesStyle::kHBars:
      draw_hbars(s, f);
      break;
  }
  pllsty(1);
  plwidth(1);
}

}  // namespace wl::report::detail
