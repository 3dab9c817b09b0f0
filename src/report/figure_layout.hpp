#pragma once
// Where a Figure goes on the page (internal to wl_report): the plotting area, the axis
// ranges (log axes in log10 world coordinates) and the legend corner.
#include <string>
#include <vector>

#include "wavelearn/report/figure.hpp"

namespace wl::report::detail {

// The legend's text scale, line pitch (in character heights) and symbol width (frame
// fraction): draw_legend draws with them, layout_frame estimates the box from them.
inline constexpr double kTitleScale = 1.1, kCategoryScale = 0.9;

inline constexpr double kLegendTextScale = 0.9, kLegendSpacing = 2.0, kLegendSymbolWidth = 0.06;

// One axis: the visible range in world coordinates (log10 of the data on a log axis).
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;
  // World coordinate of a data value. On a log axis a value <= 0 maps to the lower edge
  // (a line falling to zero reaches the frame's edge); infinities and NaN give NaN.
  double map(double v) const;
  // Whether a marker at v is drawn: finite, and positive on a log axis.
  bool shows(double v) const;
  // Position in the frame: 0 at lo, 1 at hi.
  double frac(double world) const { return (world - lo) / (hi - lo); }
};

struct Frame {
  Axis x, y;
  double left = 0.11, right = 0.96, bottom = 0.12, top = 0.91;  // page fractions
  LegendPos legend = LegendPos::kTopRight;                      // a corner, never kBest
  std::size_t legend_entries = 0;                               // labelled series + notes
  std::vector<std::string> title_lines;  // one, or two when the title is too wide
  double title_scale = kTitleScale;
};

// The legend's lines: labelled series, then notes.
std::vector<std::string> legend_texts(const Figure& fig);

// Lays the figure out inside the horizontal band [band_bottom, band_top] of the page.
// Needs an open PLplot stream (it measures characters).
Frame layout_frame(const Figure& fig, double band_bottom, double band_top);

}  // namespace wl::report::detail
