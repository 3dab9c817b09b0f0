#include "wavelearn/sim/response.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <type_traits>

#include "wavelearn/core/error.hpp"

namespace wl::sim {

namespace {

// Every scalar key with its field; noise_lines is parsed separately.
template <class R, class F>
void for_each_scalar(R& r, F&& f) {
  f("rise_time_ns", r.rise_time_ns);
  f("rise_order", r.rise_order);
  f("noise_white_adc", r.noise_white_adc);
  f("noise_pink_adc_per_rtmhz", r.noise_pink_adc_per_rtmhz);
  f("drift_adc_per_us", r.drift_adc_per_us);
  f("drift_sigma_adc_per_us", r.drift_sigma_adc_per_us);
  f("decay_tau_min_ns", r.decay_tau_min_ns);
  f("decay_tau_max_ns", r.decay_tau_max_ns);
  f("trapping_per_us", r.trapping_per_us);
  f("pileup_fraction", r.pileup_fraction);
}

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw core::InputError("response." + key + ": " + why);
}

double parse_number(const std::string& key, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) bad(key, "'" + text + "' is not a finite number");
  return v;
}

// "0.6:4,3.2:2" -> lines at 0.6 MHz (4 ADC) and 3.2 MHz (2 ADC); "" or "none" -> no lines.
std::vector<NoiseLine> parse_lines(const std::string& text) {
  std::vector<NoiseLine> out;
  if (text.empty() || text == "none") return out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) bad("noise_lines", "'" + item + "' is not FREQ_MHZ:AMPLITUDE_ADC");
    out.push_back({parse_number("noise_lines", item.substr(0, colon)),
                   parse_number("noise_lines", item.substr(colon + 1))});
  }
  if (out.size() > static_cast<std::size_t>(kMaxNoiseLines))
    bad("noise_lines", "at most " + std::to_string(kMaxNoiseLines) + " lines");
  return out;
}

std::string format_lines(const std::vector<NoiseLine>& lines) {
  if (lines.empty()) return "none";
  std::ostringstream os;
  os.precision(8);
  for (std::size_t i = 0; i < lines.size(); ++i)
    os << (i ? "," : "") << lines[i].frequency_mhz << ":" << lines[i].amplitude_adc;
  return os.str();
}

}  // namespace

bool ResponseParams::has_waveform_stage() const {
  return rise_time_ns > 0 || noise_white_adc > 0 || noise_pink_adc_per_rtmhz > 0 || !noise_lines.empty() ||
         drift_adc_per_us != 0 || drift_sigma_adc_per_us > 0;
}

void ResponseParams::validate(double sample_period_ns) const {
  auto need = [](bool ok, const char* key, const char* why) {
    if (!ok) bad(key, why);
  };
  need(std::isfinite(rise_time_ns) && rise_time_ns >= 0 && rise_time_ns <= 1e5, "rise_time_ns", "must lie in [0, 1e5]");
  need(rise_order >= 1 && rise_order <= kMaxRiseOrder, "rise_order", "must be 1, 2, 3 or 4");
  need(std::isfinite(noise_white_adc) && noise_white_adc >= 0, "noise_white_adc", "must be >= 0");
  need(std::isfinite(noise_pink_adc_per_rtmhz) && noise_pink_adc_per_rtmhz >= 0, "noise_pink_adc_per_rtmhz",
       "must be >= 0");
  need(std::isfinite(drift_adc_per_us) && std::fabs(drift_adc_per_us) <= 1e4, "drift_adc_per_us",
       "must lie in [-1e4, 1e4]");
  need(std::isfinite(drift_sigma_adc_per_us) && drift_sigma_adc_per_us >= 0 && drift_sigma_adc_per_us <= 1e4,
       "drift_sigma_adc_per_us", "must lie in [0, 1e4]");
  const bool keep_tau = decay_tau_min_ns == 0 && decay_tau_max_ns == 0;
  need(keep_tau || (std::isfinite(decay_tau_max_ns) && decay_tau_min_ns > 0 && decay_tau_min_ns <= decay_tau_max_ns),
       "decay_tau_min_ns", "need 0 < decay_tau_min_ns <= decay_tau_max_ns (both 0: the generator's)");
  need(std::isfinite(trapping_per_us) && trapping_per_us >= 0 && trapping_per_us <= 0.5, "trapping_per_us",
       "must lie in [0, 0.5]");
  need(std::isfinite(pileup_fraction) && pileup_fraction <= 1, "pileup_fraction",
       "must lie in [0, 1] (negative: SimParams' pileup_fraction)");
  const double nyquist_mhz = 500.0 / sample_period_ns;
  for (const auto& l : noise_lines)
    need(std::isfinite(l.frequency_mhz) && l.frequency_mhz > 0 && l.frequency_mhz < nyquist_mhz &&
             std::isfinite(l.amplitude_adc) && l.amplitude_adc >= 0,
         "noise_lines", "each line needs 0 < frequency < Nyquist (500 / sample_period_ns MHz) and amplitude >= 0");
}

