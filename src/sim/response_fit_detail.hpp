#pragma once
// Internal to the response fit (response_fit*.cpp): what each file's sample measures, and the
// DSP over records held in memory.
#include <map>
#include <string>
#include <vector>

#include "wavelearn/dsp/features.hpp"
#include "wavelearn/sim/response_fit.hpp"

namespace wl::sim::detail {

// Per detector and pooled over the sample: the decay constant (median tail fit; a detector
// with fewer than 20 measured tails gets the pooled median), the gain (median trapezoid
// energy per keV above kGainMinEnergyKev, when the file has energies) and the pedestal
// (median baseline); the DSP features of every record with its detector's decay constant.
struct SampleStats {
  std::map<long long, double> tau_ns, gain_adc_per_kev, pedestal_adc;
  double tau_pooled_ns = 0, gain_pooled_adc_per_kev = 0, pedestal_pooled_adc = 0;
  std::vector<dsp::Features> features;
  double tp0_p05_ns = 0;  // 5th percentile of the DSP start times: the pre-pulse length
};

inline constexpr double kGainMinEnergyKev = 200.0;

SampleStats measure_sample(const RecordSample& s, const FitSettings& settings);

// The channels from the two samples: each source detector mapped to the target's detector
// of the same number, or to the target's pooled values when the target lacks it. Notes say
// what could not be fitted.
void fit_channels(const SampleStats& source, const SampleStats& target, FittedResponse& f,
                  std::vector<std::string>& notes);

// The decay constant the DSP uses on a source record after its channel: the target's.
double tau_after_ns(const ChannelResponse& c);

// The chain over count records of n samples, one pole-zero constant per record.
std::vector<dsp::Features> run_chain(const dsp::ChainConfig& config, double dt_ns, const float* records,
                                     std::size_t count, std::size_t n, const std::vector<double>& tau_ns, int threads);

// One parameter of every row (by its name in the feature schema).
std::vector<double> feature_values(const std::vector<dsp::Features>& rows, const std::string& column);

// Interquartile range of the finite values (NaN when there are none); quantiles and medians
// are dsp::quantile and dsp::median.
double finite_iqr(const std::vector<double>& v);

}  // namespace wl::sim::detail
