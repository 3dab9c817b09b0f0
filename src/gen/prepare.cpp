// Reading a waveform file into what the generators learn (normalised windows and their
// conditions) and what the run adds back (gains, tails, baselines, noise library).
#include "wavelearn/gen/prepare.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/processors.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::gen {

using core::InputError;

namespace {

constexpr std::size_t kChunkEvents = 256;
constexpr int64_t kMinBaselineSamples = 64;
// The gain is fitted on the plateau 3.0-3.2 us after tp0, past the longest rise and
// independent of the modelled window's length.
constexpr double kPlateauStartNs = 3000.0;
constexpr int64_t kPlateauSamples = 16;
constexpr int kTopologyBins = 20;
constexpr std::size_t kMaxStoredLevels = 2048;  // baseline levels / tp0 values kept
constexpr std::size_t kMaxStoredEnergies = 20000;

// Calls fn(k, trace) for every events[k] (whole records), reading kChunkEvents at a time.
template <class Fn>
void for_each_trace(io::WaveformReader& reader, const std::vector<std::size_t>& events, Fn fn) {
  const std::size_t n = reader.n_samples();
  std::vector<float> buf;
  for (std::size_t first = 0; first < events.size(); first += kChunkEvents) {
    const std::size_t count = std::min(kChunkEvents, events.size() - first);
    std::vector<std::size_t> chunk(events.begin() + static_cast<std::ptrdiff_t>(first),
                                   events.begin() + static_cast<std::ptrdiff_t>(first + count));
    buf.resize(count * n);
    io::read_events(reader, chunk, 0, n, buf.data());
    for (std::size_t k = 0; k < count; ++k) fn(first + k, buf.data() + k * n);
  }
}

// The rise start of a trace without a tp0 field: back from the 50 % crossing to where the
// baseline-subtracted trace stays within three noise sigmas.
double dsp_tp0(const float* x, std::size_t n) {
  const std::size_t base_end = std::min<std::size_t>(n / 4, 1000);
  const auto b = dsp::baseline_stats(x, 0, base_end);
  std::vector<float> y(n);
  dsp::subtract_baseline(x, n, b.mean, y.data());
  const auto peak = dsp::max_in(y.data(), base_end, n);
  const double half = dsp::crossing_backward(y.data(), peak.index, base_end, 0.5 * peak.value);
  if (!std::isfinite(half)) return std::numeric_limits<double>::quiet_NaN();
  return dsp::find_tp0(y.data(), static_cast<std::size_t>(half), base_end, 4, 3.0 * b.std, 200);
}

std::vector<double> energies(io::WaveformReader& reader) {
  const auto& field = reader.fields().energy;
  if (field.empty() || !reader.has_field(field))
    throw InputError(reader.path() + ": no energy field ('" + (field.empty() ? "energy_label" : field) +
                     "'): the generators are conditioned on energy");
  return reader.read_scalar(field);
}

std::vector<int64_t> detectors(io::WaveformReader& reader) {
  const auto& field = reader.fields().detector;
  std::vector<int64_t> d(reader.n_events(), 0);
  if (field.empty() || !reader.has_field(field)) return d;
  const auto v = reader.read_scalar(field);
  for (std::size_t i = 0; i < v.size(); ++i) d[i] = io::detector_number(v[i], reader.path(), field, i);
  return d;
}

// Every k-th event so that at most `cap` remain, spread over the file.
std::vector<std::size_t> spread_subset(const std::vector<std::size_t>& events, std::size_t cap) {
  if (events.size() <= cap) return events;
  std::vector<std::size_t> out;
  const double step = static_cast<double>(events.size()) / static_cast<double>(cap);
  for (std::size_t k = 0; k < cap; ++k) out.push_back(events[static_cast<std::size_t>(k * step)]);
  return out;
}

double median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  return v.empty() ? std::numeric_limits<double>::quiet_NaN() : dsp::median_inplace(v.data(), v.size());
}

}  // namespace

std::vector<uint8_t> file_parts(io::WaveformReader& reader, const core::PartFractions& fractions, uint64_t seed,
                                core::GroupBy by) {
  const std::size_t n = reader.n_events();
  std::vector<int64_t> keys(n);
  const auto& f = reader.fields();
  if (by == core::GroupBy::kDetector) {
    keys = detectors(reader);
  } else {
    const std::string& field = by == core::GroupBy::kRun ? f.run : f.id;
    const bool has = !field.empty() && reader.has_field(field);
    if (by == core::GroupBy::kRun && !has)
      throw InputError(reader.path() + ": data.group_by = \"run\" needs a run-number field ('" + field + "')");
    if (has) {
      const auto v = reader.read_scalar(field);
      for (std::size_t i = 0; i < n; ++i)
        keys[i] = by == core::GroupBy::kRun ? std::llround(v[i]) : io::event_id_number(v[i], reader.path(), field, i);
    } else {
      for (std::size_t i = 0; i < n; ++i) keys[i] = static_cast<int64_t>(i);
    }
  }
  return core::assign_parts(keys, fractions, seed, by);
}

