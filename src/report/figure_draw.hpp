#pragma once
// The layers of a Figure, drawn into the frame that layout_frame computed (internal to
// wl_report). Each expects the frame's viewport and window to be current and leaves them so.
#include "figure_layout.hpp"
#include "wavelearn/report/figure.hpp"

namespace wl::report::detail {

// figure_series.cpp: lines, steps, markers, bars and their error bars.
void draw_series(const Series& s, const Frame& f);

// figure_marks.cpp: vertical marker lines, text annotations and the legend box.
void draw_vlines(const std::vector<VLine>& lines, const Frame& f);
void draw_annotations(const std::vector<Annotation>& notes, const Frame& f);
void draw_legend(const Figure& fig, const Frame& f);

// figure_color.cpp: the 2-D histogram with its colour bar, and the colour bar of
// per-point colours.
void draw_hist2d(const Hist2D& h, const Frame& f);
void draw_point_color_bar(const PointColorBar& bar, const Frame& f);

// Restores the frame's viewport and window after drawing outside it.
void enter_frame(const Frame& f);

}  // namespace wl::report::detail
