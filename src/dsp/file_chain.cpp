// The chain over a file: memory is bounded by one chunk of waveforms plus the output table.
#include "wavelearn/dsp/file_chain.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/fingerprint.hpp"
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
  // A simulated file's true topology travels with its features, so a model trained on the
  // feature table is judged at truth level like one trained on the waveforms.
  for (const char* truth : {"truth_is_single_site", "truth_n_sites", "truth_energy_kev"}) names.push_back(truth);
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

// Carried columns of the first n_events (read whole: one (N,) vector each, small beside the
// waveforms) into the table, and the detector number of every event (0 without a detector
// field, then also written as a `detector` column: per-detector consumers need it).
std::vector<long long> carry_fields(io::WaveformReader& reader, std::size_t n_events, io::Table& table) {
  for (const auto& name : carried_fields(reader)) table.add(name, reader.read_scalar(name, 0, n_events));
  std::vector<long long> detector(n_events, 0);
  const std::string& det_field = reader.fields().detector;
  if (!det_field.empty() && table.has(det_field)) {
    const auto& d = table.column(det_field);
    for (std::size_t i = 0; i < n_events; ++i) detector[i] = io::detector_number(d[i], reader.path(), det_field, i);
  } else if (!table.has("detector")) {
    table.add("detector", std::vector<double>(n_events, 0.0));
  }
  return detector;
}

// The feature pass, chunk by chunk; one Chain per thread lives across chunks. Records are
// mapped where the layout allows (no copy through the page cache), else read.
std::vector<Features> chain_pass(io::WaveformReader& reader, const FileChainOptions& options, std::size_t n_events,
                                 int threads, const std::vector<long long>& detector,
                                 const std::map<long long, double>& tau_ns) {
  const std::size_t n = reader.n_samples();
  std::vector<Features> features(n_events);
  const std::size_t chunk = std::max<std::size_t>(1, reader.chunk_events());
  std::vector<float> wf;  // allocated only when the file cannot be mapped
  std::vector<double> tau(std::min(chunk, n_events));
  std::vector<Chain> chains;
  for (int t = 0; t < threads; ++t) chains.emplace_back(options.config, reader.sample_period_ns(), n);
  core::Progress progress("dsp", n_events, options.quiet);
  for (std::size_t first = 0; first < n_events;) {
    std::size_t count = 0;
    const float* rows = reader.view_rows(first, std::min(chunk, n_events - first), &count);
    if (!rows) {
      count = std::min(chunk, n_events - first);
      wf.resize(std::min(chunk, n_events) * n);
      reader.read_window(first, count, 0, n, wf.data());
      rows = wf.data();
    }
    for (std::size_t i = 0; i < count; ++i) tau[i] = tau_ns.at(detector[first + i]);
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
  progress.finish();
  return features;
}

// One column per entry of the feature schema, in its order.
void add_feature_columns(const std::vector<Features>& features, io::Table& table) {
  for (const FeatureColumn& c : feature_schema()) {
    std::vector<double> col(features.size());
    for (std::size_t i = 0; i < features.size(); ++i) col[i] = c.get(features[i]);
    table.add(c.name, std::move(col));
  }
}

// Provenance: source, sampling, configuration, the tau used per detector, units and flags.
void set_provenance(const io::WaveformReader& reader, const ChainConfig& cfg,
                    const std::map<long long, double>& tau_ns, io::Table& table) {
  std::string taus = "{";
  for (const auto& [d, t] : tau_ns) {
    taus += (taus.size() > 1 ? ", \"" : "\"") + std::to_string(d) + "\": " + std::to_string(t);
  }
  taus += "}";
  auto& attrs = table.attributes;
  attrs["source_file"] = reader.path();
  attrs["source_fingerprint"] = core::file_fingerprint(reader.path());
  // Which column carries the energy: event ids repeat across files, so `compare --features`
  // checks the joined events' energies against the runs' (docs/bad-input.md).
  if (table.has(reader.fields().energy)) attrs["energy_field"] = reader.fields().energy;
  attrs["source_format"] = io::format_name(reader.format());
  attrs["sample_period_ns"] = std::to_string(reader.sample_period_ns());
  attrs["n_samples"] = std::to_string(reader.n_samples());
  attrs["dsp_config"] = chain_config_json(cfg);
  attrs["tau_ns_by_detector"] = taus;
  attrs["feature_units"] = feature_units_json();
  attrs["quality_bits"] =
      "1 non-finite, 2 flat, 4 saturated, 8 negative, 16 no rise, 32 pile-up, 64 baseline unstable, 128 too short";
}

}  // namespace

FileChainResult run_chain_on_file(io::WaveformReader& reader, const FileChainOptions& options) {
  FileChainResult result;
  const std::size_t n_events = std::min(reader.n_events(), options.max_events);
  if (n_events == 0) throw core::InputError(reader.path() + ": no events to process");
  const int threads = core::resolve_threads(options.threads);
  result.n_events = n_events;
  const std::vector<long long> detector = carry_fields(reader, n_events, result.table);

  const auto start = std::chrono::steady_clock::now();  // tau estimate, reads and chain
  resolve_taus(reader, options.config, detector, threads, result);
  result.tau_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<Features> features = chain_pass(reader, options, n_events, threads, detector, result.tau_ns);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  add_feature_columns(features, result.table);
  for (const auto& f : features) result.n_quality_ok += (f.quality == kQualityOk);
  set_provenance(reader, options.config, result.tau_ns, result.table);
  return result;
}

}  // namespace wl::dsp
