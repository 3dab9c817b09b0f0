#pragma once
// Regression metrics (e.g. energy): residual = predicted - true.
//
// Resolution is the FWHM of the residual distribution, estimated two ways (both reported):
//  - fwhm_interpolated: histogram the residuals (Freedman-Diaconis bin width, 3-bin
//    running mean against noise), find the maximum, and interpolate linearly where the
//    histogram first falls below half of it on each side. Assumes no shape.
//  - fwhm_gaussian: weighted least-squares parabola fit to ln(counts) of the bins above
//    ~1/4 of the maximum (Caruana's Gaussian fit), FWHM = 2.3548 sigma. Insensitive to
//    tails; equals the interpolated value for a Gaussian core.
// Fewer than kMinEventsForFwhm residuals give NaN.
#include <string>
#include <vector>

#include "wavelearn/eval/histogram.hpp"

namespace wl::eval {

inline constexpr std::size_t kMinEventsForFwhm = 20;

struct FwhmEstimate {
  double fwhm_interpolated = 0.0;
  double fwhm_gaussian = 0.0;
  double gaussian_mean = 0.0;  // centre of the fitted Gaussian (bias)
  std::size_t n = 0;
};
FwhmEstimate fwhm(const std::vector<double>& values);

struct RegressionMetrics {
  std::size_t n = 0;
  double mse = 0.0, mae = 0.0, rmse = 0.0;
  double mean_residual = 0.0, std_residual = 0.0, median_residual = 0.0;
  FwhmEstimate resolution;
  Histogram residuals;  // 100 bins over median +- 5 robust sigma
};
// Throws InputError on size mismatch, empty input or non-finite values.
RegressionMetrics regression_metrics(const std::vector<double>& predicted,
                                     const std::vector<double>& truth);

struct ResolutionBin {
  std::string name;  // e.g. "DEP" for a peak, empty for a plain bin
  double lo_kev = 0.0, hi_kev = 0.0, center_kev = 0.0;
  std::size_t n = 0;
  double median_residual_kev = 0.0;
  FwhmEstimate resolution;
};

// Residual FWHM in bins of true energy; edges ascending, at least two.
std::vector<ResolutionBin> resolution_vs_energy(const std::vector<double>& predicted_kev,
                                                const std::vector<double>& truth_kev,
                                                const std::vector<double>& edges_kev);

// Residual FWHM of events whose true energy lies within +- half_window_kev of the 228Th
// lines 583.2 keV, DEP 1592.5 keV, SEP 2103.5 keV, FEP 2614.5 keV.
std::vector<ResolutionBin> resolution_at_peaks(const std::vector<double>& predicted_kev,
                                               const std::vector<double>& truth_kev,
                                               double half_window_kev = 5.0);

}  // namespace wl::eval
