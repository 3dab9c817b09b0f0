#pragma once
// Labels made the way the real release made them: the project's DSP chain runs on every
// simulated waveform (chunk by chunk, only the Features row is kept), then the calibration
// analysis (dsp::analyse) calibrates the energy per detector and fits and applies the A/E,
// DCR and LQ cuts. The simulator never looks at its truth to label.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "wavelearn/dsp/analysis.hpp"
#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/dsp/features.hpp"

namespace wl::sim {

struct LabelResult {
  std::vector<float> energy_kev;  // energy_label
  std::vector<uint8_t> low_avse, high_avse, dcr, lq;  // 1 = passes (signal-like)
  dsp::AnalysisResult analysis;   // calibration, cuts, survival summary
  std::map<int32_t, double> tau_ns_by_detector;  // pole-zero constants estimated from the data
};

class Labeller {
 public:
  Labeller(double sample_period_ns, std::size_t n_samples, std::size_t n_events, int threads,
           const dsp::ChainConfig& chain = {}, const dsp::AnalysisConfig& analysis = {});

  // Features of events [first, first + count) (row-major waveforms). The decay constant of
  // each detector is estimated from the tails of the first chunk it appears in.
  void add_chunk(std::size_t first, std::size_t count, const float* waveforms, const int32_t* detector);

  // Calibrates and cuts all events seen. Throws InputError when the data cannot be calibrated.
  LabelResult finish();
  // Labels all events seen with the calibration and cuts of `reference` (no fitting), as an
  // analysis labels physics data with parameters set on a separate calibration run.
  LabelResult finish_with(const dsp::AnalysisResult& reference);

  const dsp::ChainConfig& chain_config() const { return chain_; }

 private:
  LabelResult labels_from(dsp::AnalysisResult analysis) const;
  double dt_ns_;
  std::size_t n_samples_;
  int threads_;
  dsp::ChainConfig chain_;
  dsp::AnalysisConfig analysis_;
  std::vector<dsp::Features> features_;
  std::vector<int32_t> detector_;
  std::map<int32_t, double> tau_ns_;
  std::vector<double> tau_scratch_;
};

}  // namespace wl::sim
