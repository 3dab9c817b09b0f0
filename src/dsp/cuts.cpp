// Cut classifiers, side-band-subtracted peak counts and acceptance-based cut values.
#include "wavelearn/dsp/cuts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace wl::dsp {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

PeakWindow PeakWindow::around(double center_kev, double fwhm_kev) {
  const double fwhm = (std::isfinite(fwhm_kev) && fwhm_kev > 0.0) ? fwhm_kev : 2.5;
  const double half = std::max(2.0 * fwhm, 1.0);
  const double gap = fwhm;
  PeakWindow w;
  w.center_kev = center_kev;
  w.peak_lo = center_kev - half;
  w.peak_hi = center_kev + half;
  w.sb_low_hi = w.peak_lo - gap;
  w.sb_low_lo = w.sb_low_hi - half;
  w.sb_high_lo = w.peak_hi + gap;
  w.sb_high_hi = w.sb_high_lo + half;
  return w;
}

NetCount net_count(const std::vector<double>& energy_kev, const std::vector<uint8_t>& pass,
                   const PeakWindow& window, const std::vector<std::size_t>* subset) {
  double pp = 0, fp = 0, ps = 0, fs = 0;  // pass/fail in peak and side bands
  auto visit = [&](std::size_t i) {
    const double e = energy_kev[i];
    const bool ok = pass.empty() || pass[i];
    if (window.in_peak(e)) (ok ? pp : fp) += 1.0;
    else if (window.in_sideband(e)) (ok ? ps : fs) += 1.0;
  };
  if (subset) for (std::size_t i : *subset) visit(i);
  else for (std::size_t i = 0; i < energy_kev.size(); ++i) visit(i);
  const double s = window.sideband_scale();
  NetCount n;
  const double passing = pp - s * ps, failing = fp - s * fs;
  n.total = passing + failing;
  n.passing = passing;
  if (n.total > 0.0) {
    const double var_pass = pp + s * s * ps, var_fail = fp + s * s * fs;
    const double t2 = n.total * n.total;
    n.fraction_err = std::sqrt((failing * failing * var_pass + passing * passing * var_fail) / (t2 * t2));
  }
  return n;
}

double cut_for_acceptance(const std::vector<double>& classifier, const std::vector<double>& energy_kev,
                          const PeakWindow& window, double acceptance, bool lower_cut,
                          const std::vector<std::size_t>* subset) {
  std::vector<double> peak, side;
  double n_peak = 0.0, n_side = 0.0;  // including events whose classifier is NaN (they fail)
  auto visit = [&](std::size_t i) {
    const double e = energy_kev[i];
    const double c = classifier[i];
    if (window.in_peak(e)) {
      n_peak += 1.0;
      if (std::isfinite(c)) peak.push_back(c);
    } else if (window.in_sideband(e)) {
      n_side += 1.0;
      if (std::isfinite(c)) side.push_back(c);
    }
  };
  if (subset) for (std::size_t i : *subset) visit(i);
  else for (std::size_t i = 0; i < energy_kev.size(); ++i) visit(i);
  const double s = window.sideband_scale();
  const double total = n_peak - s * n_side;
  if (!(total > 0.0) || peak.empty())
    throw core::InputError("cut for " + std::to_string(acceptance) + " acceptance: no net events in the " +
                           std::to_string(window.center_kev) + " keV peak window");
  std::sort(peak.begin(), peak.end());
  std::sort(side.begin(), side.end());
  // Net fraction passing at threshold t.
  auto accepted = [&](double t) {
    double np, ns;
    if (lower_cut) {
      np = static_cast<double>(peak.end() - std::lower_bound(peak.begin(), peak.end(), t));
      ns = static_cast<double>(side.end() - std::lower_bound(side.begin(), side.end(), t));
    } else {
      np = static_cast<double>(std::upper_bound(peak.begin(), peak.end(), t) - peak.begin());
      ns = static_cast<double>(std::upper_bound(side.begin(), side.end(), t) - side.begin());
    }
    return (np - s * ns) / total;
  };
  double lo = peak.front() - 1e-9, hi = peak.back() + 1e-9;
  if (!side.empty()) {
    lo = std::min(lo, side.front() - 1e-9);
    hi = std::max(hi, side.back() + 1e-9);
  }
  // Lower cut: acceptance falls as t rises; upper cut: it rises. Bisection on the crossing.
  for (int it = 0; it < 200 && hi - lo > 1e-12 * (1.0 + std::fabs(lo)); ++it) {
    const double mid = 0.5 * (lo + hi);
    const bool too_many = accepted(mid) > acceptance;
    if (lower_cut == too_many) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

double AvseCut::corrected(double avse_raw, double energy_kev, double drift_time_ns) const {
  if (!std::isfinite(avse_raw) || !std::isfinite(energy_kev) || mu_coeffs.empty()) return kNaN;
  const double mu = polyval(mu_coeffs, energy_kev);
  double dt_factor = 1.0;
  if (dt_slope_per_ns != 0.0) {
    if (!std::isfinite(drift_time_ns)) return kNaN;
    dt_factor = 1.0 + dt_slope_per_ns * (drift_time_ns - dt_ref_ns);
  }
  if (!(mu > 0.0) || !(dt_factor > 0.0)) return kNaN;
  return avse_raw / mu / dt_factor / dep_norm;
}

double AvseCut::sigma(double energy_kev) const {
  double v = sigma_coeffs.empty() ? 0.0 : sigma_coeffs[0];
  if (sigma_coeffs.size() > 1 && energy_kev > 0.0) v += sigma_coeffs[1] / (energy_kev * energy_kev);
  return std::sqrt(std::max(v, 1e-10));  // floor: a zero width would make the classifier infinite
}

double AvseCut::classifier(double avse_raw, double energy_kev, double drift_time_ns) const {
  const double c = corrected(avse_raw, energy_kev, drift_time_ns);
  return std::isfinite(c) ? (c - 1.0) / sigma(energy_kev) : kNaN;
}

double DcrCut::classifier(double dcr_raw, double energy_kev) const {
  if (!std::isfinite(dcr_raw) || !std::isfinite(energy_kev) || center_coeffs.empty()) return kNaN;
  return (dcr_raw - polyval(center_coeffs, energy_kev)) / width;
}

double LqCut::classifier(double lq_raw, double drift_time_ns) const {
  if (!std::isfinite(lq_raw) || !std::isfinite(drift_time_ns) || dt_coeffs.empty()) return kNaN;
  return (lq_raw - polyval(dt_coeffs, drift_time_ns)) / width;
}

const DetectorCuts& CutSet::for_detector(int32_t detector) const {
  const auto it = detectors.find(detector);
  return it == detectors.end() ? pooled : it->second;
}

}  // namespace wl::dsp
