#pragma once
// A small plot description rendered by PLplot's cairo drivers to PNG and SVG. Plot
// functions build a Figure from plain vectors; render_figure draws it once per format.
// Output is deterministic: the same Figure gives byte-identical files.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace wl::report {

// kStep: x holds n+1 bin edges and y n bin contents. kHBars: one horizontal bar per point,
// from x = 0 to x, centred on y (bar charts with names on the y axis).
enum class SeriesStyle { kLine, kStep, kPoints, kHBars };

// Glyph of a kPoints series (and of its legend entry).
enum class Marker { kCircle, kSquare, kDiamond, kTriangleUp, kTriangleDown, kStar };

// kBest picks the corner that covers the fewest data points (like matplotlib's "best") and
// raises the frame's top only when every corner is occupied.
enum class LegendPos { kBest, kTopRight, kTopLeft, kBottomRight, kBottomLeft };

// Colours by index into the report palette (0 black, 1 blue, 2 orange, 3 green, 4 red,
// 5 purple, 6 brown, 7 grey); indices wrap.
struct Series {
  std::string label;  // empty: not in the legend
  std::vector<double> x, y;
  int color = 1;
  SeriesStyle style = SeriesStyle::kLine;
  bool dashed = false;
  double width = 2.0;
  Marker marker = Marker::kCircle;
  double marker_scale = 1.0;
  // Error bars as interval BOUNDS in data units (e.g. a Clopper-Pearson interval
  // [lo, hi]), not deltas from the point. Empty: no bars; a NaN bound: no bar for that
  // point. x bounds draw horizontal bars (bin extents).
  std::vector<double> y_bar_lo, y_bar_hi, x_bar_lo, x_bar_hi;
  // Per-point colour in [0, 1], blue (0, low) through purple to red (1, high), with
  // Figure::point_color_bar explaining it; NaN: grey. Empty: every point in `color`.
  std::vector<double> color_value;
};

// Text at data coordinates (e.g. a peak label). angle_deg counter-clockwise; just 0: the
// text starts at (x, y), 0.5: centred there, 1: ends there.
struct Annotation {
  double x = 0, y = 0;
  std::string text;
  double angle_deg = 0;
  double just = 0.5;
  int color = 0;
  double scale = 0.8;
};

// A vertical line across the whole frame (e.g. a peak energy); the label is written
// upwards beside the line, ending just below the top of the frame.
struct VLine {
  double x = 0;
  std::string label;
  int color = 7;
  bool dashed = true;
};

// A 2-D histogram drawn under the series with a colour bar at the right: the cell
// [x_edges[ix], x_edges[ix+1]) x [y_edges[iy], y_edges[iy+1]) holds counts[ix * n_y + iy]
// (n_x = x_edges.size() - 1, n_y = y_edges.size() - 1). Empty bins stay white. log_z:
// the colour scale is logarithmic in counts.
struct Hist2D {
  std::vector<double> x_edges, y_edges;
  std::vector<double> counts;
  bool log_z = true;
  std::string z_label = "events per bin";
};

// The colour bar of Series::color_value (e.g. "feature value" from "low" to "high").
struct PointColorBar {
  std::string label;
  std::string low_text = "low", high_text = "high";
};

struct Figure {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::vector<Annotation> annotations;
  std::vector<VLine> vlines;
  std::optional<Hist2D> hist2d;
  std::optional<PointColorBar> point_color_bar;
  // Log axes show positive values only: a line reaching zero is drawn down to the frame's
  // edge, points at zero or below are left out, and infinities are skipped.
  bool log_x = false, log_y = false;
  // Axis ranges; when lo >= hi they are taken from the data.
  double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
  // Names written on the y axis instead of numbers: y_categories[k] at y = k.
  std::vector<std::string> y_categories;
  LegendPos legend = LegendPos::kBest;
  // Extra text lines at the end of the legend box (counts, fit results).
  std::vector<std::string> notes;
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

// Writes <stem>.png and <stem>.svg, each atomically (a temporary file renamed over any
// existing one: the run directory decided once whether it may be overwritten). Returns the
// two paths, PNG first. Text in cairo's SVG is drawn as glyph outlines, so the SVG also
// gets <title> and <desc> elements listing every string on the plot (searchable, read by
// screen readers). PLplot is not thread-safe: calls are serialised internally.
std::vector<std::filesystem::path> render_figure(const Figure& fig,
                                                 const std::filesystem::path& stem);
// Panels stacked top to bottom on one page (e.g. loss above the validation metric).
std::vector<std::filesystem::path> render_figures(const std::vector<Figure>& panels,
                                                  const std::filesystem::path& stem);
std::vector<std::filesystem::path> render_cells(const CellGrid& grid,
                                                const std::filesystem::path& stem);

}  // namespace wl::report
