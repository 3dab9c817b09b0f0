#pragma once
// Peak fits on binned spectra: Gaussian + step (erfc) + linear background, fitted by a small
// Levenberg-Marquardt minimiser on the binned Poisson likelihood (or least squares), plus
// the linear least-squares helpers the calibration and cut fits share.
#include <cstddef>
#include <functional>
#include <vector>

#include "wavelearn/dsp/histogram.hpp"

namespace wl::dsp {

// ---- Generic Levenberg-Marquardt on binned data ------------------------------------------
// model(x, params) gives the expected value at x (expected counts per bin for Poisson).
using ModelFn = std::function<double(double x, const std::vector<double>& params)>;
// Optional analytic derivatives: writes d model / d params[k] into grad[k] (all k) and
// returns the model value. Without it the Jacobian is taken by central differences.
using ModelGradFn = std::function<double(double x, const std::vector<double>& params, double* grad)>;

enum class FitCost { kPoisson, kLeastSquares };

struct LmOptions {
  FitCost cost = FitCost::kPoisson;
  int max_iterations = 200;
  double tolerance = 1e-7;            // relative change of the cost that ends the fit
  std::vector<bool> fixed;            // parameter i held at its start value when fixed[i]
  std::vector<double> lower, upper;   // optional box bounds (empty = none)
  ModelGradFn gradient;               // optional analytic Jacobian
};

struct LmResult {
  std::vector<double> params;
  std::vector<double> errors;         // sqrt(diag of the inverse Hessian); 0 for fixed ones
  double cost = 0.0;                  // Poisson deviance or chi2 at the minimum
  int ndf = 0;
  int iterations = 0;
  bool converged = false;
};

// y[i] are observed counts (Poisson) or values; sigma (least squares only, may be empty = 1).
LmResult levenberg_marquardt(const ModelFn& model, const std::vector<double>& x,
                             const std::vector<double>& y, const std::vector<double>& sigma,
                             std::vector<double> start, const LmOptions& options = {});

// Weighted polynomial fit y = c0 + c1 x + ... (degree+1 coefficients); weights may be empty.
// cov (optional) receives the coefficient covariance (row-major, scaled by chi2/ndf when
// scale_by_chi2). Throws InputError when there are fewer points than coefficients.
std::vector<double> polyfit(const std::vector<double>& x, const std::vector<double>& y,
                            const std::vector<double>& weights, int degree,
                            std::vector<double>* cov = nullptr, bool scale_by_chi2 = true);
double polyval(const std::vector<double>& coeffs, double x);

// ---- Gaussian + step + linear background -------------------------------------------------
// counts(x) = bin_width * [ N / (sqrt(2 pi) sigma) exp(-(x-mu)^2 / 2 sigma^2)
//                          + S/2 erfc((x-mu) / (sqrt2 sigma)) + B0 + B1 (x - mu) ]
struct PeakFitOptions {
  FitCost cost = FitCost::kPoisson;
  bool with_step = true;
  bool with_slope = true;
};

struct PeakFitResult {
  double centroid = 0.0, centroid_err = 0.0;  // x units of the histogram
  double sigma = 0.0, sigma_err = 0.0;
  double fwhm = 0.0, fwhm_err = 0.0;
  double area = 0.0, area_err = 0.0;          // counts in the Gaussian
  double step = 0.0;                          // step height (counts per unit x)
  double background = 0.0;                    // flat background at the centroid (counts per unit x)
  double slope = 0.0;
  double cost = 0.0;                          // deviance or chi2
  int ndf = 0;
  bool converged = false;
};

// Fits the bins of h whose centres lie in [x_lo, x_hi]. Throws InputError when the range
// holds too few bins or counts, the fit lands outside the range, or the area is below 3
// standard deviations (no significant peak).
PeakFitResult fit_peak(const Histogram& h, double x_lo, double x_hi, double centroid_guess,
                       double sigma_guess, const PeakFitOptions& options = {});

// FWHM(E) = sqrt(a + b E): fitted from (E, FWHM, FWHM error) points; {a, b}.
std::vector<double> fit_fwhm_curve(const std::vector<double>& energy_kev,
                                   const std::vector<double>& fwhm_kev,
                                   const std::vector<double>& fwhm_err_kev);

}  // namespace wl::dsp
