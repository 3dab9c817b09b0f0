// preprocess.json: the fitted preprocessing of a run, readable by Python (json.load) so a
// notebook can apply exactly the same window and scaling.
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/preprocess.hpp"

namespace wl::data {

using core::InputError;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "wavelearn-preprocess";
// Version 2 adds the pole_zero object. A state without pole-zero correction is still written
// as version 1, so programs from before it keep reading it; one with it is refused by them
// (they would apply the windows without the correction).
constexpr int kVersion = 2;
constexpr int kVersionWithoutPoleZero = 1;

template <class T>
T field(const json& j, const char* key, const std::string& source) {
  if (!j.contains(key)) throw InputError(source + ": missing key '" + key + "'");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw InputError(source + ": key '" + key + "' has the wrong type");
  }
}

template <class Enum>
Enum parse_enum(const std::string& value, const char* key, const std::string& source,
                std::initializer_list<Enum> options) {
  for (Enum option : options) {
    if (value == to_string(option)) return option;
  }
  throw InputError(source + ": key '" + key + "' has unknown value \"" + value + "\"");
}

}  // namespace

std::string Preprocessor::to_json() const {
  const auto& s = state_;
  const auto& c = s.config;
  json j;
  j["format"] = kFormat;
  j["sample_period_ns"] = s.sample_period_ns;
  j["record_length_samples"] = s.record_length_samples;
  j["window"] = {
      {"mode", to_string(c.window)},
      {"start_ns", c.window_start_ns},
      {"length_ns", c.window_length_ns},
      {"tp0_offset_ns", c.tp0_offset_ns},
      {"start_samples", s.window_start_samples},
      {"length_samples", s.window_length_samples},
      {"tp0_offset_samples", s.tp0_offset_samples},
  };
  j["baseline"] = {
      {"mode", to_string(c.baseline)},
      {"length_ns", c.baseline_length_ns},
      {"length_samples", s.baseline_length_samples},
      {"pretrigger_start_ns", c.pretrigger_start_ns},
      {"pretrigger_length_ns", c.pretrigger_length_ns},
      {"pretrigger_start_samples", s.pretrigger_start_samples},
      {"pretrigger_length_samples", s.pretrigger_length_samples},
  };
  j["normalization"] = to_string(c.normalization);
  j["amplitude_scale"] = s.amplitude_scale;
  if (c.amplitude_per_detector) {
    json by = json::object();
    for (const auto& [det, scale] : s.amplitude_scale_by_detector) by[std::to_string(det)] = scale;
    j["amplitude_per_detector"] = true;
    j["amplitude_scale_by_detector"] = by;
  }
  j["standard_scaler"] = c.standard_scaler;
  j["scaler_mean"] = s.scaler_mean;
  j["scaler_std"] = s.scaler_std;
  j["amplitude_targets"] = c.amplitude_targets;
  j["fitted"] = s.fitted;
  j["fit_events"] = s.fit_events;
  j["selection"] = {{"has_energy_threshold", s.has_energy_threshold},
                    {"energy_threshold_kev", s.energy_threshold_kev}};
  j["fields"] = {{"waveform", s.waveform_field},
                 {"energy", s.energy_field},
                 {"tp0", s.tp0_field},
                 {"detector", s.detector_field},
                 {"targets", s.target_names},
                 {"multiclass", s.multiclass}};
  if (c.pole_zero != PoleZeroMode::Off) {
    json by = json::object();
    for (const auto& [det, tau] : s.pole_zero_tau_ns_by_detector) by[std::to_string(det)] = tau;
    j["pole_zero"] = {{"mode", to_string(c.pole_zero)},
                      {"tau_ns", s.pole_zero_tau_ns},
                      {"tau_ns_by_detector", by},
                      {"tails_measured", s.pole_zero_tails}};
  }
  j["version"] = c.pole_zero != PoleZeroMode::Off ? kVersion : kVersionWithoutPoleZero;
  return j.dump(1);
}

