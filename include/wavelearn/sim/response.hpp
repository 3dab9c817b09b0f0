#pragma once
// Detector-response stage: what the readout does to a waveform after the charge pulse,
// so that a simulated "target" domain can differ from the nominal one the way real data
// differ (docs/simulation.md, "Detector response"). One small pure function per effect,
// each testable alone; `apply_response_stage` strings the waveform-level ones together.
//
// Effects and where they act:
//   rise time / transfer function  rise_time_ns, rise_order: n equal real poles on the trace
//   noise with a spectrum          noise_white_adc, noise_pink_adc_per_rtmhz, noise_lines
//   baseline drift                 drift_adc_per_us, drift_sigma_adc_per_us (per event)
//   pole-zero decay per detector   decay_tau_min_ns/max_ns (the generator's per-detector draw)
//   charge trapping                trapping_per_us: site charge x (1 - k * drift time)
//   pile-up                        pileup_fraction (the generator's second pulse)
// The preset `nominal` switches every stage effect off and keeps the generator's own
// decay constants and pile-up: its files are the simulator's output without the stage.
#include <complex>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wavelearn/core/rng.hpp"

namespace wl::sim {

// A sinusoidal pick-up line in the noise.
struct NoiseLine {
  double frequency_mhz = 0;
  double amplitude_adc = 0;  // peak amplitude; random phase per event
};

inline constexpr int kMaxNoiseLines = 8;
inline constexpr int kMaxRiseOrder = 4;

struct ResponseParams {
  std::string name = "nominal";
  // Extra electronics stage: `rise_order` equal real poles whose step response rises from
  // 10 % to 90 % in rise_time_ns (0: no stage).
  double rise_time_ns = 0;
  int rise_order = 1;
  // Additive readout noise, one-sided PSD in ADC^2/MHz:
  //   S(f) = 2 white^2 dt_us + pink^2 (1 MHz / f)   (+ the lines)
  // white: rms per sample; pink: sqrt of the 1/f part's PSD at 1 MHz.
  double noise_white_adc = 0;
  double noise_pink_adc_per_rtmhz = 0;
  std::vector<NoiseLine> noise_lines;
  // Baseline drift: a straight line from the record's first sample, slope per event
  // ~ N(drift_adc_per_us, drift_sigma_adc_per_us).
  double drift_adc_per_us = 0;
  double drift_sigma_adc_per_us = 0;
  // Preamplifier decay per detector, uniform in [min, max]; 0 keeps SimParams'
  // decay_tau_min_ns/max_ns (50-80 us).
  double decay_tau_min_ns = 0;
  double decay_tau_max_ns = 0;
  // Charge trapping: each site keeps 1 - trapping_per_us * drift_us of its charge, so the
  // lost energy grows with the energy and with the drift time.
  double trapping_per_us = 0;
  // Fraction of events with a second pulse; < 0 keeps SimParams' pileup_fraction.
  double pileup_fraction = -1;

  bool has_waveform_stage() const;
  // Throws InputError naming the key (response.<key>) of a value out of range (lines must
  // lie below the Nyquist frequency of sample_period_ns).
  void validate(double sample_period_ns) const;
};

// Preset by name: "nominal" or "data-like"; InputError listing the names otherwise.
ResponseParams response_preset(const std::string& name);
std::vector<std::string> response_preset_names();

// Sets one key (without the "response." prefix) from its text, e.g. "rise_time_ns" "80" or
// "noise_lines" "0.6:4,3.2:2" (MHz:ADC pairs). InputError naming the key for an unknown key
// or a value that does not parse.
void set_response_key(ResponseParams& r, const std::string& key, const std::string& value);
std::vector<std::string> response_keys();

// Key/value text of every parameter, for the file attributes (response_<key>).
std::vector<std::pair<std::string, std::string>> response_attributes(const ResponseParams& r);

// ---- The effects, as pure functions on one trace (samples of period dt_ns) ----

// Time constant of each of `order` equal poles whose step response has a 10-90 % rise time
// of rise_ns (rise / 2.197 for one pole, rise / 3.357 for two).
double pole_tau_for_rise_ns(double rise_ns, int order);

// `order` cascaded single-pole low-passes of time constant tau_ns, exact for an input held
// constant over each sample; the filter starts settled at x[0] (no transient on the baseline).
void apply_low_pass(float* x, std::size_t n, double dt_ns, double tau_ns, int order);

// Expected one-sided PSD (ADC^2/MHz) of the continuum noise at frequency f_mhz (no lines).
double noise_psd_adc2_per_mhz(const ResponseParams& r, double dt_ns, double f_mhz);

// Adds Gaussian noise of PSD noise_psd_adc2_per_mhz: white noise shaped in the frequency
// domain (a record-length FFT), stationary over the record. scratch is resized as needed.
void add_continuum_noise(const ResponseParams& r, double dt_ns, core::Rng& rng, float* x, std::size_t n,
                         std::vector<std::complex<double>>& scratch);

// Adds the sinusoidal lines, each with a uniform random phase.
void add_noise_lines(const std::vector<NoiseLine>& lines, double dt_ns, core::Rng& rng, float* x, std::size_t n);

// Adds slope_adc_per_us * t, t from the record's first sample.
void add_baseline_drift(double slope_adc_per_us, double dt_ns, float* x, std::size_t n);

// Fraction of a site's charge that reaches the contact after drift_ns (>= 0).
double trapping_kept_fraction(double trapping_per_us, double drift_ns);

// Every waveform-level effect in order: transfer function, noise continuum, lines, drift.
// Draws from rng only for the effects that are on (nominal draws nothing).
void apply_response_stage(const ResponseParams& r, double dt_ns, core::Rng& rng, float* x, std::size_t n);

}  // namespace wl::sim
