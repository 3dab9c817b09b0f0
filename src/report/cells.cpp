// CellGrid: a heat map with the value written in each cell (confusion matrices).
#include <plplot.h>

#include <algorithm>
#include <stdexcept>

#include "canvas.hpp"
#include "wavelearn/report/figure.hpp"

namespace wl::report {
namespace fs = std::filesystem;
namespace {

// White blended towards the palette blue by v in [0, 1]; dark cells get white text.
void shade_cell(double v, std::size_t row_from_bottom, std::size_t col, const std::string& text) {
  int r = 0, g = 0, b = 0;
  detail::palette_rgb(1, r, g, b);
  plscol0(detail::kScratchColor, static_cast<int>(255 + v * (r - 255)),
          static_cast<int>(255 + v * (g - 255)), static_cast<int>(255 + v * (b - 255)));
  plcol0(detail::kScratchColor);
  const double x0 = static_cast<double>(col), y0 = static_cast<double>(row_from_bottom);
  PLFLT px[4] = {x0, x0 + 1, x0 + 1, x0};
  PLFLT py[4] = {y0, y0, y0 + 1, y0 + 1};
  plfill(4, px, py);
  plcol0(v > 0.55 ? 0 : 1);
  plschr(0, 1.2);
  plptex(x0 + 0.5, y0 + 0.45, 1, 0, 0.5, text.c_str());
  plschr(0, 1.0);
}

void draw_cells(const CellGrid& g) {
  const std::size_t rows = g.y_names.size(), cols = g.x_names.size();
  pladv(0);
  plschr(0, 1.0);
  plvpor(0.2, 0.95, 0.15, 0.88);
  plwind(0, static_cast<double>(cols), 0, static_cast<double>(rows));
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      shade_cell(std::clamp(g.shade.at(r).at(c), 0.0, 1.0), rows - 1 - r, c, g.text.at(r).at(c));
  plcol0(1);
  plbox("bc", 0, 0, "bc", 0, 0);
  for (std::size_t c = 0; c < cols; ++c)
    plmtex("b", 1.5, (c + 0.5) / cols, 0.5, g.x_names[c].c_str());
  for (std::size_t r = 0; r < rows; ++r)
    plmtex("lv", 0.8, 1.0 - (r + 0.5) / rows, 1.0, g.y_names[r].c_str());
  plmtex("b", 3.2, 0.5, 0.5, g.x_label.c_str());
  plmtex("l", 7.0, 0.5, 0.5, g.y_label.c_str());
  plschr(0, 1.1);
  plmtex("t", 1.5, 0.5, 0.5, g.title.c_str());
  plschr(0, 1.0);
}

}  // namespace

std::vector<fs::path> render_cells(const CellGrid& grid, const fs::path& stem) {
  if (grid.shade.size() != grid.y_names.size() || grid.text.size() != grid.y_names.size()) {
    throw std::logic_error("render_cells: rows do not match row names");
  }
  std::vector<std::string> texts{grid.title, grid.x_label, grid.y_label};
  texts.insert(texts.end(), grid.x_names.begin(), grid.x_names.end());
  texts.insert(texts.end(), grid.y_names.begin(), grid.y_names.end());
  for (const auto& row : grid.text) texts.insert(texts.end(), row.begin(), row.end());
  return detail::render_pages(stem, grid.width_px, grid.height_px, texts,
                              [&] { draw_cells(grid); });
}

}  // namespace wl::report
