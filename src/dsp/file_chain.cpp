// The chain over a file: memory is bounded by one chunk of waveforms plus the output table.
#include "wavelearn/dsp/file_chain.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/progress.hpp"
#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

namespace {

void prefetch_record(const float* x, std::size_t n) {
  constexpr std::size_t kLineFloats = 64 / sizeof(float);
  for (std::size_t i = 0; i < n; i += kLineFloats) __builtin_prefetch(x + i, 0, 1);
}

// A detector needs this many measured tails for its own median; fewer: the global median.
constexpr std::size_t kMinTailsPerDetector = 20;

std::vector<std::string> carried_fields(const io::WaveformReader& reader) {
  const io::FieldMap& m = reader.fields();
  std::vector<std::string> names = {m.id, m.detector, m.run, m.tp0, m.energy};
  names.insert(names.end(), m.labels.begin(), m.labels.end());
  std::vector<std::string> present;
  for (const auto& name : names) {
    if (!name.empty() && reader.has_field(name) &&
        std::find(present.begin(), present.end(), name) == present.end())
      present.push_back(name);
  }
  return present;
}

// Tau per detector: configured values first; the rest from the median tail fit of up to
// tau_sample_events pulses shared among those detectors, spread evenly over each detector's
// events in the file (or the median of all of them when a detector has too few).
void resolve_taus(io::WaveformReader& reader, const ChainConfig& cfg, const std::vector<long long>& detector,
                  int threads, FileChainResult& result) {
  std::map<long long, std::vector<std::size_t>> events_of;
  for (std::size_t i = 0; i < detector.size(); ++i) {
    const long long d = detector[i];
    if (!result.tau_ns.count(d)) {
      const double tau = cfg.tau_for(d);
      result.tau_ns[d] = tau > 0 ? tau : 0.0;
      result.tau_estimated[d] = false;
    }
    if (!(result.tau_ns[d] > 0)) events_of[d].push_back(i);
  }
  if (events_of.empty()) return;

  const std::size_t budget = static_cast<std::size_t>(cfg.tau_sample_events);
  const std::size_t per_detector = std::max(kMinTailsPerDetector, budget / events_of.size());
  std::vector<std::size_t> sample;
  for (const auto& [d, events] : events_of) {
    const std::size_t k = std::min(per_detector, events.size());
    for (std::size_t j = 0; j < k; ++j) sample.push_back(events[j * events.size() / k]);
  }
  std::sort(sample.begin(), sample.end());

  const std::size_t n = reader.n_samples();
  // Small batches: the buffers stay in cache and are reused, instead of a chunk-sized
  // allocation whose page faults cost more than the tail fits.
  constexpr std::size_t kTauBatch = 256;
  const std::size_t chunk = std::max<std::size_t>(1, std::min({reader.chunk_events(), sample.size(), kTauBatch}));
  std::vector<float> wf(chunk * n);
  std::vector<double> taus(sample.size());
  std::vector<std::size_t> batch;
  for (std::size_t first = 0; first < sample.size(); first += chunk) {
    const std::size_t count = std::min(chunk, sample.size() - first);
    batch.assign(sample.begin() + static_cast<std::ptrdiff_t>(first),
                 sample.begin() + static_cast<std::ptrdiff_t>(first + count));
    io::read_events(reader, batch, 0, n, wf.data());
    tail_tau_block(cfg, reader.sample_period_ns(), wf.data(), count, n, taus.data() + first, threads);
  }
  std::map<long long, std::vector<double>> by_detector;
  std::vector<double> all;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    if (std::isfinite(taus[i]) && taus[i] > 0) {
      by_detector[detector[sample[i]]].push_back(taus[i]);
      all.push_back(taus[i]);
    }
  }
  const double global = median_inplace(all.data(), all.size());
  for (const auto& [d, events] : events_of) {
    auto it = by_detector.find(d);
    double tau = global;
    if (it != by_detector.end() && it->second.size() >= kMinTailsPerDetector)
      tau = median_inplace(it->second.data(), it->second.size());
    result.tau_ns[d] = std::isfinite(tau) ? tau : 0.0;
    result.tau_estimated[d] = std::isfinite(tau);
  }
}

}  // namespace

