// Gaussian + step + linear background fit of one peak in a binned spectrum.
#include <algorithm>
#include <cmath>
#include <string>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace wl::dsp {
namespace {

enum Param { kMu = 0, kSigma, kArea, kStep, kBg, kSlope, kNParams };

// Expected counts in the bin centred on x: the Gaussian integrated exactly over the bin
// (bins need not be narrow compared with sigma), step and background at the bin centre.
double peak_model(double x, const std::vector<double>& p, double bin_width) {
  const double mu = p[kMu], sigma = std::max(p[kSigma], 1e-12);
  const double inv = 1.0 / (std::sqrt(2.0) * sigma);
  const double lo = (x - 0.5 * bin_width - mu) * inv, hi = (x + 0.5 * bin_width - mu) * inv;
  const double gauss = 0.5 * p[kArea] * (std::erf(hi) - std::erf(lo));
  const double step = 0.5 * p[kStep] * std::erfc((x - mu) * inv);
  return gauss + bin_width * (step + p[kBg] + p[kSlope] * (x - mu));
}

// The same model with its derivatives (analytic Jacobian: the fits run ~6x faster).
double peak_model_grad(double x, const std::vector<double>& p, double bin_width, double* g) {
  constexpr double kInvSqrtPi = 0.56418958354775628;
  const double mu = p[kMu], sigma = std::max(p[kSigma], 1e-12);
  const double inv = 1.0 / (std::sqrt(2.0) * sigma);
  const double lo = (x - 0.5 * bin_width - mu) * inv, hi = (x + 0.5 * bin_width - mu) * inv;
  const double z = (x - mu) * inv;
  const double elo = std::exp(-lo * lo), ehi = std::exp(-hi * hi), ez = std::exp(-z * z);
  const double frac = 0.5 * (std::erf(hi) - std::erf(lo));
  const double erfc_z = std::erfc(z);
  const double area = p[kArea], step = p[kStep];
  g[kArea] = frac;
  g[kMu] = area * kInvSqrtPi * inv * (ehi - elo) * -1.0 + bin_width * (step * kInvSqrtPi * inv * ez - p[kSlope]);
  g[kSigma] = area * kInvSqrtPi / sigma * (lo * elo - hi * ehi) + bin_width * step * kInvSqrtPi * z * ez / sigma;
  g[kStep] = bin_width * 0.5 * erfc_z;
  g[kBg] = bin_width;
  g[kSlope] = bin_width * (x - mu);
  return area * frac + bin_width * (0.5 * step * erfc_z + p[kBg] + p[kSlope] * (x - mu));
}

// Bin centres and counts of h within [x_lo, x_hi]; at least 8 bins and 10 counts.
void bins_in_range(const Histogram& h, double x_lo, double x_hi, const std::string& where, std::vector<double>& x,
                   std::vector<double>& y) {
  for (std::size_t i = 0; i < h.n_bins(); ++i) {
    const double c = h.center(i);
    if (c >= x_lo && c <= x_hi) {
      x.push_back(c);
      y.push_back(h.counts[i]);
    }
  }
  if (x.size() < 8) throw core::InputError(where + ": only " + std::to_string(x.size()) + " bins in range");
  double total = 0.0;
  for (double v : y) total += v;
  if (total < 10.0) throw core::InputError(where + ": only " + std::to_string(total) + " counts in range");
}

// Starting point: background and step from the edge bins (per unit x), area = counts above
// them, centroid at the highest (lightly smoothed) bin away from the edges (a guess several
// sigma off the peak leaves the Gaussian with no gradient to follow).
std::vector<double> start_params(const std::vector<double>& x, const std::vector<double>& y, double w,
                                 double centroid_guess, double sigma_guess, const PeakFitOptions& options) {
  double total = 0.0;
  for (double v : y) total += v;
  const std::size_t edge = std::max<std::size_t>(2, x.size() / 8);
  double left = 0.0, right = 0.0;
  for (std::size_t i = 0; i < edge; ++i) {
    left += y[i];
    right += y[y.size() - 1 - i];
  }
  left /= static_cast<double>(edge) * w;
  right /= static_cast<double>(edge) * w;
  const double bg0 = std::min(left, right);
  const double step0 = std::max(0.0, left - right);
  const double area0 = std::max(1.0, total - (bg0 + 0.5 * step0) * w * static_cast<double>(x.size()));
  double mu0 = centroid_guess;
  const std::vector<double> s = smooth(y, 1);
  const std::size_t skip = x.size() / 10;
  std::size_t best = x.size();
  for (std::size_t i = skip; i + skip < x.size(); ++i)
    if (best == x.size() || s[i] > s[best]) best = i;
  if (best < x.size() && s[best] > 0.0) mu0 = x[best];

  std::vector<double> start(kNParams, 0.0);
  start[kMu] = mu0;
  start[kSigma] = std::max(sigma_guess, 0.5 * w);
  start[kArea] = area0;
  start[kStep] = options.with_step ? step0 : 0.0;
  start[kBg] = bg0;
  start[kSlope] = 0.0;
  return start;
}

// Fit settings: step and slope fixed at 0 unless wanted; centroid within the range, width
// between a fifth of a bin and half the range, a Poisson fit's background >= 0.
LmOptions peak_lm_options(double x_lo, double x_hi, double w, const PeakFitOptions& options) {
  LmOptions lm;
  lm.cost = options.cost;
  lm.fixed.assign(kNParams, false);
  lm.fixed[kStep] = !options.with_step;
  lm.fixed[kSlope] = !options.with_slope;
  const double span = x_hi - x_lo;
  // A Poisson fit's background is a count rate: never negative. Unbounded, above the 2614.5
  // keV peak (no counts at all) it drifts below zero and the fit never settles.
  lm.lower = {x_lo, 0.2 * w, 0.0, 0.0, options.cost == FitCost::kPoisson ? 0.0 : -1e30, -1e30};
  lm.upper = {x_hi, 0.5 * span, 1e30, 1e30, 1e30, 1e30};
  lm.gradient = [w](double xx, const std::vector<double>& p, double* g) { return peak_model_grad(xx, p, w, g); };
  return lm;
}

PeakFitResult to_result(const LmResult& r) {
  PeakFitResult out;
  out.centroid = r.params[kMu];
  out.centroid_err = r.errors[kMu];
  out.sigma = r.params[kSigma];
  out.sigma_err = r.errors[kSigma];
  out.fwhm = core::kFwhmPerSigma * out.sigma;
  out.fwhm_err = core::kFwhmPerSigma * out.sigma_err;
  out.area = r.params[kArea];
  out.area_err = r.errors[kArea];
  out.step = r.params[kStep];
  out.background = r.params[kBg];
  out.slope = r.params[kSlope];
  out.cost = r.cost;
  out.ndf = r.ndf;
  out.converged = r.converged;
  return out;
}

// A centroid on the range edge or a width at its bound means no peak was there; a
// fluctuation of the background fits a small area with a large error.
void check_is_peak(const PeakFitResult& out, const LmOptions& lm, double x_lo, double x_hi, double w,
                   const std::string& where) {
  const double margin = 0.5 * w;
  if (!(out.area > 0.0) || out.centroid <= x_lo + margin || out.centroid >= x_hi - margin ||
      out.sigma <= lm.lower[kSigma] * 1.001 || out.sigma >= lm.upper[kSigma] * 0.999)
    throw core::InputError(where + ": no peak found in [" + std::to_string(x_lo) + ", " + std::to_string(x_hi) + "]");
  if (!(out.area >= 3.0 * out.area_err))
    throw core::InputError(where + ": no significant peak (area " + std::to_string(out.area) + " +- " +
                           std::to_string(out.area_err) + ")");
}

}  // namespace