std::vector<int64_t> event_tp0(io::WaveformReader& reader, const std::vector<std::size_t>& events) {
  std::vector<int64_t> tp0(events.size());
  const auto& field = reader.fields().tp0;
  if (!field.empty() && reader.has_field(field)) {
    const auto v = reader.read_scalar(field);
    for (std::size_t k = 0; k < events.size(); ++k) {
      const double t = v[events[k]];
      if (!std::isfinite(t))
        throw InputError(reader.path() + ": " + field + " of event " + std::to_string(events[k]) + " is not finite");
      tp0[k] = std::llround(t);
    }
    return tp0;
  }
  const std::size_t n = reader.n_samples();
  for_each_trace(reader, events, [&](std::size_t k, const float* x) {
    const double t = dsp_tp0(x, n);
    tp0[k] = std::isfinite(t) ? std::llround(t) : -1;  // -1: no rise found (event skipped)
  });
  return tp0;
}

namespace {

struct DetectorFit {
  std::vector<double> gains, taus;
  std::vector<float> levels, noise;
  int64_t segments = 0;
};

// The fitting pass: per event its baseline, plateau / energy, tail constant, noise segment.
void fit_pass(io::WaveformReader& reader, const std::vector<std::size_t>& events, const std::vector<double>& e,
              const std::vector<int64_t>& det, const PrepSpec& spec, RenderModel& m,
              std::map<int64_t, DetectorFit>& fits) {
  const auto tp0 = event_tp0(reader, events);
  const auto n = static_cast<int64_t>(reader.n_samples());
  int64_t seg = std::numeric_limits<int64_t>::max();
  for (auto t : tp0)
    if (t >= 0) seg = std::min(seg, t - spec.pre_samples);
  m.segment_samples = std::min<int64_t>(seg, 1024);
  for_each_trace(reader, events, [&](std::size_t k, const float* x) {
    const int64_t start = tp0[k] - spec.pre_samples, end = start + spec.window_samples;
    const double energy = e[events[k]];
    if (tp0[k] < 0 || start < kMinBaselineSamples || end > n || !(energy >= spec.energy_min_kev)) return;
    auto& f = fits[det[events[k]]];
    const double level = dsp::window_mean(x, 0, static_cast<std::size_t>(start));
    const int64_t p0 = std::min<int64_t>(n - kPlateauSamples, tp0[k] + std::llround(kPlateauStartNs / m.sample_period_ns));
    const double plateau = dsp::window_mean(x, static_cast<std::size_t>(p0), static_cast<std::size_t>(p0 + kPlateauSamples)) -
                           level;
    f.gains.push_back(plateau / energy);
    std::vector<float> y(static_cast<std::size_t>(n));
    dsp::subtract_baseline(x, y.size(), level, y.data());
    if (n - end >= 64) f.taus.push_back(dsp::tail_tau_samples(y.data(), static_cast<std::size_t>(end), y.size(), 8));
    if (f.levels.size() < kMaxStoredLevels) f.levels.push_back(static_cast<float>(level));
    if (m.tp0_samples.size() < kMaxStoredLevels) m.tp0_samples.push_back(static_cast<float>(tp0[k]));
    if (f.segments < spec.noise_segments && m.segment_samples >= kMinBaselineSamples) {
      const double mean = dsp::window_mean(x, 0, static_cast<std::size_t>(m.segment_samples));
      for (int64_t i = 0; i < m.segment_samples; ++i) f.noise.push_back(static_cast<float>(x[i] - mean));
      ++f.segments;
    }
  });
}

// Energy range, scale and the single-site fraction per energy bin over the training events.
void fit_conditions(io::WaveformReader& reader, const std::vector<std::size_t>& train, const std::vector<double>& e,
                    const PrepSpec& spec, RenderModel& m) {
  double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
  for (auto i : train)
    if (e[i] >= spec.energy_min_kev && std::isfinite(e[i])) lo = std::min(lo, e[i]), hi = std::max(hi, e[i]);
  if (!(hi > lo))
    throw InputError(reader.path() + ": no training event with " + reader.fields().energy + " >= " +
                     std::to_string(spec.energy_min_kev) + " keV (data.energy_min_kev)");
  m.energy_min_kev = lo;
  m.energy_max_kev = hi;
  m.energy_scale_kev = hi;
  const std::size_t step = std::max<std::size_t>(1, train.size() / kMaxStoredEnergies);
  for (std::size_t k = 0; k < train.size(); k += step)
    if (e[train[k]] >= lo) m.energy_samples_kev.push_back(static_cast<float>(e[train[k]]));
  m.single_site_fraction.assign(kTopologyBins, 0.5);
  if (spec.topology_field.empty()) return;
  if (!reader.has_field(spec.topology_field))
    throw InputError(reader.path() + ": no field '" + spec.topology_field + "' (data.topology_field)");
  const auto topo = reader.read_scalar(spec.topology_field);
  std::vector<double> ss(kTopologyBins, 0.0), all(kTopologyBins, 0.0);
  for (auto i : train) {
    if (!(e[i] >= lo)) continue;
    const int b = std::min(kTopologyBins - 1, static_cast<int>((e[i] - lo) / (hi - lo) * kTopologyBins));
    all[b] += 1.0;
    ss[b] += topo[i] > 0.5 ? 1.0 : 0.0;
  }
  for (int b = 0; b < kTopologyBins; ++b) m.single_site_fraction[b] = all[b] > 0 ? ss[b] / all[b] : 0.5;
}

}  // namespace

