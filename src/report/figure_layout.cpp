#include "figure_layout.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "canvas.hpp"

namespace wl::report::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Extent {
  double lo = kInf, hi = -kInf, min_pos = kInf;
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    if (v > 0) min_pos = std::min(min_pos, v);
  }
  bool empty() const { return !(hi >= lo); }
};

void add_all(Extent& e, const std::vector<double>& v) {
  for (double x : v) e.add(x);
}

Extent x_extent(const Figure& fig) {
  Extent e;
  for (const auto& s : fig.series) {
    add_all(e, s.x);
    add_all(e, s.x_bar_lo);
    add_all(e, s.x_bar_hi);
    if (s.style == SeriesStyle::kHBars && !s.x.empty()) e.add(0.0);
  }
  if (fig.hist2d) add_all(e, fig.hist2d->x_edges);
  for (const auto& v : fig.vlines) e.add(v.x);
  return e;
}

Extent y_extent(const Figure& fig) {
  Extent e;
  for (const auto& s : fig.series) {
    add_all(e, s.y);
    add_all(e, s.y_bar_lo);
    add_all(e, s.y_bar_hi);
  }
  if (fig.hist2d) add_all(e, fig.hist2d->y_edges);
  return e;
}

// pad_lo/pad_hi: fractions of the span (decades on a log axis) added below and above;
// a linear range of non-negative data that would dip below zero starts at zero.
Axis axis_from(const Extent& e, bool log, double fixed_lo, double fixed_hi, double pad_lo,
               double pad_hi) {
  Axis a;
  a.log = log;
  if (fixed_lo < fixed_hi) {
    const double floor = std::isfinite(e.min_pos) ? 0.5 * e.min_pos : 0.1;
    a.lo = log ? std::log10(fixed_lo > 0 ? fixed_lo : std::min(floor, 0.1 * fixed_hi)) : fixed_lo;
    a.hi = log ? std::log10(fixed_hi) : fixed_hi;
  } else if (log) {
    const bool any = std::isfinite(e.min_pos);
    const double lo = any ? std::log10(e.min_pos) : -1, hi = any ? std::log10(e.hi) : 0;
    const double span = std::max(hi - lo, 1.0);
    a.lo = lo - std::max(0.3, pad_lo * span);  // half a decade below the smallest value
    a.hi = hi + pad_hi * span;
  } else if (!e.empty()) {
    const double span = e.hi > e.lo ? e.hi - e.lo : std::max(1.0, std::fabs(e.hi));
    a.lo = e.lo >= 0 && e.lo - pad_lo * span < 0 ? 0.0 : e.lo - pad_lo * span;
    a.hi = e.hi + pad_hi * span;
  }
  if (!(a.hi > a.lo)) a.hi = a.lo + 1;
  return a;
}

// Samples (frame fractions) of what the figure draws, to find an empty legend corner.
struct Occupancy {
  std::vector<std::array<double, 2>> pts;
  void segment(double x0, double y0, double x1, double y1) {
    if (!std::isfinite(x0 + y0 + x1 + y1)) return;
    const int n = std::clamp(static_cast<int>(std::hypot(x1 - x0, y1 - y0) / 0.01), 1, 200);
    for (int k = 0; k <= n; ++k) pts.push_back({x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n});
  }
};

void sample_series(const Series& s, const Frame& f, Occupancy& occ) {
  auto fx = [&](double v) { return f.x.frac(f.x.map(v)); };
  auto fy = [&](double v) { return f.y.frac(f.y.map(v)); };
  if (s.style == SeriesStyle::kStep && s.x.size() == s.y.size() + 1) {
    for (std::size_t i = 0; i < s.y.size(); ++i) {
      occ.segment(fx(s.x[i]), fy(s.y[i]), fx(s.x[i + 1]), fy(s.y[i]));
      if (i + 1 < s.y.size())
        occ.segment(fx(s.x[i + 1]), fy(s.y[i]), fx(s.x[i + 1]), fy(s.y[i + 1]));
    }
    return;
  }
  const std::size_t n = std::min(s.x.size(), s.y.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (s.style == SeriesStyle::kPoints) {
      if (f.x.shows(s.x[i]) && f.y.shows(s.y[i])) occ.pts.push_back({fx(s.x[i]), fy(s.y[i])});
    } else if (s.style == SeriesStyle::kHBars) {
      occ.segment(fx(0.0), fy(s.y[i]), fx(s.x[i]), fy(s.y[i]));
    } else if (i + 1 < n) {
      occ.segment(fx(s.x[i]), fy(s.y[i]), fx(s.x[i + 1]), fy(s.y[i + 1]));
    }
  }
}

