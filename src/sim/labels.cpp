#include "wavelearn/sim/labels.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/core/error.hpp"

namespace wl::sim {

Labeller::Labeller(double sample_period_ns, std::size_t n_samples, std::size_t n_events, int threads,
                   const dsp::ChainConfig& chain, const dsp::AnalysisConfig& analysis)
    : dt_ns_(sample_period_ns), n_samples_(n_samples), threads_(threads), chain_(chain), analysis_(analysis) {
  features_.reserve(n_events);
  detector_.reserve(n_events);
}

void Labeller::add_chunk(std::size_t first, std::size_t count, const float* waveforms, const int32_t* detector) {
  if (first != features_.size()) throw std::logic_error("Labeller: chunks must arrive in order");
  // New detectors in this chunk: their tau is the median of the per-pulse tail fits, as the
  // real analysis estimates it from a sample of pulses.
  bool any_new = false;
  for (std::size_t i = 0; i < count && !any_new; ++i) any_new = !tau_ns_.count(detector[i]);
  if (any_new) {
    tau_scratch_.assign(count, std::nan(""));
    dsp::tail_tau_block(chain_, dt_ns_, waveforms, count, n_samples_, tau_scratch_.data(), threads_);
    std::map<int32_t, std::vector<double>> per_det;
    for (std::size_t i = 0; i < count; ++i)
      if (!tau_ns_.count(detector[i]) && std::isfinite(tau_scratch_[i])) per_det[detector[i]].push_back(tau_scratch_[i]);
    for (auto& [det, v] : per_det) {
      if (v.size() < 20) continue;  // too few pulses: try again in the next chunk
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      tau_ns_[det] = v[v.size() / 2];
    }
  }
  tau_scratch_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto it = tau_ns_.find(detector[i]);
    tau_scratch_[i] = it == tau_ns_.end() ? 0.0 : it->second;  // 0: no pole-zero (rare)
  }
  const std::size_t at = features_.size();
  features_.resize(at + count);
  detector_.insert(detector_.end(), detector, detector + count);
  dsp::process_block(chain_, dt_ns_, waveforms, count, n_samples_, tau_scratch_.data(), features_.data() + at,
                     threads_);
}

LabelResult Labeller::finish() { return labels_from(dsp::analyse(features_, detector_, analysis_)); }

LabelResult Labeller::finish_with(const dsp::AnalysisResult& reference) {
  return labels_from(dsp::apply(features_, detector_, reference.calibration, reference.cuts));
}

LabelResult Labeller::labels_from(dsp::AnalysisResult analysis) const {
  LabelResult r;
  r.analysis = std::move(analysis);
  const std::size_t n = features_.size();
  r.energy_kev.resize(n);
  for (std::size_t i = 0; i < n; ++i) r.energy_kev[i] = static_cast<float>(r.analysis.energy_kev[i]);
  r.low_avse = r.analysis.pass_low_avse;
  r.high_avse = r.analysis.pass_high_avse;
  r.dcr = r.analysis.pass_dcr;
  r.lq = r.analysis.pass_lq;
  r.tau_ns_by_detector = tau_ns_;
  return r;
}

}  // namespace wl::sim