RenderModel fit_render_model(io::WaveformReader& reader, const std::vector<std::size_t>& train_events,
                             const PrepSpec& spec) {
  if (spec.window_samples < 8 || spec.window_samples % 8 != 0)
    throw InputError("config key 'data.window_samples' must be a positive multiple of 8");
  if (spec.pre_samples < 0 || spec.pre_samples >= spec.window_samples)
    throw InputError("config key 'data.pre_samples' must be from 0 to data.window_samples - 1");
  RenderModel m;
  m.trace_samples = static_cast<int64_t>(reader.n_samples());
  m.window_samples = spec.window_samples;
  m.pre_samples = spec.pre_samples;
  m.sample_period_ns = reader.sample_period_ns();
  m.topology_field = spec.topology_field;
  m.condition_detector = spec.condition_detector;
  const auto e = energies(reader);
  const auto det = detectors(reader);
  fit_conditions(reader, train_events, e, spec, m);
  std::map<int64_t, DetectorFit> fits;
  fit_pass(reader, spread_subset(train_events, static_cast<std::size_t>(spec.fit_events)), e, det, spec, m, fits);
  for (auto& [d, f] : fits) {
    const double gain = median(f.gains);
    if (!(gain > 0) || f.segments == 0) continue;
    const double tau = median(f.taus);
    DetectorRender r;
    r.detector = d;
    r.gain_adc_per_kev = gain;
    r.tau_samples = tau > 0 ? tau : std::numeric_limits<double>::infinity();
    r.baselines_adc = std::move(f.levels);
    r.noise = std::move(f.noise);
    r.n_segments = f.segments;
    r.fit_events = static_cast<int64_t>(f.gains.size());
    m.detectors.push_back(std::move(r));
  }
  if (m.detectors.empty())
    throw InputError(reader.path() + ": no training event has a full window of data.window_samples = " +
                     std::to_string(spec.window_samples) + " after tp0 - data.pre_samples and a pre-trigger of " +
                     std::to_string(kMinBaselineSamples) + " samples");
  return m;
}

PreparedShapes prepare_shapes(io::WaveformReader& reader, const std::vector<std::size_t>& events,
                              const RenderModel& m) {
  const auto e = energies(reader);
  const auto det = detectors(reader);
  std::vector<double> topo;
  if (!m.topology_field.empty()) topo = reader.read_scalar(m.topology_field);
  std::vector<std::size_t> keep;
  for (auto i : events)
    if (e[i] >= m.energy_min_kev && e[i] <= m.energy_max_kev && m.detector_slot(det[i]) >= 0) keep.push_back(i);
  const auto tp0 = event_tp0(reader, keep);
  PreparedShapes out;
  const auto L = static_cast<std::size_t>(m.window_samples);
  const auto n = static_cast<int64_t>(reader.n_samples());
  for_each_trace(reader, keep, [&](std::size_t k, const float* x) {
    const int64_t start = tp0[k] - m.pre_samples;
    if (tp0[k] < 0 || start < kMinBaselineSamples || start + m.window_samples > n) return;
    const std::size_t i = keep[k];
    const int slot = m.detector_slot(det[i]);
    out.shapes.resize(out.shapes.size() + L);
    shape_from_trace(m, x, e[i], slot, tp0[k], out.shapes.data() + out.shapes.size() - L);
    const auto c = m.condition_row(e[i], slot, topo.empty() ? 0 : (topo[i] > 0.5 ? 1 : 0));
    out.conditions.insert(out.conditions.end(), c.begin(), c.end());
    out.events.push_back(i);
  });
  return out;
}

}  // namespace wl::gen