PeakFitResult fit_peak(const Histogram& h, double x_lo, double x_hi, double centroid_guess,
                       double sigma_guess, const PeakFitOptions& options) {
  const std::string where = "peak fit near " + std::to_string(centroid_guess);
  std::vector<double> x, y;
  bins_in_range(h, x_lo, x_hi, where, x, y);
  const double w = h.bin_width();
  const std::vector<double> start = start_params(x, y, w, centroid_guess, sigma_guess, options);
  const LmOptions lm = peak_lm_options(x_lo, x_hi, w, options);
  const LmResult r = levenberg_marquardt([w](double xx, const std::vector<double>& p) { return peak_model(xx, p, w); },
                                         x, y, {}, start, lm);
  const PeakFitResult out = to_result(r);
  check_is_peak(out, lm, x_lo, x_hi, w, where);
  return out;
}

std::vector<double> fit_fwhm_curve(const std::vector<double>& energy_kev, const std::vector<double>& fwhm_kev,
                                   const std::vector<double>& fwhm_err_kev) {
  std::vector<double> e, y, w;
  for (std::size_t i = 0; i < energy_kev.size(); ++i) {
    if (!std::isfinite(fwhm_kev[i]) || !(fwhm_kev[i] > 0.0)) continue;
    e.push_back(energy_kev[i]);
    y.push_back(fwhm_kev[i] * fwhm_kev[i]);
    // d(FWHM^2) = 2 FWHM dFWHM; a floor keeps one very precise peak from dominating.
    const double err = std::max(i < fwhm_err_kev.size() ? fwhm_err_kev[i] : 0.0, 0.01 * fwhm_kev[i]);
    const double sy = 2.0 * fwhm_kev[i] * err;
    w.push_back(1.0 / (sy * sy));
  }
  if (e.size() < 2) throw core::InputError("FWHM curve: fewer than 2 fitted peaks");
  return polyfit(e, y, w, 1);
}

}  // namespace wl::dsp
