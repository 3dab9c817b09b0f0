#include "wavelearn/io/summary.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"

namespace wl::io {
namespace {

std::size_t block_events(const WaveformReader& reader) {
  return std::max<std::size_t>(reader.chunk_events(), 65536);
}

// Calls visit(values, count) on consecutive blocks of a field.
template <typename F>
void for_blocks(WaveformReader& reader, const std::string& name, F&& visit) {
  const std::size_t n = reader.n_events(), block = block_events(reader);
  for (std::size_t first = 0; first < n; first += block) {
    const std::vector<double> values = reader.read_scalar(name, first, std::min(block, n - first));
    visit(values);
  }
}

FieldStats field_stats(WaveformReader& reader, const std::string& name) {
  FieldStats s;
  s.name = name;
  double sum = 0;
  s.min = INFINITY;
  s.max = -INFINITY;
  for_blocks(reader, name, [&](const std::vector<double>& v) {
    for (double x : v) {
      if (!std::isfinite(x)) {
        ++s.n_nonfinite;
        continue;
      }
      ++s.n_finite;
      sum += x;
      s.min = std::min(s.min, x);
      s.max = std::max(s.max, x);
    }
  });
  if (s.n_finite == 0) s.min = s.max = NAN;
  s.mean = s.n_finite ? sum / static_cast<double>(s.n_finite) : NAN;
  return s;
}

}  // namespace

FileSummary summarize(WaveformReader& reader, std::size_t histogram_bins) {
  FileSummary out;
  out.path = reader.path();
  out.format = reader.format();
  out.n_events = reader.n_events();
  out.n_samples = reader.n_samples();
  out.sample_period_ns = reader.sample_period_ns();
  for (const auto& name : reader.scalar_fields()) out.fields.push_back(field_stats(reader, name));

  for (const auto& label : reader.fields().labels) {
    if (label.empty() || !reader.has_field(label)) continue;  // NPML files have no labels
    LabelBalance b;
    b.name = label;
    std::size_t pass = 0;
    for_blocks(reader, label, [&](const std::vector<double>& v) {
      for (double x : v) {
        pass += x > 0.5;
        b.binary = b.binary && (x == 0.0 || x == 1.0);
      }
    });
    b.pass_fraction = out.n_events ? static_cast<double>(pass) / static_cast<double>(out.n_events) : 0.0;
    out.labels.push_back(b);
  }

  const std::string& energy = reader.fields().energy;
  if (!energy.empty() && reader.has_field(energy)) {
    out.has_energy = true;
    EnergySummary& e = out.energy;
    e.field = energy;
    e.stats = field_stats(reader, energy);
    const std::size_t bins = std::max<std::size_t>(histogram_bins, 1);
    e.counts.assign(bins, 0);
    if (e.stats.n_finite > 0) {
      const double lo = e.stats.min, hi = e.stats.max > lo ? e.stats.max : lo + 1.0;
      for (std::size_t i = 0; i <= bins; ++i) e.edges_kev.push_back(lo + (hi - lo) * double(i) / double(bins));
      if (reader.format() != Format::Lh5) {  // LH5 daqenergy is uncalibrated ADC
        e.peaks = {{"208Tl 583", wl::core::kTl208_583Kev, 0},
                   {"DEP", wl::core::kDepKev, 0},
                   {"SEP", wl::core::kSepKev, 0},
                   {"208Tl FEP", wl::core::kTl208PeakKev, 0}};
      }
      for_blocks(reader, energy, [&](const std::vector<double>& v) {
        for (double x : v) {
          if (!std::isfinite(x)) continue;
          const auto bin = static_cast<std::size_t>((x - lo) / (hi - lo) * double(bins));
          ++e.counts[std::min(bin, bins - 1)];
          for (auto& p : e.peaks) p.counts += std::abs(x - p.center_kev) <= e.peak_half_width_kev;
        }
      });
    }
  }
  return out;
}

WindowStats summarize_window(WaveformReader& reader, const std::vector<std::size_t>& events,
                             std::size_t sample_begin, std::size_t n) {
  WindowStats s;
  s.sample_begin = sample_begin;
  s.n_samples = n;
  const std::size_t total = events.empty() ? reader.n_events() : events.size();
  s.n_events = total;
  // Checked before the buffer is sized: a window past the record is an error, not an allocation.
  if (sample_begin > reader.n_samples() || n > reader.n_samples() - sample_begin) {
    throw core::InputError(reader.path() + ": dataset '" + reader.fields().waveform + "': window [" + std::to_string(sample_begin) + ", " +
                     std::to_string(sample_begin + n) + ") lies outside the " + std::to_string(reader.n_samples()) +
                     " samples of each waveform");
  }
  constexpr std::size_t kMaxBufferFloats = std::size_t{16} << 20;  // 64 MiB
  const std::size_t chunk =
      std::clamp<std::size_t>(kMaxBufferFloats / std::max<std::size_t>(n, 1), 1, std::max<std::size_t>(reader.chunk_events(), 1));
  std::vector<float> buf(chunk * n);
  std::vector<std::size_t> ids;
  double sum = 0;
  s.min = INFINITY;
  s.max = -INFINITY;
  // An empty window still validates against the file.
  if (n == 0 || total == 0) reader.read_window(0, 0, sample_begin, n, buf.data());
  for (std::size_t first = 0; first < total && n > 0; first += chunk) {
    const std::size_t count = std::min(chunk, total - first);
    if (events.empty()) {
      reader.read_window(first, count, sample_begin, n, buf.data());
    } else {
      ids.assign(events.begin() + static_cast<std::ptrdiff_t>(first),
                 events.begin() + static_cast<std::ptrdiff_t>(first + count));
      read_events(reader, ids, sample_begin, n, buf.data());
    }
    for (std::size_t i = 0; i < count * n; ++i) {
      const double x = buf[i];
      sum += x;
      s.min = std::min(s.min, x);
      s.max = std::max(s.max, x);
    }
  }
  const double m = static_cast<double>(total) * static_cast<double>(n);
  s.mean = m > 0 ? sum / m : NAN;
  if (m == 0) s.min = s.max = NAN;
  return s;
}

}  // namespace wl::io
