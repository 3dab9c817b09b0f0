#include "span_reader.hpp"

#include <algorithm>

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
