// Colour-coded layers: the 2-D histogram (cmap1, optionally logarithmic) with its colour
// bar, and the low-to-high colour bar of per-point colours.
#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "canvas.hpp"
#include "figure_draw.hpp"

namespace wl::report::detail {
namespace {

constexpr int kBarSteps = 128;   // colour bar strips: smooth at any output size
constexpr int kHistLevels = 64;  // 2-D histogram colours: more are not told apart

// The colour bar's viewport: a strip right of the frame, as tall as the frame.
void enter_bar(const Frame& f, double z_lo, double z_hi) {
  plvpor(f.right + 0.02, f.right + 0.045, f.bottom, f.top);
  plwind(0, 1, z_lo, z_hi);
  for (int k = 0; k < kBarSteps; ++k) {
    const double v0 = z_lo + (z_hi - z_lo) * k / kBarSteps;
    const double v1 = z_lo + (z_hi - z_lo) * (k + 1) / kBarSteps;
    plcol1((k + 0.5) / kBarSteps);
    PLFLT px[4] = {0, 1, 1, 0}, py[4] = {v0, v0, v1, v1};
    plfill(4, px, py);
  }
  plcol0(1);
  plwidth(1);
}

void check_shape(const Hist2D& h) {
  if (h.x_edges.size() < 2 || h.y_edges.size() < 2)
    throw std::logic_error("Hist2D needs at least one bin per axis");
  if (h.counts.size() != (h.x_edges.size() - 1) * (h.y_edges.size() - 1))
    throw std::logic_error("Hist2D counts do not match its edges");
}

}  // namespace

void enter_frame(const Frame& f) {
  plvpor(f.left, f.right, f.bottom, f.top);
  plwind(f.x.lo, f.x.hi, f.y.lo, f.y.hi);
}

void draw_hist2d(const Hist2D& h, const Frame& f) {
  check_shape(h);
  const std::size_t nx = h.x_edges.size() - 1, ny = h.y_edges.size() - 1;
  double lo = INFINITY, hi = 0;
  for (double c : h.counts)
    if (c > 0 && std::isfinite(c)) lo = std::min(lo, c), hi = std::max(hi, c);
  if (!(hi > 0)) return;  // nothing to colour
  // Colour scale from the smallest non-empty bin (log: count 1 is the darkest colour).
  const double z_lo = h.log_z ? std::log10(lo) : 0.0;
  double z_hi = h.log_z ? std::log10(hi) : hi;
  if (!(z_hi > z_lo)) z_hi = z_lo + 1;
  use_color_scale(ColorScale::kSequential);
  auto level = [&](double c) {  // kHistLevels colours; -1: empty, left white
    if (!(c > 0) || !std::isfinite(c)) return -1;
    const double u = ((h.log_z ? std::log10(c) : c) - z_lo) / (z_hi - z_lo);
    return static_cast<int>(std::lround(std::clamp(u, 0.0, 1.0) * (kHistLevels - 1)));
  };
  // Filled rectangles, one per run of equal colour up a column: far fewer SVG paths than
  // one per bin. (plimage's cairo fast path treats the values as grid POINTS, drawing
  // (nx-1) x (ny-1) cells shifted by half a bin, so the cells are filled here.)
  for (std::size_t ix = 0; ix < nx; ++ix) {
    for (std::size_t iy = 0; iy < ny;) {
      const int l = level(h.counts[ix * ny + iy]);
      std::size_t end = iy + 1;
      while (end < ny && level(h.counts[ix * ny + end]) == l) ++end;
      if (l >= 0) {
        plcol1(static_cast<double>(l) / (kHistLevels - 1));
        const double x0 = f.x.map(h.x_edges[ix]), x1 = f.x.map(h.x_edges[ix + 1]);
        const double y0 = f.y.map(h.y_edges[iy]), y1 = f.y.map(h.y_edges[end]);
        PLFLT px[4] = {x0, x1, x1, x0};
        PLFLT py[4] = {y0, y0, y1, y1};
        plfill(4, px, py);
      }
      iy = end;
    }
  }
  enter_bar(f, z_lo, z_hi);
  plbox("bc", 0, 0, h.log_z ? "bcmstvl" : "bcmstv", 0, 0);
  plmtex("r", 5.0, 0.5, 0.5, h.z_label.c_str());
  enter_frame(f);
}

void draw_point_color_bar(const PointColorBar& bar, const Frame& f) {
  use_color_scale(ColorScale::kBlueRed);
  enter_bar(f, 0, 1);
  plbox("bc", 0, 0, "bc", 0, 0);
  plschr(0, 0.85);
  plmtex("t", 0.6, 0.5, 0.5, bar.high_text.c_str());
  plmtex("b", 1.2, 0.5, 0.5, bar.low_text.c_str());
  plschr(0, 1.0);
  plmtex("r", 1.2, 0.5, 0.5, bar.label.c_str());
  enter_frame(f);
}

}  // namespace wl::report::detail
