// The compared samples: both files opened and checked against each other, the DSP chain run
// once per file, and a file compared with itself split into its even and odd events.
#include "samples.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/file_chain.hpp"
#include "wavelearn/run/select.hpp"

namespace wl::fidelity::detail {

namespace {

using core::InputError;

// The chain's columns fidelity reads besides the compared parameters.
const std::vector<std::string>& aux_columns() {
  static const std::vector<std::string> c = {"tp50_ns", "baseline_mean_adc", "energy_trap_adc", "quality"};
  return c;
}

std::string describe(const io::WaveformReader& r) {
  char dt[32];
  std::snprintf(dt, sizeof dt, "%g", r.sample_period_ns());
  return r.path() + " has " + std::to_string(r.n_samples()) + " samples of " + dt + " ns";
}

// Times in the features are from the first sample of the record and the C2ST window is cut
// in samples: two files are compared only with the same record length and sampling period.
void require_comparable(const io::WaveformReader& a, const io::WaveformReader& b) {
  const double da = a.sample_period_ns(), db = b.sample_period_ns();
  if (a.n_samples() != b.n_samples() || std::fabs(da - db) > 1e-9 * std::max(da, db))
    throw InputError("fidelity: " + describe(a) + ", " + describe(b) +
                     "; compare files of the same record length and sampling period");
}

// Runs the chain on every event of the file: one row per event, the needed columns only.
std::map<std::string, std::vector<double>> chain_columns(io::WaveformReader& reader, const FidelityOptions& o) {
  dsp::FileChainOptions co;
  co.config = o.dsp;
  co.threads = o.threads;
  co.quiet = o.quiet;
  const auto res = dsp::run_chain_on_file(reader, co);
  std::map<std::string, std::vector<double>> out;
  for (const auto& [column, label] : compared_parameters()) out[column] = res.table.column(column);
  for (const auto& column : aux_columns()) out[column] = res.table.column(column);
  return out;
}

// The rows `events` of whole-file columns.
Sample make_sample(const std::string& path, const std::string& label, io::WaveformReader* reader,
                   std::vector<std::size_t> events, const std::map<std::string, std::vector<double>>& all) {
  Sample s{path, label, reader, std::move(events), {}, 0};
  for (const auto& [name, values] : all) {
    auto& col = s.columns[name];
    col.reserve(s.events.size());
    for (const auto e : s.events) col.push_back(values[e]);
  }
  for (const double q : s.columns.at("quality")) s.quality_ok += (q == 0);
  return s;
}

std::vector<std::size_t> every_other(std::size_t n, std::size_t first) {
  std::vector<std::size_t> v;
  for (std::size_t i = first; i < n; i += 2) v.push_back(i);
  return v;
}

std::vector<std::size_t> all_events(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

}  // namespace

Samples load_samples(const FidelityOptions& o) {
  Samples s;
  const std::string ref = o.reference.string(), cand = o.candidate.string();
  s.readers.push_back(io::open_reader(ref));
  s.self_split = cand.empty() || cand == ref || run::same_file(ref, cand);
  if (!s.self_split) {
    s.readers.push_back(io::open_reader(cand));
    require_comparable(*s.readers[0], *s.readers[1]);
  }
  auto& r = *s.readers[0];
  s.sample_period_ns = r.sample_period_ns();
  s.n_samples = r.n_samples();
  if (s.self_split) {
    if (r.n_events() < 2 * kMinEventsPerSample)
      throw InputError("fidelity: " + ref + " has " + std::to_string(r.n_events()) + " events; comparing it with " +
                       "itself (even vs odd events) needs at least " + std::to_string(2 * kMinEventsPerSample));
    const auto cols = chain_columns(r, o);
    s.reference = make_sample(ref, "reference (even events)", &r, every_other(r.n_events(), 0), cols);
    s.candidate = make_sample(ref, "reference (odd events)", &r, every_other(r.n_events(), 1), cols);
    return s;
  }
  auto& c = *s.readers[1];
  for (const auto* x : {&r, &c})
    if (x->n_events() < kMinEventsPerSample)
      throw InputError("fidelity: " + x->path() + " has " + std::to_string(x->n_events()) + " events; at least " +
                       std::to_string(kMinEventsPerSample) + " are needed");
  s.reference = make_sample(ref, "reference", &r, all_events(r.n_events()), chain_columns(r, o));
  s.candidate = make_sample(cand, "candidate", &c, all_events(c.n_events()), chain_columns(c, o));
  return s;
}

WindowGeometry window_geometry(const C2stSettings& s, double dt_ns) {
  WindowGeometry g;
  g.before = static_cast<std::size_t>(std::lround(s.before_tp50_ns / dt_ns));
  g.length = g.before + static_cast<std::size_t>(std::lround(s.after_tp50_ns / dt_ns));
  return g;
}

std::vector<std::size_t> usable_rows(const Sample& s, const WindowGeometry& g, std::size_t n_samples, double dt_ns) {
  const auto& tp50 = s.columns.at("tp50_ns");
  const auto& base = s.columns.at("baseline_mean_adc");
  const auto& energy = s.columns.at("energy_trap_adc");
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    if (!std::isfinite(tp50[i]) || !std::isfinite(base[i]) || !(energy[i] > 0) || !std::isfinite(energy[i])) continue;
    const long long start = std::lround(tp50[i] / dt_ns) - static_cast<long long>(g.before);
    if (start >= 0 && static_cast<std::size_t>(start) + g.length <= n_samples) rows.push_back(i);
  }
  return rows;
}

std::vector<std::size_t> evenly_spaced(const std::vector<std::size_t>& rows, std::size_t k) {
  if (rows.size() <= k) return rows;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < k; ++i) out.push_back(rows[i * rows.size() / k]);
  return out;
}

Windows read_windows(const Sample& s, const std::vector<std::size_t>& rows, const WindowGeometry& g, double dt_ns) {
  Windows w{rows.size(), g.length, std::vector<float>(rows.size() * g.length)};
  const std::size_t n = s.reader->n_samples();
  constexpr std::size_t kBatch = 256;  // whole records per read: a few MB
  std::vector<float> records;
  std::vector<std::size_t> events;
  for (std::size_t first = 0; first < rows.size(); first += kBatch) {
    const std::size_t count = std::min(kBatch, rows.size() - first);
    events.clear();
    for (std::size_t i = 0; i < count; ++i) events.push_back(s.events[rows[first + i]]);
    records.resize(count * n);
    io::read_events(*s.reader, events, 0, n, records.data());
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t row = rows[first + i];
      const double base = s.columns.at("baseline_mean_adc")[row], energy = s.columns.at("energy_trap_adc")[row];
      const auto start = static_cast<std::size_t>(std::lround(s.columns.at("tp50_ns")[row] / dt_ns)) - g.before;
      const float* x = records.data() + i * n + start;
      float* out = w.values.data() + (first + i) * g.length;
      for (std::size_t k = 0; k < g.length; ++k) out[k] = static_cast<float>((x[k] - base) / energy);
    }
  }
  return w;
}

}  // namespace wl::fidelity::detail
