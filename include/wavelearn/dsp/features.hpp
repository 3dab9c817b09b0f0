#pragma once
// One row of traditional pulse-shape parameters per waveform (specs/dsp.md). Times are in
// ns from the first sample of the record, amplitudes in ADC units (uncalibrated), so the
// row means the same for 10 ns MJD and 16 ns LEGEND data. A parameter that cannot be
// computed is NaN and the reason is set in `quality` (never a crash, never garbage).
#include <cstdint>
#include <string>
#include <vector>

namespace wl::dsp {

enum QualityFlag : uint32_t {
  kQualityOk = 0,
  kNonFinite = 1u << 0,        // NaN/inf samples in the record
  kFlat = 1u << 1,             // no rise above the baseline noise
  kSaturated = 1u << 2,        // samples stuck at the ADC maximum
  kNegative = 1u << 3,         // pulse of the wrong polarity
  kNoRise = 1u << 4,           // tp0 not found
  kPileup = 1u << 5,           // a second pulse or baseline-to-tail mismatch
  kBaselineUnstable = 1u << 6, // baseline slope or std out of range
  kTooShort = 1u << 7,         // record too short for the configured windows
};

struct Features {
  float baseline_mean_adc;
  float baseline_std_adc;
  float baseline_slope_adc_per_ns;
  float energy_trap_adc;        // trapezoid picked off at a fixed time after tp0
  float energy_trap_max_adc;    // trapezoid maximum
  float current_amp_adc_per_ns; // A: maximum of the smoothed current
  float avse_raw;               // A / E (uncorrected, current per ns over trap energy)
  float tp0_ns;
  float tp01_ns;                // 1 % crossing
  float tp10_ns;
  float tp50_ns;
  float tp90_ns;
  float tp999_ns;               // 99.9 % crossing
  float drift_time_ns;          // tp999 - tp0
  float rise_time_ns;           // tp90 - tp10
  float dcr_raw;                // pole-zero-corrected tail slope / energy (per us)
  float tail_tau_ns;            // decay constant from the log-tail slope (no pole-zero)
  float lq_raw;                 // late charge area / energy (ns)
  float current_width_ns;       // FWHM of the current pulse
  float n_current_peaks;        // current peaks above threshold
  float rise_asymmetry;         // (tp90 - tp50) / (tp50 - tp10)
  float baseline_tail_diff_adc; // pile-up indicator
  uint32_t quality;             // QualityFlag bits
};

// Column names in the order of the struct (quality last), as written by `wavelearn dsp`.
const std::vector<std::string>& feature_names();
// Value of column i (quality as a float-valued bitmask).
double feature_value(const Features& f, std::size_t i);

}  // namespace wl::dsp
