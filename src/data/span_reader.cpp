#include "span_reader.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "wavelearn/core/error.hpp"

namespace wl::data::detail {

namespace {
// A group's raw spans are held at once; tp0-aligned spans can be wide, so cap the buffer.
constexpr std::size_t kMaxSpanFloats = std::size_t{16} << 20;  // 64 MiB
}  // namespace

void SpanReader::read(const Dataset& dataset, io::WaveformReader& reader,
                      const Preprocessor& pre, const std::size_t* rows, std::size_t n) {
  events_.resize(n);
  starts_.resize(n);
  detectors_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    events_[i] = dataset.file_event(rows[i]);
    starts_[i] = pre.window_start_for(dataset.tp0(rows[i]));
    detectors_[i] = dataset.detector(rows[i]);
  }
  span_ = pre.span_for(starts_.data(), n);
  if (raw_.size() < n * span_.length) raw_.resize(n * span_.length);
  io::read_events(reader, events_, span_.begin, span_.length, raw_.data());
  check_finite(dataset, reader, rows, n);
}

// A NaN or Inf sample would pass through every transform into a made-up score (min-max
// clamps it, a network turns it into NaN), so such an event is refused where it is read.
void SpanReader::check_finite(const Dataset& dataset, const io::WaveformReader& reader,
                              const std::size_t* rows, std::size_t n) const {
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = span_row(i);
    for (std::size_t k = 0; k < span_.length; ++k) {
      if (std::isfinite(row[k])) continue;
      throw core::InputError(
          reader.path() + ": dataset '" + dataset.config().open.fields.waveform + "' event " +
          std::to_string(events_[i]) + " (id " + std::to_string(dataset.event_id(rows[i])) + ") holds " +
          (std::isnan(row[k]) ? "NaN" : "Inf") + " at sample " + std::to_string(span_.begin + k) +
          "; non-finite waveforms cannot be scored (wavelearn dsp flags them, drop them from the file)");
    }
  }
}

std::size_t rows_per_read(const Preprocessor& pre, std::size_t chunk_events) {
  const auto& s = pre.state();
  // Widest possible span: the whole record in the worst tp0 case.
  std::size_t width = s.window_length_samples;
  if (s.config.window == WindowMode::Tp0 || s.config.baseline == BaselineMode::Pretrigger) {
    width = s.record_length_samples;
  }
  return std::max<std::size_t>(1, std::min(chunk_events, kMaxSpanFloats / std::max<std::size_t>(1, width)));
}

}  // namespace wl::data::detail
