#pragma once
// Reads the raw sample span (window and baseline region) of a group of dataset rows in one
// io::read_events call, into buffers that are reused from call to call.
#include <cstddef>
#include <vector>

#include "wavelearn/data/dataset.hpp"
#include "wavelearn/data/preprocess.hpp"

namespace wl::data::detail {

class SpanReader {
 public:
  // Reads rows[0..n) (any order). Afterwards row i's raw span starts at span_row(i).
  void read(const Dataset& dataset, io::WaveformReader& reader, const Preprocessor& pre,
            const std::size_t* rows, std::size_t n);

  const float* span_row(std::size_t i) const { return raw_.data() + i * span_.length; }
  std::size_t span_begin() const { return span_.begin; }
  std::size_t window_start(std::size_t i) const { return starts_[i]; }
  // Applies the full transform of row i into out.
  void transform(const Preprocessor& pre, std::size_t i, float* out) const {
    pre.transform(span_row(i), span_.begin, starts_[i], out, detectors_[i]);
  }
  std::int64_t detector(std::size_t i) const { return detectors_[i]; }

 private:
  void check_finite(const Dataset& dataset, const io::WaveformReader& reader, const std::size_t* rows,
                    std::size_t n) const;

  std::vector<std::size_t> events_;
  std::vector<std::size_t> starts_;
  std::vector<std::int64_t> detectors_;
  std::vector<float> raw_;
  Preprocessor::Span span_;
};

// Rows per read so that one group's raw spans stay within a bounded buffer.
std::size_t rows_per_read(const Preprocessor& pre, std::size_t chunk_events);

}  // namespace wl::data::detail