namespace {

json parse_state_json(const std::string& text, const std::string& source) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InputError(source + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!j.is_object() || j.value("format", "") != kFormat)
    throw InputError(source + ": not a wavelearn preprocess file (format != \"" + kFormat + "\")");
  if (field<int>(j, "version", source) > kVersion)
    throw InputError(source + ": preprocess format version " + std::to_string(field<int>(j, "version", source)) +
                     " is newer than this program understands");
  return j;
}

void read_window(const json& j, const std::string& source, PreprocessState& s) {
  auto& c = s.config;
  const json w = field<json>(j, "window", source);
  c.window = parse_enum(field<std::string>(w, "mode", source), "window.mode", source,
                        {WindowMode::Fixed, WindowMode::Tp0});
  c.window_start_ns = field<double>(w, "start_ns", source);
  c.window_length_ns = field<double>(w, "length_ns", source);
  c.tp0_offset_ns = field<double>(w, "tp0_offset_ns", source);
  s.window_start_samples = field<std::size_t>(w, "start_samples", source);
  s.window_length_samples = field<std::size_t>(w, "length_samples", source);
  s.tp0_offset_samples = field<std::int64_t>(w, "tp0_offset_samples", source);
  const json b = field<json>(j, "baseline", source);
  c.baseline = parse_enum(field<std::string>(b, "mode", source), "baseline.mode", source,
                          {BaselineMode::None, BaselineMode::Window, BaselineMode::Pretrigger});
  c.baseline_length_ns = field<double>(b, "length_ns", source);
  s.baseline_length_samples = field<std::size_t>(b, "length_samples", source);
  c.pretrigger_start_ns = field<double>(b, "pretrigger_start_ns", source);
  c.pretrigger_length_ns = field<double>(b, "pretrigger_length_ns", source);
  s.pretrigger_start_samples = field<std::size_t>(b, "pretrigger_start_samples", source);
  s.pretrigger_length_samples = field<std::size_t>(b, "pretrigger_length_samples", source);
}

// An object detector number -> positive value (`what` names it in messages).
std::map<std::int64_t, double> read_detector_map(const json& by, const std::string& what, const std::string& source) {
  if (!by.is_object()) throw InputError(source + ": " + what + " must be an object");
  std::map<std::int64_t, double> out;
  for (const auto& [key, value] : by.items()) {
    std::int64_t det = 0;
    double v = 0.0;
    try {
      std::size_t used = 0;
      det = std::stoll(key, &used);
      if (used != key.size()) throw std::invalid_argument(key);
      v = value.get<double>();
    } catch (const std::exception&) {
      throw InputError(source + ": " + what + " entry '" + key + "' is not detector: value");
    }
    if (!(v > 0.0) || !std::isfinite(v)) throw InputError(source + ": " + what + "['" + key + "'] must be > 0");
    out[det] = v;
  }
  return out;
}

// Optional (files written before per-detector scales have neither key).
void read_detector_scales(const json& j, const std::string& source, PreprocessState& s) {
  s.config.amplitude_per_detector = j.value("amplitude_per_detector", false);
  if (!s.config.amplitude_per_detector) return;
  s.amplitude_scale_by_detector =
      read_detector_map(field<json>(j, "amplitude_scale_by_detector", source), "amplitude_scale_by_detector", source);
}

// Optional (absent: no correction, as in files written before it existed).
void read_pole_zero(const json& j, const std::string& source, PreprocessState& s) {
  if (!j.contains("pole_zero")) return;
  const json p = field<json>(j, "pole_zero", source);
  s.config.pole_zero = parse_enum(field<std::string>(p, "mode", source), "pole_zero.mode", source,
                                  {PoleZeroMode::Off, PoleZeroMode::Fixed, PoleZeroMode::Auto});
  s.pole_zero_tau_ns = field<double>(p, "tau_ns", source);
  if (s.config.pole_zero == PoleZeroMode::Fixed) s.config.pole_zero_tau_ns = s.pole_zero_tau_ns;
  s.pole_zero_tau_ns_by_detector =
      read_detector_map(field<json>(p, "tau_ns_by_detector", source), "pole_zero.tau_ns_by_detector", source);
  s.pole_zero_tails = p.value("tails_measured", std::size_t{0});
}