// The line along an annotation's text, from its estimated length and angle.
void sample_text(const Annotation& a, const Frame& f, Occupancy& occ) {
  const CharSize cs = char_size();
  const double len = a.scale * static_cast<double>(plain_text(a.text).size());  // in glyphs
  const double rad = a.angle_deg * M_PI / 180.0;
  const double dx = std::cos(rad) * len * cs.w / (f.right - f.left);
  const double dy = std::sin(rad) * len * cs.w * (cs.h / cs.h_in_w) / (f.top - f.bottom);
  const double x0 = f.x.frac(f.x.map(a.x)) - a.just * dx, y0 = f.y.frac(f.y.map(a.y)) - a.just * dy;
  occ.segment(x0, y0, x0 + dx, y0 + dy);
}

Occupancy sample_figure(const Figure& fig, const Frame& f) {
  Occupancy occ;
  for (const auto& s : fig.series) sample_series(s, f, occ);
  if (fig.hist2d) {
    const auto& h = *fig.hist2d;
    const std::size_t ny = h.y_edges.size() - 1;
    for (std::size_t k = 0; k < h.counts.size() && ny > 0; ++k) {
      if (!(h.counts[k] > 0)) continue;
      const std::size_t ix = k / ny, iy = k % ny;
      occ.pts.push_back({f.x.frac(f.x.map(0.5 * (h.x_edges[ix] + h.x_edges[ix + 1]))),
                         f.y.frac(f.y.map(0.5 * (h.y_edges[iy] + h.y_edges[iy + 1])))});
    }
  }
  for (const auto& v : fig.vlines)  // the label hangs from the top of the frame
    if (!v.label.empty()) occ.segment(f.x.frac(f.x.map(v.x)), 1.0, f.x.frac(f.x.map(v.x)), 0.75);
  for (const auto& a : fig.annotations) sample_text(a, f, occ);
  return occ;
}

// The legend's box in frame fractions: {width, height}.
std::array<double, 2> legend_size(const Figure& fig, const Frame& f) {
  const CharSize cs = char_size();
  std::size_t chars = 0;
  const auto texts = legend_texts(fig);
  for (const auto& t : texts) chars = std::max(chars, plain_text(t).size());
  const double w_page = (3.0 + kLegendTextScale * static_cast<double>(chars)) * cs.w;
  const double h_page = (kLegendSpacing * kLegendTextScale * texts.size() + 1.0) * cs.h;
  return {kLegendSymbolWidth + w_page / (f.right - f.left), h_page / (f.top - f.bottom)};
}

std::size_t count_in_corner(const Occupancy& occ, LegendPos pos, std::array<double, 2> size) {
  const bool right = pos == LegendPos::kTopRight || pos == LegendPos::kBottomRight;
  const bool top = pos == LegendPos::kTopRight || pos == LegendPos::kTopLeft;
  // The box plus a small margin: a line just grazing the legend still reads as covered.
  constexpr double kMargin = 0.015;
  const double x0 = right ? 0.98 - size[0] : 0.02, y0 = top ? 0.98 - size[1] : 0.02;
  std::size_t n = 0;
  for (const auto& p : occ.pts)
    if (p[0] >= x0 - kMargin && p[0] <= x0 + size[0] + kMargin && p[1] >= y0 - kMargin &&
        p[1] <= y0 + size[1] + kMargin)
      ++n;
  return n;
}

// The corner covering the fewest samples, earlier candidates winning ties.
LegendPos emptiest(const Figure& fig, const Frame& f, const std::vector<LegendPos>& candidates,
                   std::size_t* count) {
  const Occupancy occ = sample_figure(fig, f);
  const auto size = legend_size(fig, f);
  LegendPos best = candidates.front();
  std::size_t best_n = std::numeric_limits<std::size_t>::max();
  for (LegendPos p : candidates) {
    const std::size_t n = count_in_corner(occ, p, size);
    if (n < best_n) {
      best = p;
      best_n = n;
    }
  }
  *count = best_n;
  return best;
}

void place_legend(const Figure& fig, Frame& f, bool may_raise) {
  const bool best = fig.legend == LegendPos::kBest;
  const std::vector<LegendPos> all{LegendPos::kTopRight, LegendPos::kTopLeft,
                                   LegendPos::kBottomRight, LegendPos::kBottomLeft};
  std::size_t covered = 0;
  f.legend = emptiest(fig, f, best ? all : std::vector<LegendPos>{fig.legend}, &covered);
  const bool top = f.legend == LegendPos::kTopRight || f.legend == LegendPos::kTopLeft;
  if (covered == 0 || !may_raise || !(top || best)) return;
  // Every candidate covers data: raise the top so the data ends below a top legend.
  const double h = legend_size(fig, f)[1];
  f.y.hi = f.y.lo + (f.y.hi - f.y.lo) / std::max(0.3, 1.0 - h - 0.04);
  if (best) f.legend = emptiest(fig, f, {LegendPos::kTopRight, LegendPos::kTopLeft}, &covered);
}

