// The feature table's schema: one entry per column (name, unit, meaning, field), in the
// order `wavelearn dsp` writes the columns. Tests and files downstream depend on the names
// and the order: append new columns before `quality`, never rename or reorder.
#include "wavelearn/dsp/features.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "wavelearn/core/error.hpp"

namespace wl::dsp {

namespace {

FeatureColumn param(const char* name, const char* unit, const char* description, float Features::*value) {
  return {name, unit, description, value, nullptr};
}

std::vector<FeatureColumn> make_schema() {
  using F = Features;
  return {
      param("baseline_mean_adc", "adc", "mean of the pre-rise samples (pedestal)", &F::baseline_mean_adc),
      param("baseline_std_adc", "adc", "standard deviation of the pre-rise samples", &F::baseline_std_adc),
      param("baseline_slope_adc_per_ns", "adc/ns", "linear slope of the pre-rise samples",
            &F::baseline_slope_adc_per_ns),
      param("energy_trap_adc", "adc", "trapezoid filter picked off at a fixed time after tp0 (energy)",
            &F::energy_trap_adc),
      param("energy_trap_max_adc", "adc", "maximum of the trapezoid filter over its flat top",
            &F::energy_trap_max_adc),
      param("current_amp_adc_per_ns", "adc/ns", "A: maximum of the smoothed current", &F::current_amp_adc_per_ns),
      param("avse_raw", "1/ns", "A / E, uncorrected (current amplitude over trapezoid energy)", &F::avse_raw),
      param("tp0_ns", "ns", "start of the rise (smoothed threshold crossing, walked back)", &F::tp0_ns),
      param("tp01_ns", "ns", "1 % crossing of the amplitude", &F::tp01_ns),
      param("tp10_ns", "ns", "10 % crossing of the amplitude", &F::tp10_ns),
      param("tp50_ns", "ns", "50 % crossing of the amplitude", &F::tp50_ns),
      param("tp90_ns", "ns", "90 % crossing of the amplitude", &F::tp90_ns),
      param("tp999_ns", "ns", "99.9 % crossing of the amplitude", &F::tp999_ns),
      param("drift_time_ns", "ns", "drift time: tp999 - tp0", &F::drift_time_ns),
      param("rise_time_ns", "ns", "rise time: tp90 - tp10", &F::rise_time_ns),
      param("dcr_raw", "1/us", "DCR: slope of the pole-zero-corrected tail over energy", &F::dcr_raw),
      param("tail_tau_ns", "ns", "decay constant of the tail from its log slope (no pole-zero)", &F::tail_tau_ns),
      param("lq_raw", "ns", "LQ: late charge area after the 80 % point over energy", &F::lq_raw),
      param("current_width_ns", "ns", "FWHM of the current pulse", &F::current_width_ns),
      param("n_current_peaks", "1", "number of current peaks above threshold", &F::n_current_peaks),
      param("rise_asymmetry", "1", "rising-edge asymmetry: (tp90 - tp50) / (tp50 - tp10)", &F::rise_asymmetry),
      param("baseline_tail_diff_adc", "adc", "end of the corrected tail minus the energy (pile-up)",
            &F::baseline_tail_diff_adc),
      {"quality", "bitmask",
       "QualityFlag bits: 1 non-finite, 2 flat, 4 saturated, 8 negative, 16 no rise, 32 pile-up, "
       "64 baseline unstable, 128 too short",
       nullptr, &F::quality},
  };
}

// Every field of Features has a column: a field added to the struct but not to the schema
// (it would be written nowhere and stay uninitialised in blank rows) fails to compile here.
constexpr std::size_t kParameterColumns = 22;
static_assert(sizeof(Features) == kParameterColumns * sizeof(float) + sizeof(uint32_t),
              "a field of Features is missing from make_schema()");

std::vector<std::string> collect(const char* FeatureColumn::*text) {
  std::vector<std::string> out;
  for (const auto& c : feature_schema()) out.emplace_back(c.*text);
  return out;
}

}  // namespace

double FeatureColumn::get(const Features& f) const {
  return value ? static_cast<double>(f.*value) : static_cast<double>(f.*bits);
}

void FeatureColumn::set(Features& f, double v) const {
  if (value) {
    f.*value = static_cast<float>(v);
    return;
  }
  const bool representable = std::isfinite(v) && v >= 0.0 && v < 4294967296.0;
  f.*bits = representable ? static_cast<uint32_t>(v) : static_cast<uint32_t>(kNonFinite);
}

const std::vector<QualityFlagName>& quality_flag_names() {
  static const std::vector<QualityFlagName> names = {
      {kNonFinite, "non_finite"}, {kFlat, "flat"},   {kSaturated, "saturated"},
      {kNegative, "negative"},    {kNoRise, "no_rise"}, {kPileup, "pileup"},
      {kBaselineUnstable, "baseline_unstable"},       {kTooShort, "too_short"}};
  return names;
}

const std::vector<FeatureColumn>& feature_schema() {
  static const std::vector<FeatureColumn> schema = make_schema();
  return schema;
}

const FeatureColumn& feature_column(const std::string& name) {
  for (const auto& c : feature_schema())
    if (name == c.name) return c;
  std::string known;
  for (const auto& c : feature_schema()) known += (known.empty() ? "" : ", ") + std::string(c.name);
  throw core::InputError("no feature column '" + name + "' (columns: " + known + ")");
}

Features blank_features() {
  static const Features blank = [] {
    Features f{};
    for (const auto& c : feature_schema()) c.set(f, c.value ? std::numeric_limits<double>::quiet_NaN() : 0.0);
    return f;
  }();
  return blank;
}

const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = collect(&FeatureColumn::name);
  return names;
}

const std::vector<std::string>& feature_units() {
  static const std::vector<std::string> units = collect(&FeatureColumn::unit);
  return units;
}

std::string feature_units_json() {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& c : feature_schema()) j[c.name] = c.unit;
  return j.dump();
}

double feature_value(const Features& f, std::size_t i) {
  const auto& schema = feature_schema();
  if (i >= schema.size()) throw std::out_of_range("feature index " + std::to_string(i));
  return schema[i].get(f);
}

}  // namespace wl::dsp