ResponseParams response_preset(const std::string& name) {
  ResponseParams r;
  if (name == "nominal") return r;
  if (name != "data-like")
    throw core::InputError("--response " + name + ": no such response (known: nominal, data-like)");
  // A readout visibly unlike the nominal one, in the directions real arrays differ: slower
  // electronics, a 1/f continuum and pick-up lines on top of the white noise, drifting
  // baselines, shorter and more varied decay constants and trapping.
  r.name = name;
  r.rise_time_ns = 80;
  r.rise_order = 2;
  // The extra stage smooths the detector's white noise (12 ADC -> ~8 ADC per sample), so the
  // readout noise is chosen to raise the baseline rms above the nominal one.
  r.noise_white_adc = 10;
  r.noise_pink_adc_per_rtmhz = 3;
  r.noise_lines = {{0.6, 5.0}, {3.2, 3.0}};
  r.drift_adc_per_us = 0;
  r.drift_sigma_adc_per_us = 0.2;
  r.decay_tau_min_ns = 30000;
  r.decay_tau_max_ns = 45000;
  r.trapping_per_us = 0.002;
  // No pile-up by default: the DSP flags piled-up events and their energy_label is NaN, which
  // training refuses; response.pileup_fraction adds it for a pile-up study.
  r.pileup_fraction = 0;
  return r;
}

std::vector<std::string> response_preset_names() { return {"nominal", "data-like"}; }

std::vector<std::string> response_keys() {
  std::vector<std::string> out;
  ResponseParams r;
  for_each_scalar(r, [&](const char* key, auto&) { out.emplace_back(key); });
  out.emplace_back("noise_lines");
  return out;
}

void set_response_key(ResponseParams& r, const std::string& key, const std::string& value) {
  if (key == "noise_lines") {
    r.noise_lines = parse_lines(value);
    return;
  }
  bool found = false;
  for_each_scalar(r, [&](const char* k, auto& field) {
    if (key != k) return;
    found = true;
    const double v = parse_number(key, value);
    if constexpr (std::is_integral_v<std::decay_t<decltype(field)>>) {
      if (v != std::floor(v) || std::fabs(v) > 1e6) bad(key, "must be a whole number");
      field = static_cast<int>(v);
    } else {
      field = v;
    }
  });
  if (!found) {
    std::string known;
    for (const auto& k : response_keys()) known += (known.empty() ? "" : ", ") + k;
    bad(key, "no such response key (known: " + known + ")");
  }
}

std::vector<std::pair<std::string, std::string>> response_attributes(const ResponseParams& r) {
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("name", r.name);
  for_each_scalar(r, [&](const char* key, const auto& field) {
    std::ostringstream os;
    os.precision(10);
    os << field;
    out.emplace_back(key, os.str());
  });
  out.emplace_back("noise_lines", format_lines(r.noise_lines));
  return out;
}

}  // namespace wl::sim
