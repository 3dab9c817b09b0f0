#pragma once
// Fixed-width 1-D histogram for spectra and classifier distributions (no ROOT needed).
#include <cstddef>
#include <vector>

namespace wl::dsp {

struct Histogram {
  double lo = 0.0;               // lower edge of the first bin
  double hi = 1.0;               // upper edge of the last bin
  std::vector<double> counts;    // one entry per bin

  Histogram() = default;
  // Throws InputError when hi <= lo or n_bins == 0.
  Histogram(double lo_edge, double hi_edge, std::size_t n_bins);

  std::size_t n_bins() const { return counts.size(); }
  double bin_width() const { return (hi - lo) / static_cast<double>(counts.size()); }
  double center(std::size_t i) const { return lo + (static_cast<double>(i) + 0.5) * bin_width(); }
  // Bin index of x, or -1 outside [lo, hi) or for NaN.
  long bin_of(double x) const;
  void fill(double x, double weight = 1.0);
  double total() const;
  // Sum of counts in the bins whose centres lie in [x_lo, x_hi].
  double integral(double x_lo, double x_hi) const;
};

// Histogram of the finite values in [lo, hi).
Histogram make_histogram(const std::vector<double>& values, double lo, double hi, std::size_t n_bins);

// Moving-average smoothing over 2*half_width+1 bins (edges use the bins that exist).
std::vector<double> smooth(const std::vector<double>& counts, std::size_t half_width);

// Quantile q in [0,1] of the finite values (linear interpolation); NaN when none.
double quantile(std::vector<double> values, double q);
// Median and a robust sigma (half the 15.87-84.13 % range) of the finite values.
double median(const std::vector<double>& values);
double robust_sigma(const std::vector<double>& values);

}  // namespace wl::dsp
