#pragma once
// The detector response fitted to an unlabelled target, the way an analyst tunes the
// simulated electronics to data, and applied to simulated waveforms (`wavelearn translate
// --fit-response`, docs/domain-adaptation.md "Fitted-response translation"). No libtorch.
//
// Fitted from a sample of records of each file with the project's DSP chain:
//   per detector  the preamplifier decay constant (median tail fit in each file), the gain
//                 (median trapezoid energy per keV, when both files carry energies) and the
//                 pedestal (median baseline): the channel calibration
//   rise stage    rise_time_ns and rise_order: the minimum over a grid then a golden-section
//                 search of J = sum over the 10-90 % rise time, A/E and the drift time
//                 (tp0 to 99.9 %) of W1(source after the response, target) / IQR(target)
//   noise         white, 1/f and lines: a fit of the target's mean baseline periodogram minus
//                 the source's after the fitted rise stage (noise adds in power)
//   drift         the spread of the per-event baseline slope beyond what the noise gives
// Only what the response stage can represent is fitted: pulse shapes (drift paths, the
// detectors' own electronics) and trapping stay the simulation's.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/sim/response.hpp"

namespace wl::sim {

// The per-detector part of the response: what a channel's calibration sets.
struct ChannelResponse {
  double tau_source_ns = 0;       // preamplifier decay of the source's pulses (0: unknown)
  double tau_target_ns = 0;       // of the target's (0: unknown; either unknown: kept)
  double gain_ratio = 1;          // the target's ADC per keV over the source's
  double pedestal_shift_adc = 0;  // the target's baseline level minus the source's
};

struct FittedResponse {
  ResponseParams stage;                          // rise, noise continuum, lines, drift
  std::map<long long, ChannelResponse> channels;  // by detector number
  ChannelResponse other;                         // a detector the fit did not see: pooled
  std::size_t baseline_samples = 1;              // leading samples whose mean is the baseline

  const ChannelResponse& channel(long long detector) const;
};

// The record's decay constant changed from tau_from_ns to tau_to_ns, its pulse scaled by
// gain about baseline_adc, then shift_adc added: a zero at the source's pole cancels its decay
// and a pole at the target's puts the new one in, z[k] = b z[k-1] + y[k] - a y[k-1] with
// y = x - baseline (a = exp(-dt / tau_from), b = exp(-dt / tau_to)), settled at x[0]. A
// linear, time-invariant filter: no trigger position needed. Either tau <= 0: no change.
void rescale_channel(const ChannelResponse& c, double dt_ns, double baseline_adc, float* x, std::size_t n);

// One record through the fitted response: its channel (baseline: the mean of the first
// baseline_samples), then apply_response_stage with rng (seeded per event by the caller).
void apply_fitted_response(const FittedResponse& f, long long detector, double dt_ns, core::Rng& rng, float* x,
                           std::size_t n);

// Records of one file for the fit, every one n_samples long.
struct RecordSample {
  std::string path;
  double dt_ns = 0;
  std::size_t n_samples = 0;
  std::vector<float> records;       // size() x n_samples, row-major
  std::vector<std::size_t> events;  // the file's event index of each record (its noise stream)
  std::vector<long long> detector;
  std::vector<double> energy_kev;   // empty: the file has no energy field
  std::size_t size() const { return events.size(); }
};

struct FitSettings {
  std::uint64_t seed = 1;  // the noise streams: Rng(seed, event), as in the translation
  int threads = 0;
  dsp::ChainConfig dsp;
};

// The fewest records per file the fit accepts (a distribution of a few hundred pulses).
inline constexpr std::size_t kMinFitRecords = 200;

// One DSP parameter's W1 between the source and the target, before and after the response.
struct FeatureDistance {
  std::string feature, unit;
  double before = 0, after = 0;
};

// The rise-stage search of one order: its best rise time and objective with its three terms.
struct OrderFit {
  int order = 1;
  double rise_time_ns = 0, objective = 0, w1_rise_time_ns = 0, w1_avse = 0, w1_drift_time_ns = 0;
  int evaluations = 0;
};

struct ResponseFit {
  FittedResponse fitted;
  std::vector<OrderFit> orders;             // the last search, one per order tried
  std::vector<FeatureDistance> distances;   // on the fit samples
  std::size_t noise_segment_samples = 0;    // baseline periodogram length
  std::vector<std::string> notes;           // what was not fitted, and why
  double seconds = 0;
};

// The fit (InputError naming the file when a sample has fewer than kMinFitRecords records, or
// the two are sampled at different periods).
ResponseFit fit_response(const RecordSample& source, const RecordSample& target, const FitSettings& settings);

// The fit as JSON text: the stage (response.<key> values), the channels, the rise search, the
// distances, the notes.
std::string response_fit_json(const ResponseFit& fit);

// ---- Pieces of the fit, pure, for tests ----

// Mean one-sided periodogram (ADC^2/MHz, bins 0..segment/2) of the first `segment` samples of
// each of count records of n samples (Hann window, each segment's mean removed), after
// `order` poles of tau_ns (tau_ns <= 0: none). segment: a power of two <= n.
std::vector<double> mean_baseline_psd(const float* records, std::size_t count, std::size_t n, std::size_t segment,
                                      double dt_ns, double tau_ns, int order, int threads);

struct NoiseFit {
  double white_adc = 0, pink_adc_per_rtmhz = 0;
  std::vector<NoiseLine> lines;
};

// The noise that, added to the source, gives the target's spectrum: a weighted least-squares
// fit of excess(f) = psd_target - psd_source by 2 white^2 dt_us + pink^2 / f (bins from the
// second on, each weighted by its variance over the events averaged), bins more than 6 sigma
// above the fit set aside as lines (power: the excess summed over each cluster of bins).
NoiseFit fit_noise_excess(const std::vector<double>& psd_target, std::size_t events_target,
                          const std::vector<double>& psd_source, std::size_t events_source, double dt_ns,
                          std::size_t segment);

}  // namespace wl::sim
