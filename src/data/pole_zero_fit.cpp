// Pole-zero decay constants per detector from training tails, with the DSP chain's tail fit
// and the same rules as `wavelearn dsp` (dsp/file_chain.cpp), so both see the same tau.
#include "pole_zero_fit.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/dsp/processors.hpp"

namespace wl::data::detail {

namespace {

// A detector needs this many measured tails for its own median; fewer: the global median
// (as the DSP chain).
constexpr std::size_t kMinTailsPerDetector = 20;
// Records read at a time: small, so the buffer stays in cache and is reused.
constexpr std::size_t kTailBatch = 256;

// Training rows to fit, sorted by file event: per detector up to an equal share of the
// budget, spread evenly over its rows.
std::vector<std::size_t> tail_sample(const Dataset& dataset, const std::vector<std::size_t>& rows,
                                     std::size_t budget) {
  std::map<std::int64_t, std::vector<std::size_t>> rows_of;
  for (std::size_t r : rows) rows_of[dataset.detector(r)].push_back(r);
  const std::size_t per_detector = std::max(kMinTailsPerDetector, budget / std::max<std::size_t>(1, rows_of.size()));
  std::vector<std::size_t> sample;
  for (auto& [det, list] : rows_of) {
    std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
      return dataset.file_event(a) < dataset.file_event(b);
    });
    const std::size_t k = std::min(per_detector, list.size());
    for (std::size_t j = 0; j < k; ++j) sample.push_back(list[j * list.size() / k]);
  }
  std::sort(sample.begin(), sample.end(), [&](std::size_t a, std::size_t b) {
    return dataset.file_event(a) < dataset.file_event(b);
  });
  return sample;
}

}  // namespace

void fit_pole_zero(const Dataset& dataset, io::WaveformReader& reader, Preprocessor& pre,
                   const std::vector<std::size_t>& rows) {
  auto& s = pre.mutable_state();
  const dsp::ChainConfig chain;  // the DSP's defaults: tail window, tau_sample_events
  const auto sample = tail_sample(dataset, rows, static_cast<std::size_t>(chain.tau_sample_events));
  const std::size_t n = s.record_length_samples;
  std::vector<float> records(std::min(kTailBatch, sample.size()) * n);
  std::vector<double> taus(sample.size());
  std::vector<std::size_t> events;
  for (std::size_t first = 0; first < sample.size(); first += kTailBatch) {
    const std::size_t count = std::min(kTailBatch, sample.size() - first);
    events.resize(count);
    for (std::size_t i = 0; i < count; ++i) events[i] = dataset.file_event(sample[first + i]);
    io::read_events(reader, events, 0, n, records.data());
    dsp::tail_tau_block(chain, s.sample_period_ns, records.data(), count, n, taus.data() + first, 1);
  }
  std::map<std::int64_t, std::vector<double>> by_detector;
  std::vector<double> all;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    if (!(std::isfinite(taus[i]) && taus[i] > 0)) continue;
    by_detector[dataset.detector(sample[i])].push_back(taus[i]);
    all.push_back(taus[i]);
  }
  if (all.empty())
    throw core::InputError(dataset.config().path + ": preprocess.pole_zero = \"auto\" measured no decay constant on " +
                           std::to_string(sample.size()) + " training pulses (tail fit); use pole_zero = \"fixed\" "
                           "with preprocess.pole_zero_tau_ns");
  s.pole_zero_tails = all.size();
  s.pole_zero_tau_ns = dsp::median_inplace(all.data(), all.size());
  s.pole_zero_tau_ns_by_detector.clear();
  for (auto& [det, list] : by_detector) {
    if (list.size() >= kMinTailsPerDetector)
      s.pole_zero_tau_ns_by_detector[det] = dsp::median_inplace(list.data(), list.size());
  }
}

}  // namespace wl::data::detail