// Where a two-line title breaks: the " (" or ", " nearest the middle, else a space.
std::size_t title_break(const std::string& t) {
  const std::size_t mid = t.size() / 2;
  const auto off_centre = [&](std::size_t p) { return p > mid ? p - mid : mid - p; };
  for (const char* sep : {" (", ", ", " "}) {
    std::size_t best = std::string::npos;
    for (auto p = t.find(sep); p != std::string::npos; p = t.find(sep, p + 1))
      if (best == std::string::npos || off_centre(p) < off_centre(best)) best = p;
    if (best != std::string::npos) return best;
  }
  return std::string::npos;
}

// A title wider than the page around the frame's centre shrinks a little, then breaks
// into two lines at full size (squeezed text reads worse than two lines).
void fit_title(const std::string& title, Frame& f) {
  const CharSize cs = char_size();
  const double centre = 0.5 * (f.left + f.right);
  const double room = 2.0 * std::min(centre - 0.01, 0.99 - centre);
  const double width = kTitleScale * cs.w * static_cast<double>(plain_text(title).size());
  f.title_lines = {title};
  f.title_scale = kTitleScale;
  if (width <= room) return;
  if (width * 0.85 / kTitleScale <= room) {
    f.title_scale = kTitleScale * room / width;
    return;
  }
  const std::size_t at = title_break(title);
  if (at == std::string::npos) return;
  const std::size_t skip = title.compare(at, 2, ", ") == 0 ? 2 : 1;  // keep "(" on line two
  f.title_lines = {title.substr(0, at + (skip == 2 ? 1 : 0)), title.substr(at + skip)};
}

void place_viewport(const Figure& fig, Frame& f, double band_bottom, double band_top) {
  const CharSize cs = char_size();
  std::size_t chars = 0;
  for (const auto& c : fig.y_categories) chars = std::max(chars, plain_text(c).size());
  f.left = std::clamp(0.05 + kCategoryScale * static_cast<double>(chars) * cs.w, 0.11, 0.5);
  const bool color_bar = fig.hist2d.has_value() || fig.point_color_bar.has_value();
  f.right = color_bar ? 0.83 : 0.96;
  fit_title(fig.title, f);
  f.bottom = band_bottom + 4.6 * cs.h;
  f.top = band_top - (f.title_lines.size() > 1 ? 5.2 : 3.6) * cs.h;
}

}  // namespace

double Axis::map(double v) const {
  if (std::isnan(v) || std::isinf(v)) return std::numeric_limits<double>::quiet_NaN();
  if (!log) return v;
  return v > 0 ? std::log10(v) : lo;
}

bool Axis::shows(double v) const { return std::isfinite(v) && (!log || v > 0); }

std::vector<std::string> legend_texts(const Figure& fig) {
  std::vector<std::string> t;
  for (const auto& s : fig.series)
    if (!s.label.empty()) t.push_back(s.label);
  t.insert(t.end(), fig.notes.begin(), fig.notes.end());
  return t;
}

Frame layout_frame(const Figure& fig, double band_bottom, double band_top) {
  Frame f;
  place_viewport(fig, f, band_bottom, band_top);
  bool marks = false;
  for (const auto& s : fig.series)
    marks |= s.style == SeriesStyle::kPoints || s.style == SeriesStyle::kHBars;
  const double x_pad = marks ? 0.03 : 0.0;  // markers at the edge would be cut in half
  const double y_pad_lo = fig.hist2d ? 0.0 : 0.05, y_pad_hi = fig.hist2d ? 0.0 : 0.08;
  f.x = axis_from(x_extent(fig), fig.log_x, fig.x_lo, fig.x_hi, x_pad, x_pad);
  const bool categories = !fig.y_categories.empty();
  const double n_cat = static_cast<double>(fig.y_categories.size());
  f.y = categories && !(fig.y_lo < fig.y_hi)
            ? axis_from(Extent{}, false, -0.6, n_cat - 0.4, 0, 0)
            : axis_from(y_extent(fig), fig.log_y, fig.y_lo, fig.y_hi, y_pad_lo, y_pad_hi);
  f.legend_entries = legend_texts(fig).size();
  // A 2-D histogram fills its frame: raising the top would only add an empty band.
  const bool may_raise = !(fig.y_lo < fig.y_hi) && !categories && !fig.hist2d;
  if (f.legend_entries > 0) place_legend(fig, f, may_raise);
  return f;
}

}  // namespace wl::report::detail
