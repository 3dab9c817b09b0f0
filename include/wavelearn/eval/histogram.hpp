#pragma once
// A fixed-binning 1D histogram (for residual and score distributions and the plots).
#include <vector>

namespace wl::eval {

struct Histogram {
  double lo = 0.0, hi = 1.0;
  std::vector<double> counts;  // n_bins entries; values outside [lo, hi) are not counted
  std::size_t underflow = 0, overflow = 0;

  std::size_t n_bins() const { return counts.size(); }
  double bin_width() const { return (hi - lo) / static_cast<double>(counts.size()); }
  double bin_center(std::size_t i) const {
    return lo + (static_cast<double>(i) + 0.5) * bin_width();
  }
};

// Throws InputError unless n_bins >= 1 and hi > lo.
Histogram make_histogram(const std::vector<double>& values, std::size_t n_bins, double lo,
                         double hi);

}  // namespace wl::eval
