#include "wavelearn/report/figure.hpp"

#include <plplot.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::report {
namespace fs = std::filesystem;
namespace {

std::mutex& plplot_mutex() {
  static std::mutex m;
  return m;
}

// Colour-blind-friendly palette (Okabe-Ito order) after black.
constexpr std::array<std::array<int, 3>, 8> kPalette{{{0, 0, 0},
                                                      {0, 114, 178},
                                                      {230, 159, 0},
                                                      {0, 158, 115},
                                                      {213, 94, 0},
                                                      {204, 121, 167},
                                                      {140, 86, 75},
                                                      {128, 128, 128}}};
constexpr int kFirstSeriesColor = 2;       // cmap0 index 0 is the background, 1 black
constexpr const char* kMarker = "\u25CF";  // filled circle, drawn as text by cairo

int cmap0_index(int palette_color) {
  const int n = static_cast<int>(kPalette.size());
  return kFirstSeriesColor - 1 + ((palette_color % n) + n) % n;
}

void set_palette() {
  plscmap0n(16);
  plscol0(0, 255, 255, 255);
  for (std::size_t i = 0; i < kPalette.size(); ++i) {
    plscol0(static_cast<PLINT>(i + 1), kPalette[i][0], kPalette[i][1], kPalette[i][2]);
  }
  plscol0(12, 235, 235, 235);  // grid lines
}

// PLplot exits the process when plinit cannot open a device, so check the driver first
// (Debian ships it separately from the library).
void require_device(const char* device) {
  static std::vector<std::string> known;
  if (known.empty()) {
    int n = 256;
    std::vector<const char*> menu(n), names(n);
    const char** m = menu.data();
    const char** d = names.data();
    plgDevs(&m, &d, &n);
    for (int i = 0; i < n; ++i) known.emplace_back(d[i]);
  }
  if (std::find(known.begin(), known.end(), device) == known.end()) {
    throw std::runtime_error(std::string("PLplot device ") + device +
                             " not available: install plplot-driver-cairo");
  }
}

// Opens a cairo stream on `file`, runs draw, closes the stream (which writes the file).
void with_stream(const char* device, const fs::path& file, int w, int h,
                 const std::function<void()>& draw) {
  std::lock_guard<std::mutex> lock(plplot_mutex());
  require_device(device);
  PLINT stream = 0;
  plmkstrm(&stream);
  if (stream < 0) throw std::runtime_error("PLplot: no free plot stream");
  plsdev(device);
  plsfnam(file.c_str());
  plspage(0, 0, w, h, 0, 0);
  set_palette();
  plinit();
  try {
    draw();
  } catch (...) {
    plend1();
    throw;
  }
  plend1();
}

std::vector<fs::path> render_both(const fs::path& stem, bool force, int w, int h,
                                  const std::function<void()>& draw) {
  if (stem.filename().empty()) throw wl::core::InputError("plot: empty output name");
  std::vector<fs::path> out;
  const std::pair<const char*, const char*> formats[] = {{"pngcairo", ".png"},
                                                         {"svgcairo", ".svg"}};
  for (const auto& [device, ext] : formats) {
    fs::path target = stem;
    target += ext;
    wl::core::write_atomically(target, force, [&](const fs::path& tmp) {
      with_stream(device, tmp, w, h, draw);
      if (!fs::exists(tmp)) throw std::runtime_error(target.string() + ": PLplot wrote no file");
    });
    out.push_back(target);
  }
  return out;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity(),
         hi = -std::numeric_limits<double>::infinity();
};

void include(Range& r, double v) {
  if (!std::isfinite(v)) return;
  r.lo = std::min(r.lo, v);
  r.hi = std::max(r.hi, v);
}

double transform_y(double y, bool log_y, double floor_y) {
  return log_y ? std::log10(std::max(y, floor_y)) : y;
}

void draw_figure(const Figure& fig) {
  // Data ranges (log axes: positive values only, floor half a decade below the smallest).
  Range xr, yr;
  double min_pos = std::numeric_limits<double>::infinity();
  for (const auto& s : fig.series) {
    for (double x : s.x) include(xr, x);
    for (double y : s.y) {
      if (fig.log_y) {
        if (y > 0) {
          include(yr, y);
          min_pos = std::min(min_pos, y);
        }
      } else
        include(yr, y);
    }
  }
  if (!(xr.hi > xr.lo)) {
    xr.lo = 0;
    xr.hi = 1;
  }
  if (!(yr.hi >= yr.lo)) {
    yr.lo = fig.log_y ? 0.1 : 0;
    yr.hi = 1;
  }
  double x_lo = fig.x_lo < fig.x_hi ? fig.x_lo : xr.lo,
         x_hi = fig.x_lo < fig.x_hi ? fig.x_hi : xr.hi;
  // Markers (points) at the data range edges would be cut in half: pad 3 %.
  bool has_points = false;
  for (const auto& s : fig.series) has_points |= s.style == SeriesStyle::kPoints;
  if (!(fig.x_lo < fig.x_hi) && has_points) {
    const double pad = 0.03 * (x_hi - x_lo);
    x_lo -= pad;
    x_hi += pad;
  }
  // A legend in the top corner needs free space above the data.
  bool has_legend = false;
  for (const auto& s : fig.series) has_legend |= !s.label.empty();
  const double headroom = has_legend && fig.legend_top_right ? 0.45 : 0.08;
  double y_lo, y_hi;
  const double floor_y = std::isfinite(min_pos) ? min_pos * 0.5 : 0.1;
  if (fig.y_lo < fig.y_hi) {
    y_lo = transform_y(fig.y_lo, fig.log_y, floor_y);
    y_hi = transform_y(fig.y_hi, fig.log_y, floor_y);
  } else if (fig.log_y) {
    y_lo = std::log10(floor_y);
    y_hi = std::log10(yr.hi);
    y_hi += std::max(0.3, headroom * (y_hi - y_lo));
  } else {
    const double span = yr.hi > yr.lo ? yr.hi - yr.lo : 1.0;
    y_lo = yr.lo >= 0 && yr.lo - 0.05 * span < 0 ? 0.0 : yr.lo - 0.05 * span;
    y_hi = yr.hi + headroom * span;
  }
  if (!(y_hi > y_lo)) y_hi = y_lo + 1;
  if (!(x_hi > x_lo)) x_hi = x_lo + 1;

  pladv(0);
  plschr(0, 1.0);
  plvpor(0.11, 0.96, 0.12, 0.91);
  plwind(x_lo, x_hi, y_lo, y_hi);
  plcol0(12);
  plwidth(1);
  plbox("g", 0, 0, fig.log_y ? "gl" : "g", 0, 0);
  plcol0(1);
  plbox("bcnst", 0, 0, fig.log_y ? "bcnstvl" : "bcnstv", 0, 0);
  pllab(fig.x_label.c_str(), fig.y_label.c_str(), fig.title.c_str());

  std::vector<PLINT> opt, colors, styles, sym_colors, sym_numbers;
  std::vector<PLFLT> widths, sym_scales;
  std::vector<const char*> texts, symbols;
  std::vector<double> xs, ys;
  for (const auto& s : fig.series) {
    const PLINT col = cmap0_index(s.color);
    plcol0(col);
    plwidth(s.width);
    pllsty(s.dashed ? 2 : 1);
    xs.clear();
    ys.clear();
    if (s.style == SeriesStyle::kStep) {
      if (s.x.size() != s.y.size() + 1) throw std::logic_error("step series needs n+1 edges");
      for (std::size_t i = 0; i < s.y.size(); ++i) {
        const double y = transform_y(s.y[i], fig.log_y, floor_y);
        xs.push_back(s.x[i]);
        ys.push_back(y);
        xs.push_back(s.x[i + 1]);
        ys.push_back(y);
      }
    } else {
      if (s.x.size() != s.y.size()) throw std::logic_error("series x and y differ in length");
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
        xs.push_back(s.x[i]);
        ys.push_back(transform_y(s.y[i], fig.log_y, floor_y));
      }
    }
    if (!xs.empty()) {
      if (s.style == SeriesStyle::kPoints) {
        plschr(0, 1.6);
        plstring(static_cast<PLINT>(xs.size()), xs.data(), ys.data(), kMarker);
        plschr(0, 1.0);
      } else {
        plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
      }
    }
    pllsty(1);
    if (!s.label.empty()) {
      opt.push_back(s.style == SeriesStyle::kPoints ? PL_LEGEND_SYMBOL : PL_LEGEND_LINE);
      colors.push_back(col);
      styles.push_back(s.dashed ? 2 : 1);
      widths.push_back(s.width);
      texts.push_back(s.label.c_str());
      sym_colors.push_back(col);
      sym_scales.push_back(1.0);
      sym_numbers.push_back(1);
      symbols.push_back(kMarker);
    }
  }
  if (!texts.empty()) {
    PLFLT lw = 0, lh = 0;
    plwidth(1);
    const PLINT pos = PL_POSITION_INSIDE | PL_POSITION_RIGHT |
                      (fig.legend_top_right ? PL_POSITION_TOP : PL_POSITION_BOTTOM);
    pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, pos, 0.02, 0.02, 0.08, 0, 1,
             1, 0, 0, static_cast<PLINT>(texts.size()), opt.data(), 1.0, 0.9, 2.0, 0.0,
             colors.data(), texts.data(), nullptr, nullptr, nullptr, nullptr, colors.data(),
             styles.data(), widths.data(), sym_colors.data(), sym_scales.data(), sym_numbers.data(),
             symbols.data());
  }
}

