// Column names and values of a Features row (the order of the struct).
#include "wavelearn/dsp/features.hpp"

#include <cstddef>
#include <stdexcept>

namespace wl::dsp {

// feature_value indexes the float fields as an array: they must be contiguous floats.
static_assert(offsetof(Features, quality) == 22 * sizeof(float), "Features: float fields then quality");

const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = {
      "baseline_mean_adc", "baseline_std_adc", "baseline_slope_adc_per_ns", "energy_trap_adc",
      "energy_trap_max_adc", "current_amp_adc_per_ns", "avse_raw", "tp0_ns", "tp01_ns", "tp10_ns",
      "tp50_ns", "tp90_ns", "tp999_ns", "drift_time_ns", "rise_time_ns", "dcr_raw", "tail_tau_ns",
      "lq_raw", "current_width_ns", "n_current_peaks", "rise_asymmetry", "baseline_tail_diff_adc",
      "quality"};
  return names;
}

double feature_value(const Features& f, std::size_t i) {
  const auto& names = feature_names();
  if (i + 1 == names.size()) return static_cast<double>(f.quality);
  if (i + 1 > names.size()) throw std::out_of_range("feature index " + std::to_string(i));
  // The float fields are contiguous and in the order of feature_names().
  return static_cast<double>((&f.baseline_mean_adc)[i]);
}

}  // namespace wl::dsp
