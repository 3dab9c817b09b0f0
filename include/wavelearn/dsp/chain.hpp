#pragma once
// The DSP chain: configuration in ns, converted to samples with the file's sampling period,
// and a Chain object that turns one waveform into one Features row with preallocated
// scratch (no allocation per waveform). process_block runs it over many waveforms on all
// threads, one Chain per thread; results do not depend on the thread count.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "wavelearn/dsp/features.hpp"

namespace wl::dsp {

// Every time is in ns (converted with the sampling period of the data), every threshold is
// relative (baseline sigma or fraction of the amplitude): nothing assumes 10 ns or 3800
// samples. TOML keys have the same names as the fields (see docs/dsp.md).
struct ChainConfig {
  // Baseline: provisional estimate from [baseline_start, +baseline_probe) to find the rise,
  // final statistics on [baseline_start, tp0 - baseline_margin).
  double baseline_start_ns = 0;
  double baseline_probe_ns = 2000;
  double baseline_margin_ns = 100;
  double baseline_unstable_nsigma = 5;  // |slope * window length| over residual sigma

  // tp0: trailing moving average crossing tp0_nsigma (smoothed) baseline sigma, walked back.
  double tp0_smoothing_ns = 50;
  double tp0_nsigma = 3;
  double tp0_walkback_ns = 200;
  double flat_nsigma = 5;        // pulse amplitude below this many sigma: flat
  double max_rise_ns = 3000;     // the pulse reaches its maximum within this after tp0

  // Pole-zero: tau_ns <= 0 means "estimate per detector from the tails of a sample".
  double tau_ns = 0;
  std::map<long long, double> tau_ns_by_detector;
  double tau2_ns = 0;            // optional second time constant (0: off)
  double tau2_fraction = 0;      // its share of the step response

  // Trapezoid energy, picked off at tp0 + trap_pickoff_ns and at the maximum.
  double trap_rise_ns = 4000;
  double trap_flat_ns = 2500;
  double trap_pickoff_ns = 6000;

  // Current: moving-window derivative then current_passes moving averages.
  double current_window_ns = 50;
  int current_passes = 3;
  double current_peak_fraction = 0.25;    // peak counting threshold (fraction of A)
  double current_peak_prominence = 0.1;   // dip between counted peaks (fraction of A)
  double current_peak_nsigma = 6;         // and both at least this many current-noise sigma

  // Time points use the trapezoid energy as the 100 % reference; fractions below 50 % walk
  // back from the 50 % point, higher ones walk forward to the end of max_rise_ns.
  // DCR: two windows of the pole-zero-corrected tail, the first dcr_start_ns after tp99.9,
  // starts dcr_gap_ns apart.
  double dcr_start_ns = 1500;
  double dcr_width_ns = 2000;
  double dcr_gap_ns = 10000;

  // LQ: area between the final value (mean of lq_ref_width_ns after the window) and the
  // waveform from the lq_fraction crossing over lq_window_ns, divided by energy.
  double lq_fraction = 0.8;
  double lq_window_ns = 2000;
  double lq_ref_width_ns = 1000;

  // Tail decay constant: log-linear fit of tail_blocks block means from tp99.9 +
  // tail_start_ns to the end of the record (no pole-zero).
  double tail_start_ns = 2000;
  int tail_blocks = 8;

  // Pile-up: mean of the last tail_end_ns of the pole-zero-corrected record minus the
  // energy; flagged beyond pileup_nsigma * baseline sigma + pileup_fraction * energy.
  double tail_end_ns = 2000;
  double pileup_nsigma = 10;
  double pileup_fraction = 0.05;

  // Saturation: adc_max > 0 flags any sample at or above it; independently a plateau of
  // saturation_plateau_ns at the maximum is flagged.
  double adc_max = 0;
  double saturation_plateau_ns = 200;

  // Pulses (shared among the detectors without a configured tau, spread over the file)
  // whose tail fits give each detector's median tau.
  int tau_sample_events = 4000;

  // tau to use for a detector: the per-detector table, else tau_ns (<= 0: unknown).
  double tau_for(long long detector) const;
};

// Reads a TOML file: keys of a [dsp] table, or of the top level if there is none.
// Unknown keys, wrong types or out-of-range values throw InputError naming file and key.
ChainConfig load_chain_config(const std::string& path);
// Same from TOML text (`source` names it in messages).
ChainConfig parse_chain_config(const std::string& toml_text, const std::string& source);
// Command-line overrides "KEY=VALUE" (KEY with or without "dsp.", VALUE in TOML syntax, e.g.
// "trap_rise_ns=3000", "tau_ns_by_detector.632=70000"); same checks as a file.
void apply_chain_overrides(ChainConfig& config, const std::vector<std::string>& key_values);
// The configuration as JSON text (written into output attributes for provenance).
std::string chain_config_json(const ChainConfig& config);

// The configuration in samples for one sampling period.
struct ChainSamples {
  double dt_ns;
  std::size_t baseline_start, baseline_probe, baseline_margin;
  std::size_t tp0_window, tp0_walkback, max_rise;
  std::size_t trap_rise, trap_flat, trap_pickoff;
  std::size_t current_window;
  std::size_t dcr_start, dcr_width, dcr_gap;
  std::size_t lq_window, lq_ref_width;
  std::size_t tail_start, tail_end;
  std::size_t saturation_plateau;
};
// Throws InputError for a non-positive or non-finite sampling period.
ChainSamples to_samples(const ChainConfig& config, double sample_period_ns);

class Chain {
 public:
  // Scratch is sized for max_samples; a longer record grows it once.
  Chain(const ChainConfig& config, double sample_period_ns, std::size_t max_samples);

  // One waveform (raw ADC, any pedestal) into one row. tau_ns <= 0: no pole-zero correction.
  Features process(const float* x, std::size_t n, double tau_ns);

  // Decay constant (ns) of the tail of one raw waveform (NaN when it cannot be measured):
  // the per-pulse input to estimate_tau_ns.
  double tail_tau_ns(const float* x, std::size_t n);

  const ChainSamples& samples() const { return s_; }

 private:
  void reserve(std::size_t n);
  ChainConfig cfg_;
  ChainSamples s_;
  std::vector<float> y_, z_, cur_, cur_tmp_;
  std::vector<double> prefix_;
  double current_noise_gain_ = 0;  // current noise sigma per baseline sigma
};

// Features of n_wf waveforms of n samples each (row-major), tau per waveform (tau_ns may be
// nullptr: no pole-zero), on `threads` threads.
void process_block(const ChainConfig& config, double sample_period_ns, const float* waveforms,
                   std::size_t n_wf, std::size_t n, const double* tau_ns, Features* out,
                   int threads);

// Per-pulse tail decay constants (ns; NaN where not measurable) of n_wf waveforms.
void tail_tau_block(const ChainConfig& config, double sample_period_ns, const float* waveforms,
                    std::size_t n_wf, std::size_t n, double* tau_ns, int threads);

// Robust decay constant (ns) from a sample of pulses: the median of the per-pulse tail
// fits that succeeded. NaN if none did.
double estimate_tau_ns(const ChainConfig& config, double sample_period_ns, const float* waveforms,
                       std::size_t n_wf, std::size_t n, int threads);

}  // namespace wl::dsp
