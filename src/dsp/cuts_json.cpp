// Cut parameters <-> JSON, so fitted cuts can be saved and re-applied.
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/cuts.hpp"

namespace wl::dsp {
namespace {

const nlohmann::json& at(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key)) throw core::InputError(where + ": missing key '" + key + "'");
  return j.at(key);
}

// JSON has no NaN (nlohmann writes null): read null back as NaN.
double num(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = at(j, key, where);
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number()) throw core::InputError(where + ": key '" + key + "' is not a number");
  return v.get<double>();
}

std::vector<double> nums(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = at(j, key, where);
  if (!v.is_array()) throw core::InputError(where + ": key '" + key + "' is not an array");
  std::vector<double> out;
  for (const auto& x : v) {
    if (!x.is_number()) throw core::InputError(where + ": key '" + key + "' holds a non-number");
    out.push_back(x.get<double>());
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const DetectorCuts& c) {
  return {{"detector", c.detector},
          {"pooled", c.pooled},
          {"note", c.note},
          {"dep_net_events", c.dep_net_events},
          {"compton_events", c.compton_events},
          {"avse",
           {{"mu_coeffs", c.avse.mu_coeffs},
            {"dt_slope_per_ns", c.avse.dt_slope_per_ns},
            {"dt_ref_ns", c.avse.dt_ref_ns},
            {"dep_norm", c.avse.dep_norm},
            {"sigma_coeffs", c.avse.sigma_coeffs},
            {"low_cut", c.avse.low_cut},
            {"high_cut", c.avse.high_cut}}},
          {"dcr", {{"center_coeffs", c.dcr.center_coeffs}, {"width", c.dcr.width}, {"cut", c.dcr.cut}}},
          {"lq", {{"dt_coeffs", c.lq.dt_coeffs}, {"width", c.lq.width}, {"cut", c.lq.cut}}}};
}

nlohmann::json to_json(const CutSet& c) {
  nlohmann::json dets = nlohmann::json::array();
  for (const auto& [det, dc] : c.detectors) dets.push_back(to_json(dc));
  return {{"avse_classifier", "(A/E / mu(E) / (1 + dt_slope (dt - dt_ref)) / dep_norm - 1) / sigma(E), "
                              "sigma^2 = s0 + s1 / E^2; pass low: >= low_cut, pass high: <= high_cut"},
          {"dcr_classifier", "(dcr - center(E)) / width; pass: <= cut"},
          {"lq_classifier", "(lq - trend(drift_time_ns)) / width; pass: <= cut"},
          {"pooled", to_json(c.pooled)},
          {"detectors", dets}};
}

DetectorCuts detector_cuts_from_json(const nlohmann::json& j) {
  std::string where = "cuts JSON";
  DetectorCuts c;
  const auto& det = at(j, "detector", where);
  if (!det.is_number_integer()) throw core::InputError(where + ": key 'detector' is not an integer");
  c.detector = det.get<int32_t>();
  where += " (detector " + std::to_string(c.detector) + ")";
  if (j.contains("pooled") && j.at("pooled").is_boolean()) c.pooled = j.at("pooled").get<bool>();
  if (j.contains("note") && j.at("note").is_string()) c.note = j.at("note").get<std::string>();
  if (j.contains("dep_net_events")) c.dep_net_events = num(j, "dep_net_events", where);
  if (j.contains("compton_events") && j.at("compton_events").is_number_unsigned())
    c.compton_events = j.at("compton_events").get<std::size_t>();
  const auto& a = at(j, "avse", where);
  c.avse.mu_coeffs = nums(a, "mu_coeffs", where + " avse");
  c.avse.dt_slope_per_ns = num(a, "dt_slope_per_ns", where + " avse");
  c.avse.dt_ref_ns = num(a, "dt_ref_ns", where + " avse");
  c.avse.dep_norm = num(a, "dep_norm", where + " avse");
  c.avse.sigma_coeffs = nums(a, "sigma_coeffs", where + " avse");
  c.avse.low_cut = num(a, "low_cut", where + " avse");
  c.avse.high_cut = num(a, "high_cut", where + " avse");
  const auto& d = at(j, "dcr", where);
  c.dcr.center_coeffs = nums(d, "center_coeffs", where + " dcr");
  c.dcr.width = num(d, "width", where + " dcr");
  c.dcr.cut = num(d, "cut", where + " dcr");
  const auto& l = at(j, "lq", where);
  c.lq.dt_coeffs = nums(l, "dt_coeffs", where + " lq");
  c.lq.width = num(l, "width", where + " lq");
  c.lq.cut = num(l, "cut", where + " lq");
  return c;
}

CutSet cut_set_from_json(const nlohmann::json& j) {
  CutSet c;
  c.pooled = detector_cuts_from_json(at(j, "pooled", "cuts JSON"));
  const auto& dets = at(j, "detectors", "cuts JSON");
  if (!dets.is_array()) throw core::InputError("cuts JSON: key 'detectors' is not an array");
  for (const auto& d : dets) {
    DetectorCuts dc = detector_cuts_from_json(d);
    c.detectors[dc.detector] = std::move(dc);
  }
  return c;
}

}  // namespace wl::dsp