void draw_cells(const CellGrid& g) {
  const std::size_t rows = g.y_names.size(), cols = g.x_names.size();
  pladv(0);
  plschr(0, 1.0);
  plvpor(0.2, 0.95, 0.15, 0.88);
  plwind(0, static_cast<double>(cols), 0, static_cast<double>(rows));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = std::clamp(g.shade.at(r).at(c), 0.0, 1.0);
      // White to the palette blue.
      const int red = static_cast<int>(255 + v * (0 - 255)),
                green = static_cast<int>(255 + v * (114 - 255)),
                blue = static_cast<int>(255 + v * (178 - 255));
      plscol0(13, red, green, blue);
      plcol0(13);
      const double y0 = static_cast<double>(rows - 1 - r);
      PLFLT px[4] = {double(c), double(c + 1), double(c + 1), double(c)};
      PLFLT py[4] = {y0, y0, y0 + 1, y0 + 1};
      plfill(4, px, py);
      plcol0(v > 0.55 ? 0 : 1);
      plschr(0, 1.2);
      plptex(c + 0.5, y0 + 0.45, 1, 0, 0.5, g.text.at(r).at(c).c_str());
      plschr(0, 1.0);
    }
  }
  plcol0(1);
  plbox("bc", 0, 0, "bc", 0, 0);
  for (std::size_t c = 0; c < cols; ++c) {
    plmtex("b", 1.5, (c + 0.5) / cols, 0.5, g.x_names[c].c_str());
  }
  for (std::size_t r = 0; r < rows; ++r) {
    plmtex("lv", 0.8, 1.0 - (r + 0.5) / rows, 1.0, g.y_names[r].c_str());
  }
  plmtex("b", 3.2, 0.5, 0.5, g.x_label.c_str());
  plmtex("l", 7.0, 0.5, 0.5, g.y_label.c_str());
  plmtex("t", 1.5, 0.5, 0.5, g.title.c_str());
}

}  // namespace

std::vector<fs::path> render_figure(const Figure& fig, const fs::path& stem, bool force) {
  return render_both(stem, force, fig.width_px, fig.height_px, [&] { draw_figure(fig); });
}

std::vector<fs::path> render_cells(const CellGrid& grid, const fs::path& stem, bool force) {
  if (grid.shade.size() != grid.y_names.size() || grid.text.size() != grid.y_names.size()) {
    throw std::logic_error("render_cells: rows do not match row names");
  }
  return render_both(stem, force, grid.width_px, grid.height_px, [&] { draw_cells(grid); });
}

}  // namespace wl::report
