// A Figure on the page: grid, layers in drawing order, axes and labels; one or several
// panels per page.
#include "wavelearn/report/figure.hpp"

#include <plplot.h>

#include <algorithm>
#include <string>
#include <vector>

#include "canvas.hpp"
#include "figure_draw.hpp"
#include "figure_layout.hpp"

namespace wl::report {
namespace fs = std::filesystem;
namespace {

using detail::Frame;

using detail::kCategoryScale;

std::string axis_options(const char* base, bool log) {
  return std::string(base) + (log ? "l" : "");
}

void draw_grid(const Figure& fig, const Frame& f) {
  plcol0(detail::kGridColor);
  plwidth(1);
  const bool categories = !fig.y_categories.empty();
  plbox(axis_options("g", f.x.log).c_str(), 0, 0,
        categories ? "" : axis_options("g", f.y.log).c_str(), 0, 0);
}

// Feature names (or other categories) at y = k instead of numbers.
void draw_categories(const Figure& fig, const Frame& f) {
  plschr(0, kCategoryScale);
  for (std::size_t k = 0; k < fig.y_categories.size(); ++k) {
    const double pos = f.y.frac(static_cast<double>(k));
    if (pos < 0 || pos > 1) continue;
    plmtex("lv", 0.8, pos, 1.0, fig.y_categories[k].c_str());
  }
  plschr(0, 1.0);
}

void draw_axes_and_labels(const Figure& fig, const Frame& f) {
  plcol0(1);
  plwidth(1);
  const bool categories = !fig.y_categories.empty();
  plbox(axis_options("bcnst", f.x.log).c_str(), 0, 0,
        categories ? "bc" : axis_options("bcnstv", f.y.log).c_str(), 0, 0);
  std::size_t chars = 0;
  for (const auto& c : fig.y_categories) chars = std::max(chars, detail::plain_text(c).size());
  // Clear of the tick numbers, or of the longest category name (disp is in glyph heights;
  // a glyph is ~0.75 of its height wide).
  const double y_label_disp = categories ? 2.2 + 0.75 * kCategoryScale * chars : 4.2;
  if (categories) draw_categories(fig, f);
  plmtex("b", 3.0, 0.5, 0.5, fig.x_label.c_str());
  plmtex("l", y_label_disp, 0.5, 0.5, fig.y_label.c_str());
  plschr(0, f.title_scale);
  const bool two = f.title_lines.size() > 1;
  for (std::size_t i = 0; i < f.title_lines.size(); ++i)
    plmtex("t", two && i == 0 ? 2.5 : 1.2, 0.5, 0.5, f.title_lines[i].c_str());
  plschr(0, 1.0);
}

bool has_point_colors(const Figure& fig) {
  for (const auto& s : fig.series)
    if (!s.color_value.empty()) return true;
  return false;
}

// Drawing order: grid, 2-D histogram, marker lines, series, annotations, axes, legend,
// colour bars (the legend after the data so it covers it, never the reverse).
void draw_panel(const Figure& fig, double band_bottom, double band_top) {
  const Frame f = detail::layout_frame(fig, band_bottom, band_top);
  detail::enter_frame(f);
  draw_grid(fig, f);
  if (fig.hist2d) detail::draw_hist2d(*fig.hist2d, f);
  detail::draw_vlines(fig.vlines, f);
  if (has_point_colors(fig)) detail::use_color_scale(detail::ColorScale::kBlueRed);
  for (const auto& s : fig.series) detail::draw_series(s, f);
  detail::draw_annotations(fig.annotations, f);
  draw_axes_and_labels(fig, f);
  detail::draw_legend(fig, f);
  if (fig.point_color_bar) detail::draw_point_color_bar(*fig.point_color_bar, f);
}

// Every string the figure shows, title first (the SVG's <title> and <desc>).
std::vector<std::string> figure_texts(const Figure& fig) {
  std::vector<std::string> t{fig.title, fig.x_label, fig.y_label};
  for (const auto& s : detail::legend_texts(fig)) t.push_back(s);
  for (const auto& c : fig.y_categories) t.push_back(c);
  for (const auto& v : fig.vlines) t.push_back(v.label);
  for (const auto& a : fig.annotations) t.push_back(a.text);
  if (fig.hist2d) t.push_back(fig.hist2d->z_label);
  if (fig.point_color_bar) {
    const auto& b = *fig.point_color_bar;
    t.insert(t.end(), {b.label, b.low_text, b.high_text});
  }
  return t;
}

}  // namespace

std::vector<fs::path> render_figures(const std::vector<Figure>& panels, const fs::path& stem) {
  if (panels.empty()) throw std::logic_error("render_figures: no panels");
  int width = 0, height = 0;
  std::vector<std::string> texts;
  for (const auto& p : panels) {
    width = std::max(width, p.width_px);
    height += p.height_px;
    const auto t = figure_texts(p);
    texts.insert(texts.end(), t.begin(), t.end());
  }
  return detail::render_pages(stem, width, height, texts, [&] {
    pladv(0);
    plschr(0, 1.0);
    double top = 1.0;
    for (const auto& p : panels) {
      const double bottom = top - static_cast<double>(p.height_px) / height;
      draw_panel(p, bottom, top);
      top = bottom;
    }
  });
}

std::vector<fs::path> render_figure(const Figure& fig, const fs::path& stem) {
  return render_figures({fig}, stem);
}

}  // namespace wl::report
