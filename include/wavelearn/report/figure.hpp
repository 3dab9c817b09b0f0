#pragma once
// A small plot description rendered by PLplot's cairo drivers to PNG and SVG. Plot
// functions build a Figure from plain vectors; render_figure draws it once per format.
#include <filesystem>
#include <string>
#include <vector>

namespace wl::report {

enum class SeriesStyle { kLine, kStep, kPoints };

// Colours by index into the report palette (0 black, 1 blue, 2 orange, 3 green, 4 red,
// 5 purple, 6 brown, 7 grey); indices wrap.
struct Series {
  std::string label;  // empty: not in the legend
  std::vector<double> x, y;
  int color = 1;
  SeriesStyle style = SeriesStyle::kLine;
  bool dashed = false;
  double width = 2.0;
  // kStep: x holds n+1 bin edges and y n bin contents.
};

struct Figure {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  bool log_y = false;
  // Axis ranges; when lo >= hi they are taken from the data.
  double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
  bool legend_top_right = true;  // false: bottom right
  int width_px = 900, height_px = 600;
};

// A heat map with the value printed in each cell (confusion matrices).
struct CellGrid {
  std::string title, x_label, y_label;
  std::vector<std::string> x_names, y_names;   // columns, rows (row 0 drawn on top)
  std::vector<std::vector<double>> shade;      // [row][col] in [0, 1]: colour intensity
  std::vector<std::vector<std::string>> text;  // [row][col]
  int width_px = 700, height_px = 600;
};

// Writes <stem>.png and <stem>.svg atomically (refusing to overwrite unless force).
// Returns the two paths. PLplot is not thread-safe: calls are serialised internally.
std::vector<std::filesystem::path> render_figure(const Figure& fig,
                                                 const std::filesystem::path& stem,
                                                 bool force = false);
std::vector<std::filesystem::path> render_cells(const CellGrid& grid,
                                                const std::filesystem::path& stem,
                                                bool force = false);

}  // namespace wl::report
