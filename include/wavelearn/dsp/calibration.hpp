#pragma once
// Energy calibration from the uncalibrated trapezoid spectrum of a 228Th source: find the
// 2614.5 keV line (the prominent peak at the top of the spectrum) and 583.2 keV, take the
// linear guess from that pair, fit every other line that stands out (238.6, 727.3, 860.6,
// 1620.5, the DEP and SEP) with a Gaussian + step + background, and fit ADC -> keV.
// When 583.2 keV cannot be fitted, 2614.5 keV alone (zero offset) finds the other lines and
// the curve goes through those that fit; the pooled fit of all detectors is the last resort
// (a detector without its own usable 2614.5 keV line), announced on stderr.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wl::dsp {

struct CalibrationConfig {
  bool quadratic = false;            // keV = c0 + c1 adc (+ c2 adc^2)
  std::size_t min_events = 2000;     // fewer good events in a detector: use the pooled fit
  double min_peak_counts = 30.0;     // a line with a smaller fitted area is not used
  // Lines tried after the 2614.5/583.2 pair (keV). Empty = the default list
  // (238.6, 727.3, 860.6, 1592.5 DEP, 1620.5, 2103.5 SEP); 510.8 is left out on purpose
  // (blended with annihilation radiation).
  std::vector<double> extra_lines_kev;
};

// One calibration line as measured.
struct PeakMeasurement {
  double energy_kev = 0.0;        // known line energy
  double centroid_adc = 0.0, centroid_adc_err = 0.0;
  double fwhm_kev = 0.0, fwhm_kev_err = 0.0;  // from the fit, through the final calibration
  double area = 0.0;              // counts in the peak
  double residual_kev = 0.0;      // calibrated centroid minus the known energy
  bool used = false;              // entered the ADC -> keV fit
};

struct DetectorCalibration {
  int32_t detector = -1;                 // -1 = all detectors pooled
  std::vector<double> coeffs;            // keV = sum coeffs[k] * adc^k
  std::vector<PeakMeasurement> peaks;
  std::vector<double> fwhm_curve;        // FWHM(E) = sqrt(a + b E) keV; empty when not fitted
  std::size_t n_events = 0;              // good events seen
  bool pooled = false;                   // coefficients come from the pooled fit
  std::string note;                      // why pooled, or which lines calibrated it when 583.2
                                         // keV was missing (empty otherwise)

  double to_kev(double adc) const;
  // FWHM (keV) at a known line if it was measured, else from the curve, else NaN.
  double fwhm_at(double energy_kev) const;
};

struct Calibration {
  std::map<int32_t, DetectorCalibration> detectors;
  DetectorCalibration pooled;            // fit on all detectors together (fallback)

  // Calibrated energy; a detector without its own entry uses the pooled fit. NaN for NaN.
  double to_kev(int32_t detector, double adc) const;
  const DetectorCalibration& for_detector(int32_t detector) const;
};

// Calibrates one uncalibrated spectrum (the finite, positive values). Throws InputError
// (message names `what`, e.g. "detector 7") when no 2614.5/583.2 pair is found, the 2614.5
// keV line cannot be fitted, or 583.2 keV fails and the 2614.5 keV candidate is not the top
// of the spectrum.
DetectorCalibration calibrate_spectrum(const std::vector<double>& energy_adc,
                                       const CalibrationConfig& config = {},
                                       const std::string& what = "spectrum");

// Per-detector calibration with the pooled fallback (too few events, or calibrate_spectrum
// failed; a warning naming the detector goes to stderr and into its note); `good` (may be
// empty = all) selects the events that enter the fits.
Calibration calibrate(const std::vector<double>& energy_adc, const std::vector<int32_t>& detector,
                      const std::vector<uint8_t>& good = {}, const CalibrationConfig& config = {});

nlohmann::json to_json(const DetectorCalibration& c);
nlohmann::json to_json(const Calibration& c);
// Throws InputError naming the missing or malformed key.
DetectorCalibration detector_calibration_from_json(const nlohmann::json& j);
Calibration calibration_from_json(const nlohmann::json& j);

}  // namespace wl::dsp
