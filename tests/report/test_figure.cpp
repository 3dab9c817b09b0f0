// The Figure renderer: log axes with awkward values, error bars with gaps, 2-D histograms,
// panels, annotations; files replaced atomically and rendered deterministically.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "plot_checks.hpp"
#include "wavelearn/report/figure.hpp"

using namespace wl::report;
using namespace plot_checks;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Series points(std::vector<double> x, std::vector<double> y) {
  Series s;
  s.label = "points";
  s.x = std::move(x);
  s.y = std::move(y);
  s.style = SeriesStyle::kPoints;
  return s;
}

Figure simple_figure() {
  Figure f;
  f.title = "simple";
  f.x_label = "x (ns)";
  f.y_label = "y (keV)";
  Series s;
  s.label = "line";
  s.x = {0, 1, 2, 3};
  s.y = {1, 3, 2, 4};
  f.series.push_back(s);
  return f;
}

}  // namespace

TEST(Figure, LogAxesTolerateZeroNegativeAndInfiniteValues) {
  const auto dir = plot_dir("log_axes");
  Figure f = simple_figure();
  f.log_x = f.log_y = true;
  Series line;
  line.label = "reaches zero";
  line.x = {0, 1e-3, 0.1, 1, 10, kInf};
  line.y = {0, 0, 1e-2, 5, -1, kInf};
  f.series = {line, points({0, -1, 1e-6, 1e3, NAN}, {1, 1e5, 0, 2, 3})};
  Series steps;
  steps.style = SeriesStyle::kStep;
  steps.x = {0, 1, 2, 3};
  steps.y = {0, 10, 0};
  f.series.push_back(steps);
  f.vlines.push_back({0.0, "at zero", 7, true});  // not drawable on a log axis: skipped
  f.annotations.push_back({-5.0, 1.0, "hidden", 0, 0.5, 0, 0.8});
  EXPECT_NO_THROW(expect_png_and_svg(render_figure(f, dir / "log")));
  // Only zeros on a log axis: a default decade, no crash.
  Figure z = simple_figure();
  z.log_y = true;
  z.series[0].y = {0, 0, 0, 0};
  EXPECT_NO_THROW(render_figure(z, dir / "zeros"));
  // A fixed log range starting at zero falls back to a positive floor.
  z.y_lo = 0;
  z.y_hi = 100;
  EXPECT_NO_THROW(render_figure(z, dir / "fixed"));
  done_with(dir);
}

TEST(Figure, ErrorBarsSkipNaNBoundsAndCheckLengths) {
  const auto dir = plot_dir("error_bars");
  Figure f = simple_figure();
  Series p = points({1, 2, 3, 4}, {0.5, 0.6, NAN, 0.8});
  p.y_bar_lo = {0.4, NAN, 0.6, 0.7};
  p.y_bar_hi = {0.6, 0.7, 0.8, NAN};
  p.x_bar_lo = {0.5, 1.5, 2.5, NAN};
  p.x_bar_hi = {1.5, 2.5, 3.5, 4.5};
  p.marker = Marker::kSquare;
  f.series = {p};
  EXPECT_NO_THROW(expect_png_and_svg(render_figure(f, dir / "bars")));
  f.log_y = true;  // bounds at or below zero on a log axis
  f.series[0].y_bar_lo = {0.0, -1.0, 0.1, 0.2};
  EXPECT_NO_THROW(render_figure(f, dir / "bars_log"));
  f.series[0].y_bar_hi.pop_back();
  EXPECT_THROW(render_figure(f, dir / "bad"), std::logic_error);
  EXPECT_FALSE(fs::exists(dir / "bad.png"));  // nothing half-written
  done_with(dir);
}

TEST(Figure, Hist2DWithColourBarAndEmptyHistogram) {
  const auto dir = plot_dir("hist2d");
  Figure f;
  f.title = "2-D";
  f.x_label = "energy (keV)";
  f.y_label = "A/E (a.u.)";
  Hist2D h;
  h.x_edges = {0, 1, 2, 3};
  h.y_edges = {0, 0.5, 1};
  h.counts = {0, 1, 10, 100, 1000, 0};
  f.hist2d = h;
  const auto p = render_figure(f, dir / "h");
  expect_png_and_svg(p);
  expect_texts(p[1], {"events per bin", "A/E (a.u.)"});
  f.hist2d->counts.assign(6, 0.0);
  EXPECT_NO_THROW(render_figure(f, dir / "empty"));
  f.hist2d->log_z = false;
  f.hist2d->counts = {5, 5, 5, 5, 5, 5};  // flat: a degenerate colour range
  EXPECT_NO_THROW(render_figure(f, dir / "flat"));
  f.hist2d->counts.pop_back();
  EXPECT_THROW(render_figure(f, dir / "bad"), std::logic_error);
  done_with(dir);
}

TEST(Figure, CategoriesBarsPointColoursPanelsAndAnnotations) {
  const auto dir = plot_dir("categories");
  Figure f;
  f.title = "categories";
  f.x_label = "value";
  f.y_label = "feature";
  f.y_categories = {"a_rather_long_feature_name", "b"};
  Series bars;
  bars.style = SeriesStyle::kHBars;
  bars.x = {0.3, 1.2};
  bars.y = {0, 1};
  Series colored = points({0.1, 0.5, 0.9}, {0, 1, 1});
  colored.label.clear();
  colored.color_value = {0.0, NAN, 1.0};
  f.series = {bars, colored};
  f.point_color_bar = PointColorBar{"feature value", "low", "high"};
  f.annotations.push_back({1.2, 1.0, "1.2", 0, 0, 0, 0.75});
  f.notes = {"a note line"};
  const auto p = render_figures({f, simple_figure()}, dir / "panels");
  expect_png_and_svg(p);
  expect_texts(p[1], {"a_rather_long_feature_name", "feature value", "low", "high", "a note line",
                      "simple"});
  f.series[1].color_value.pop_back();
  EXPECT_THROW(render_figure(f, dir / "bad"), std::logic_error);
  done_with(dir);
}

TEST(Figure, FilesAreReplacedAtomicallyAndRenderedDeterministically) {
  const auto dir = plot_dir("atomic");
  const Figure f = simple_figure();
  const auto first = render_figure(f, dir / "a");
  const auto png = slurp(first[0]), svg = slurp(first[1]);
  const auto again = render_figure(f, dir / "a");  // an existing plot is simply replaced
  EXPECT_EQ(slurp(again[0]), png);
  EXPECT_EQ(slurp(again[1]), svg);
  Figure other = f;
  other.title = "changed";
  render_figure(other, dir / "a");
  EXPECT_NE(slurp(first[1]), svg);
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  EXPECT_THROW(render_figure(f, dir / "missing_dir" / "a"), std::exception);
  EXPECT_THROW(render_figures({}, dir / "none"), std::logic_error);
  done_with(dir);
}

TEST(Figure, SvgDescriptionIsEscapedAndPlain) {
  const auto dir = plot_dir("svg_text");
  Figure f = simple_figure();
  f.title = "a < b & c";
  f.y_label = "1/ε#dbkg#u";
  f.vlines.push_back({2.0, "#u208#dTl", 7, true});
  const auto p = render_figure(f, dir / "t");
  const auto svg = slurp(p[1]);
  EXPECT_NE(svg.find("<title>a &lt; b &amp; c</title>"), std::string::npos);
  expect_texts(p[1], {"1/ε_bkg", "208Tl"});
  done_with(dir);
}
