// Calibration <-> JSON, so a calibration can be saved and re-applied.
#include <string>

#include <nlohmann/json.hpp>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/calibration.hpp"

namespace wl::dsp {
namespace {

template <typename T>
T get_key(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key))
    throw core::InputError(where + ": missing key '" + key + "'");
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw core::InputError(where + ": key '" + key + "' has the wrong type");
  }
}

}  // namespace

nlohmann::json to_json(const DetectorCalibration& c) {
  nlohmann::json peaks = nlohmann::json::array();
  for (const auto& p : c.peaks)
    peaks.push_back({{"energy_kev", p.energy_kev},
                     {"centroid_adc", p.centroid_adc},
                     {"centroid_adc_err", p.centroid_adc_err},
                     {"fwhm_kev", p.fwhm_kev},
                     {"fwhm_kev_err", p.fwhm_kev_err},
                     {"area", p.area},
                     {"residual_kev", p.residual_kev},
                     {"used", p.used}});
  return {{"detector", c.detector}, {"coeffs", c.coeffs},     {"peaks", peaks},
          {"fwhm_curve", c.fwhm_curve}, {"n_events", c.n_events}, {"pooled", c.pooled},
          {"note", c.note}};
}

nlohmann::json to_json(const Calibration& c) {
  nlohmann::json dets = nlohmann::json::array();
  for (const auto& [det, dc] : c.detectors) dets.push_back(to_json(dc));
  return {{"model", "keV = sum_k coeffs[k] * adc^k"}, {"pooled", to_json(c.pooled)}, {"detectors", dets}};
}

DetectorCalibration detector_calibration_from_json(const nlohmann::json& j) {
  const std::string where = "calibration JSON";
  DetectorCalibration c;
  c.detector = get_key<int32_t>(j, "detector", where);
  const std::string w = where + " (detector " + std::to_string(c.detector) + ")";
  c.coeffs = get_key<std::vector<double>>(j, "coeffs", w);
  if (j.contains("fwhm_curve")) c.fwhm_curve = get_key<std::vector<double>>(j, "fwhm_curve", w);
  if (j.contains("n_events")) c.n_events = get_key<std::size_t>(j, "n_events", w);
  if (j.contains("pooled")) c.pooled = get_key<bool>(j, "pooled", w);
  if (j.contains("note")) c.note = get_key<std::string>(j, "note", w);
  if (j.contains("peaks")) {
    for (const auto& p : j.at("peaks")) {
      PeakMeasurement m;
      m.energy_kev = get_key<double>(p, "energy_kev", w);
      m.centroid_adc = get_key<double>(p, "centroid_adc", w);
      m.centroid_adc_err = get_key<double>(p, "centroid_adc_err", w);
      m.fwhm_kev = get_key<double>(p, "fwhm_kev", w);
      m.fwhm_kev_err = get_key<double>(p, "fwhm_kev_err", w);
      m.area = get_key<double>(p, "area", w);
      m.residual_kev = get_key<double>(p, "residual_kev", w);
      m.used = get_key<bool>(p, "used", w);
      c.peaks.push_back(m);
    }
  }
  return c;
}

Calibration calibration_from_json(const nlohmann::json& j) {
  Calibration c;
  if (!j.is_object() || !j.contains("pooled") || !j.contains("detectors"))
    throw core::InputError("calibration JSON: missing key 'pooled' or 'detectors'");
  c.pooled = detector_calibration_from_json(j.at("pooled"));
  for (const auto& d : j.at("detectors")) {
    DetectorCalibration dc = detector_calibration_from_json(d);
    c.detectors[dc.detector] = std::move(dc);
  }
  return c;
}

}  // namespace wl::dsp
