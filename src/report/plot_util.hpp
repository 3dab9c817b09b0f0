#pragma once
// Helpers the plot functions share (internal to wl_report): number formatting, histogram
// edges and quantiles, 2-D filling, and the labelled 228Th peaks.
#include <cstddef>
#include <string>
#include <vector>

#include "wavelearn/eval/histogram.hpp"
#include "wavelearn/report/figure.hpp"

namespace wl::report::detail {

// Series by kind, set field by field (positional aggregate initialisation of Series
// leaves its later fields implicit, which -Wextra rightly flags).
Series line_series(std::string label, std::vector<double> x, std::vector<double> y, int color,
                   bool dashed = false, double width = 2.0);
// edges: n + 1 bin edges for n counts.
Series step_series(std::string label, std::vector<double> edges, std::vector<double> counts,
                   int color, bool dashed = false, double width = 2.0);
Series point_series(std::string label, std::vector<double> x, std::vector<double> y, int color,
                    Marker marker = Marker::kCircle, double marker_scale = 1.0);

// printf-style formatting of one number ("%.4f").
std::string fmt(const char* format, double v);

// n_bins + 1 edges of a fixed-binning histogram.
std::vector<double> edges_of(const eval::Histogram& h);

// The q-quantile (q in [0, 1], linear interpolation) of the finite values; NaN if none.
double quantile(std::vector<double> values, double q);

// A peak worth naming on an energy axis: its energy from core/physics_constants.hpp, the
// full label for spectra (e.g. "DEP 1592.5") and a short one for crowded axes ("DEP").
struct PeakLabel {
  double energy_kev;
  std::string label, short_label;
};
// 212Pb 238.6, 208Tl 583.2, 212Bi 727.3, 208Tl 860.6, DEP, SEP and FEP, in that order.
const std::vector<PeakLabel>& th228_peak_labels();

// Events counted in a 2-D histogram and the ones left outside its frame.
struct Fill2D {
  Hist2D hist;
  std::size_t x_below = 0, x_above = 0, y_below = 0, y_above = 0, not_finite = 0;
  std::size_t outside() const { return x_below + x_above + y_below + y_above + not_finite; }
};
// Uniform bins over [x_lo, x_hi) x [y_lo, y_hi); an event outside in x is counted only
// under x (not again under y).
Fill2D fill_2d(const std::vector<double>& x, const std::vector<double>& y, double x_lo, double x_hi,
               std::size_t nx, double y_lo, double y_hi, std::size_t ny);

// "outside the frame: 12 A/E low, 3 A/E high" (non-zero counts only), for a title.
std::string outside_text(const Fill2D& f, const std::string& x_name, const std::string& y_name);

}  // namespace wl::report::detail