void read_scaling_and_fields(const json& j, const std::string& source, PreprocessState& s) {
  auto& c = s.config;
  c.normalization = parse_enum(field<std::string>(j, "normalization", source), "normalization", source,
                               {Normalization::None, Normalization::MinMax, Normalization::Amplitude});
  s.amplitude_scale = field<double>(j, "amplitude_scale", source);
  read_detector_scales(j, source, s);
  read_pole_zero(j, source, s);
  c.standard_scaler = field<bool>(j, "standard_scaler", source);
  s.scaler_mean = field<std::vector<float>>(j, "scaler_mean", source);
  s.scaler_std = field<std::vector<float>>(j, "scaler_std", source);
  c.amplitude_targets = field<std::vector<std::string>>(j, "amplitude_targets", source);
  s.fitted = field<bool>(j, "fitted", source);
  s.fit_events = field<std::size_t>(j, "fit_events", source);
  const json sel = field<json>(j, "selection", source);
  s.has_energy_threshold = field<bool>(sel, "has_energy_threshold", source);
  s.energy_threshold_kev = field<double>(sel, "energy_threshold_kev", source);
  const json f = field<json>(j, "fields", source);
  s.waveform_field = field<std::string>(f, "waveform", source);
  s.energy_field = field<std::string>(f, "energy", source);
  s.tp0_field = field<std::string>(f, "tp0", source);
  s.detector_field = f.value("detector", std::string("detector"));
  s.target_names = field<std::vector<std::string>>(f, "targets", source);
  s.multiclass = field<std::string>(f, "multiclass", source);
}

// A state that would index outside its window is rejected here, not later.
void check_consistent(const PreprocessState& s, const std::string& source) {
  const auto& c = s.config;
  const std::size_t n = s.window_length_samples;
  if (n == 0 || n > s.record_length_samples ||
      (c.window == WindowMode::Fixed && s.window_start_samples + n > s.record_length_samples))
    throw InputError(source + ": window does not fit its record length");
  if (c.baseline == BaselineMode::Window && (s.baseline_length_samples == 0 || s.baseline_length_samples > n))
    throw InputError(source + ": baseline length does not fit the window");
  if (c.baseline == BaselineMode::Pretrigger &&
      (s.pretrigger_length_samples == 0 ||
       s.pretrigger_start_samples + s.pretrigger_length_samples > s.record_length_samples))
    throw InputError(source + ": pre-trigger region does not fit the record");
  if (c.standard_scaler && (s.scaler_mean.size() != n || s.scaler_std.size() != n))
    throw InputError(source + ": scaler statistics do not match the window length");
  if (!(s.amplitude_scale > 0.0)) throw InputError(source + ": amplitude_scale must be > 0");
  if (!(s.sample_period_ns > 0.0)) throw InputError(source + ": sample_period_ns must be > 0");
  if (c.pole_zero != PoleZeroMode::Off) {
    if (c.baseline == BaselineMode::None)
      throw InputError(source + ": pole_zero needs a baseline mode other than \"none\"");
    if (!(s.pole_zero_tau_ns > 0.0) || !std::isfinite(s.pole_zero_tau_ns))
      throw InputError(source + ": pole_zero.tau_ns must be > 0");
  }
}

}  // namespace

Preprocessor Preprocessor::from_json(const std::string& text, const std::string& source) {
  const json j = parse_state_json(text, source);
  PreprocessState s;
  s.sample_period_ns = field<double>(j, "sample_period_ns", source);
  s.record_length_samples = field<std::size_t>(j, "record_length_samples", source);
  read_window(j, source, s);
  read_scaling_and_fields(j, source, s);
  check_consistent(s, source);
  return Preprocessor(std::move(s));
}

void Preprocessor::save(const std::filesystem::path& path, bool force) const {
  core::refuse_overwrite(path, force);
  core::write_text_atomically(path, to_json() + "\n", true);
}

Preprocessor Preprocessor::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open preprocess file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return from_json(text.str(), path.string());
}

}  // namespace wl::data
