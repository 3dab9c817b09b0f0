// Peak widths and centroids of the model's and the trapezoid filter's energy spectra
// (metrics.hpp).
#include <algorithm>
#include <cmath>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/dsp/histogram.hpp"
#include "wavelearn/dsp/peak_fit.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/run/metrics.hpp"

namespace wl::run {

namespace {

constexpr double kMinWindowKev = 10.0;  // the trapezoid's peaks (~2.5 keV FWHM) need no more
constexpr double kBinsPerWindow = 80.0;

// Half-width of the fit window: 4 sigma of the spread of the spectrum's values around the
// peak (estimated from the events whose target energy is within 5 keV), at least 10 keV.
double window_kev(const std::vector<double>& values, const std::vector<double>& reference, double peak_kev) {
  std::vector<double> near;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (std::fabs(reference[i] - peak_kev) < 5.0 && std::isfinite(values[i])) near.push_back(values[i] - peak_kev);
  if (near.size() < 20) return kMinWindowKev;
  return std::max(kMinWindowKev, 4.0 * dsp::robust_sigma(near));
}

PeakWidth peak_width(const std::vector<double>& values, double peak_kev, double half_kev) {
  PeakWidth w;
  std::vector<double> in;
  for (double v : values)
    if (v >= peak_kev - half_kev && v < peak_kev + half_kev) in.push_back(v);
  w.n = in.size();
  if (in.size() >= eval::kMinEventsForFwhm) w.fwhm_direct_kev = eval::fwhm(in).fwhm_interpolated;
  try {
    const auto bins = static_cast<std::size_t>(kBinsPerWindow);
    const auto h = dsp::make_histogram(in, peak_kev - half_kev, peak_kev + half_kev, bins);
    const auto f = dsp::fit_peak(h, peak_kev - half_kev, peak_kev + half_kev, peak_kev, half_kev / 8.0);
    if (f.converged) {
      w.fwhm_fit_kev = f.fwhm;
      w.centroid_kev = f.centroid;
      w.centroid_err_kev = f.centroid_err;
      w.bias_kev = f.centroid - peak_kev;
    } else {
      w.fit_error = "the fit did not converge";
    }
  } catch (const core::InputError& e) {
    w.fit_error = e.what();
  }
  return w;
}

}  // namespace

std::vector<PeakResolution> peak_resolutions(const std::vector<double>& predicted_kev,
                                             const std::vector<double>& reference_kev,
                                             const std::vector<double>& target_kev) {
  using namespace core;
  const std::vector<std::pair<std::string, double>> peaks = {
      {"583.2 keV", kTl208_583Kev}, {"DEP", kDepKev}, {"SEP", kSepKev}, {"FEP", kTl208PeakKev}};
  std::vector<PeakResolution> out;
  for (const auto& [name, e] : peaks) {
    PeakResolution p;
    p.name = name;
    p.energy_kev = e;
    p.model = peak_width(predicted_kev, e, window_kev(predicted_kev, target_kev, e));
    p.reference = peak_width(reference_kev, e, kMinWindowKev);
    out.push_back(p);
  }
  return out;
}

}  // namespace wl::run
