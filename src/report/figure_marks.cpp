// What is written over the data: vertical marker lines with labels, annotations at data
// coordinates, and the legend box.
#include <plplot.h>

#include <cmath>
#include <vector>

#include "canvas.hpp"
#include "figure_draw.hpp"

namespace wl::report::detail {
namespace {

constexpr double kVLineTextScale = 0.75;

// World-coordinate direction of text at angle_deg, corrected for the frame's aspect so the
// text looks rotated by that angle on the page.
void text_direction(const Frame& f, double angle_deg, double& dx, double& dy) {
  const CharSize cs = char_size();
  const double page_w_over_h = cs.h / cs.h_in_w;
  const double a = angle_deg * M_PI / 180.0;
  dx = std::cos(a) * (f.x.hi - f.x.lo) / ((f.right - f.left) * page_w_over_h);
  dy = std::sin(a) * (f.y.hi - f.y.lo) / (f.top - f.bottom);
}

PLINT legend_position(LegendPos p) {
  const bool right = p == LegendPos::kTopRight || p == LegendPos::kBottomRight;
  const bool top = p == LegendPos::kTopRight || p == LegendPos::kTopLeft;
  return PL_POSITION_INSIDE | (right ? PL_POSITION_RIGHT : PL_POSITION_LEFT) |
         (top ? PL_POSITION_TOP : PL_POSITION_BOTTOM);
}

}  // namespace

void draw_vlines(const std::vector<VLine>& lines, const Frame& f) {
  const CharSize cs = char_size();
  // The label sits left of the line, clear of it by about half a glyph height.
  const double offset = 0.7 * kVLineTextScale * cs.h_in_w / (f.right - f.left) * (f.x.hi - f.x.lo);
  const double below_top = 0.015 * (f.y.hi - f.y.lo);
  for (const auto& v : lines) {
    const double x = f.x.map(v.x);
    if (!std::isfinite(x) || x < f.x.lo || x > f.x.hi) continue;
    plcol0(palette_index(v.color));
    plwidth(1.2);
    pllsty(v.dashed ? 2 : 1);
    pljoin(x, f.y.lo, x, f.y.hi);
    pllsty(1);
    if (v.label.empty()) continue;
    plschr(0, kVLineTextScale);
    plcol0(1);
    plptex(x - offset, f.y.hi - below_top, 0, 1, 1.0, v.label.c_str());
  }
  plschr(0, 1.0);
  plwidth(1);
}

void draw_annotations(const std::vector<Annotation>& notes, const Frame& f) {
  for (const auto& a : notes) {
    if (!f.x.shows(a.x) || !f.y.shows(a.y)) continue;
    const double x = f.x.map(a.x), y = f.y.map(a.y);
    double dx = 1, dy = 0;
    text_direction(f, a.angle_deg, dx, dy);
    plschr(0, a.scale);
    plcol0(palette_index(a.color));
    plptex(x, y, dx, dy, a.just, a.text.c_str());
  }
  plschr(0, 1.0);
}

void draw_legend(const Figure& fig, const Frame& f) {
  if (f.legend_entries == 0) return;
  std::vector<PLINT> opt, colors, text_colors, styles, sym_numbers, patterns;
  std::vector<PLFLT> widths, sym_scales, box_scales;
  std::vector<const char*> texts, symbols;
  for (const auto& s : fig.series) {
    if (s.label.empty()) continue;
    const bool marker = s.style == SeriesStyle::kPoints, box = s.style == SeriesStyle::kHBars;
    opt.push_back(marker ? PL_LEGEND_SYMBOL : box ? PL_LEGEND_COLOR_BOX : PL_LEGEND_LINE);
    colors.push_back(palette_index(s.color));
    styles.push_back(s.dashed ? 2 : 1);
    widths.push_back(s.width);
    sym_scales.push_back(1.2 * s.marker_scale);
    symbols.push_back(marker_glyph(s.marker));
    texts.push_back(s.label.c_str());
  }
  for (const auto& n : fig.notes) {  // text only: counts and fit values
    opt.push_back(PL_LEGEND_NONE);
    colors.push_back(1);
    styles.push_back(1);
    widths.push_back(1);
    sym_scales.push_back(1);
    symbols.push_back("");
    texts.push_back(n.c_str());
  }
  const std::size_t n = texts.size();
  text_colors.assign(n, 1);
  sym_numbers.assign(n, 1);
  patterns.assign(n, 0);
  box_scales.assign(n, 0.8);
  PLFLT w = 0, h = 0;
  plwidth(1);
  pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, legend_position(f.legend), 0.02,
           0.02, kLegendSymbolWidth, 0, 1, 1, 0, 0, static_cast<PLINT>(n), opt.data(), 1.0,
           kLegendTextScale, kLegendSpacing, 0.0, text_colors.data(), texts.data(), colors.data(),
           patterns.data(), box_scales.data(), widths.data(), colors.data(), styles.data(),
           widths.data(), colors.data(), sym_scales.data(), sym_numbers.data(), symbols.data());
}

}  // namespace wl::report::detail