FileChainResult run_chain_on_file(io::WaveformReader& reader, const FileChainOptions& options) {
  FileChainResult result;
  const ChainConfig& cfg = options.config;
  const std::size_t n_events = std::min(reader.n_events(), options.max_events);
  const std::size_t n = reader.n_samples();
  const double dt = reader.sample_period_ns();
  if (n_events == 0) throw core::InputError(reader.path() + ": no events to process");
  const int threads = core::resolve_threads(options.threads);
  result.n_events = n_events;

  // Carried columns (read whole: one (N,) vector each, small beside the waveforms).
  const auto carried = carried_fields(reader);
  for (const auto& name : carried) result.table.add(name, reader.read_scalar(name, 0, n_events));
  std::vector<long long> detector(n_events, 0);
  const std::string& det_field = reader.fields().detector;
  if (!det_field.empty() && result.table.has(det_field)) {
    const auto& d = result.table.column(det_field);
    for (std::size_t i = 0; i < n_events; ++i) detector[i] = io::detector_number(d[i], reader.path(), det_field, i);
  } else if (!result.table.has("detector")) {
    // Per-detector consumers (calibrate, cuts) need the column: one detector, number 0.
    result.table.add("detector", std::vector<double>(n_events, 0.0));
  }
  const auto start = std::chrono::steady_clock::now();  // tau estimate, reads and chain
  resolve_taus(reader, cfg, detector, threads, result);
  result.tau_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Feature pass, chunk by chunk; one Chain per thread lives across chunks.
  std::vector<Features> features(n_events);
  const std::size_t chunk = std::max<std::size_t>(1, reader.chunk_events());
  std::vector<float> wf;  // allocated only when the file cannot be mapped
  std::vector<double> tau(std::min(chunk, n_events));
  std::vector<Chain> chains;
  for (int t = 0; t < threads; ++t) chains.emplace_back(cfg, dt, n);
  core::Progress progress("dsp", n_events, options.quiet);
  for (std::size_t first = 0; first < n_events;) {
    // Mapped records where the layout allows (no copy through the page cache), else a read.
    std::size_t count = 0;
    const float* rows = reader.view_rows(first, std::min(chunk, n_events - first), &count);
    if (!rows) {
      count = std::min(chunk, n_events - first);
      wf.resize(std::min(chunk, n_events) * n);
      reader.read_window(first, count, 0, n, wf.data());
      rows = wf.data();
    }
    for (std::size_t i = 0; i < count; ++i) tau[i] = result.tau_ns[detector[first + i]];
    core::parallel_for(count, threads, [&](std::size_t b, std::size_t e, int t) {
      Chain& chain = chains[static_cast<std::size_t>(t)];
      for (std::size_t i = b; i < e; ++i) {
        // The next record is fetched while this one is processed: the chain's first pass
        // otherwise waits on memory for each of its cache lines.
        if (i + 1 < e) prefetch_record(rows + (i + 1) * n, n);
        features[first + i] = chain.process(rows + i * n, n, tau[i]);
      }
    });
    first += count;
    progress.update(first);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();

  const auto& names = feature_names();
  for (std::size_t c = 0; c < names.size(); ++c) {
    std::vector<double> col(n_events);
    for (std::size_t i = 0; i < n_events; ++i) col[i] = feature_value(features[i], c);
    result.table.add(names[c], std::move(col));
  }
  for (const auto& f : features) result.n_quality_ok += (f.quality == kQualityOk);

  std::string taus = "{";
  for (const auto& [d, t] : result.tau_ns) {
    taus += (taus.size() > 1 ? ", \"" : "\"") + std::to_string(d) + "\": " + std::to_string(t);
  }
  taus += "}";
  auto& attrs = result.table.attributes;
  attrs["source_file"] = reader.path();
  attrs["source_format"] = io::format_name(reader.format());
  attrs["sample_period_ns"] = std::to_string(dt);
  attrs["n_samples"] = std::to_string(n);
  attrs["dsp_config"] = chain_config_json(cfg);
  attrs["tau_ns_by_detector"] = taus;
  attrs["quality_bits"] =
      "1 non-finite, 2 flat, 4 saturated, 8 negative, 16 no rise, 32 pile-up, 64 baseline unstable, 128 too short";
  return result;
}

}  // namespace wl::dsp
