#pragma once
// One row of traditional pulse-shape parameters per waveform (specs/dsp.md). Times are in
// ns from the first sample of the record, amplitudes in ADC units (uncalibrated), so the
// row means the same for 10 ns MJD and 16 ns LEGEND data. A parameter that cannot be
// computed is NaN and the reason is set in `quality` (never a crash, never garbage).
//
// The feature table's schema (column names, order, units, meaning) is feature_schema():
// one entry per column, reading and writing its field by pointer to member. Nothing depends
// on the order or layout of the fields of the struct.
#include <cstddef>
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

// Each flag with its name ("non_finite", "flat", ...), in bit order.
struct QualityFlagName {
  QualityFlag flag;
  const char* name;
};
const std::vector<QualityFlagName>& quality_flag_names();

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

// One column of the feature table. Exactly one of `value` (a float parameter) and `bits`
// (the quality bitmask) is set.
struct FeatureColumn {
  const char* name;         // column name in the table written by `wavelearn dsp`
  const char* unit;         // "adc", "ns", "adc/ns", "1/ns", "1/us", "1" (dimensionless), "bitmask"
  const char* description;  // one line
  float Features::*value;   // the parameter, or nullptr
  uint32_t Features::*bits; // the bitmask, or nullptr

  double get(const Features& f) const;
  // Stores v in the row: a parameter as float; the bitmask as an integer when v is a finite
  // integer in [0, 2^32) (fractions truncated), else kNonFinite (never a good-looking row).
  void set(Features& f, double v) const;
};

// Every column of the table, in the order `wavelearn dsp` writes them (quality last).
const std::vector<FeatureColumn>& feature_schema();
// The column called `name`; throws InputError listing the columns when there is none.
const FeatureColumn& feature_column(const std::string& name);

// A row with nothing measured: every parameter NaN, quality 0 (the chain's starting row,
// and the row to fill from a table that holds only some of the columns).
Features blank_features();

// Column names / units in schema order (quality last), as written by `wavelearn dsp`.
const std::vector<std::string>& feature_names();
const std::vector<std::string>& feature_units();
// {"column": "unit", ...} in schema order: the `feature_units` attribute of the table.
std::string feature_units_json();
// Value of column i (quality as a float-valued bitmask); throws std::out_of_range.
double feature_value(const Features& f, std::size_t i);

}  // namespace wl::dsp
