// In-memory and streaming window sources, and fitting the preprocessor on training rows.
// Both sources run the same SpanReader + Preprocessor::transform per event, so they give
// bit-identical windows.
#include "wavelearn/data/window_source.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

#include "pole_zero_fit.hpp"
#include "span_reader.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::data {

using core::InputError;

const char* to_string(StorageMode mode) {
  switch (mode) {
    case StorageMode::Memory: return "memory";
    case StorageMode::Stream: return "stream";
    default: return "auto";
  }
}

std::size_t in_memory_bytes(const Preprocessor& pre, std::size_t n_rows) {
  return n_rows * pre.window_length_samples() * sizeof(float);
}

StorageMode resolve_storage(StorageMode requested, const Preprocessor& pre, std::size_t n_rows,
                            std::size_t max_memory_mb) {
  if (requested != StorageMode::Auto) return requested;
  const std::size_t budget = max_memory_mb * (std::size_t{1} << 20);
  return in_memory_bytes(pre, n_rows) <= budget ? StorageMode::Memory : StorageMode::Stream;
}

namespace {

// Rows sorted by file event, so reads walk the file forward in contiguous runs.
std::vector<std::size_t> sorted_by_event(const Dataset& dataset, std::vector<std::size_t> rows) {
  std::sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
    return dataset.file_event(a) < dataset.file_event(b);
  });
  return rows;
}

constexpr std::size_t kNoSlot = std::numeric_limits<std::size_t>::max();

class MemorySource final : public WindowSource {
 public:
  MemorySource(const Dataset& dataset, io::WaveformReader& reader, const Preprocessor& pre,
               const std::vector<std::size_t>& rows)
      : length_(pre.window_length_samples()), slot_(dataset.size(), kNoSlot) {
    const auto order = sorted_by_event(dataset, rows);
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (order[i] >= dataset.size()) throw InputError("dataset row out of range");
      slot_[order[i]] = i;
    }
    windows_.resize(order.size() * length_);
    detail::SpanReader spans;
    const std::size_t step = detail::rows_per_read(pre, reader.chunk_events());
    for (std::size_t first = 0; first < order.size(); first += step) {
      const std::size_t count = std::min(step, order.size() - first);
      spans.read(dataset, reader, pre, order.data() + first, count);
      for (std::size_t i = 0; i < count; ++i) {
        spans.transform(pre, i, windows_.data() + (first + i) * length_);
      }
    }
  }

  StorageMode mode() const override { return StorageMode::Memory; }
  std::size_t window_length_samples() const override { return length_; }

  void gather(const std::size_t* rows, std::size_t n, float* out) override {
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t slot = rows[i] < slot_.size() ? slot_[rows[i]] : kNoSlot;
      if (slot == kNoSlot) {
        throw InputError("dataset row " + std::to_string(rows[i]) +
                         " is not held by this in-memory source");
      }
      const float* src = windows_.data() + slot * length_;
      std::copy(src, src + length_, out + i * length_);
    }
  }

 private:
  std::size_t length_;
  std::vector<std::size_t> slot_;  // dataset row -> position in windows_
  std::vector<float> windows_;
};

class StreamSource final : public WindowSource {
 public:
  StreamSource(const Dataset& dataset, std::unique_ptr<io::WaveformReader> reader,
               const Preprocessor& pre)
      : dataset_(dataset), reader_(std::move(reader)), pre_(pre),
        step_(detail::rows_per_read(pre, reader_->chunk_events())) {}

  StorageMode mode() const override { return StorageMode::Stream; }
  std::size_t window_length_samples() const override { return pre_.window_length_samples(); }

  void gather(const std::size_t* rows, std::size_t n, float* out) override {
    const std::size_t length = pre_.window_length_samples();
    // Read in file order (contiguous runs), write in the requested order.
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
      return dataset_.file_event(rows[a]) < dataset_.file_event(rows[b]);
    });
    for (std::size_t first = 0; first < n; first += step_) {
      const std::size_t count = std::min(step_, n - first);
      sorted_rows_.resize(count);
      for (std::size_t i = 0; i < count; ++i) {
        if (rows[order_[first + i]] >= dataset_.size()) throw InputError("dataset row out of range");
        sorted_rows_[i] = rows[order_[first + i]];
      }
      spans_.read(dataset_, *reader_, pre_, sorted_rows_.data(), count);
      for (std::size_t i = 0; i < count; ++i) {
        spans_.transform(pre_, i, out + order_[first + i] * length);
      }
    }
  }

 private:
  const Dataset& dataset_;
  std::unique_ptr<io::WaveformReader> reader_;
  const Preprocessor& pre_;
  std::size_t step_;
  detail::SpanReader spans_;
  std::vector<std::size_t> order_, sorted_rows_;
};

}  // namespace

std::unique_ptr<WindowSource> make_memory_source(const Dataset& dataset,
                                                 io::WaveformReader& reader,
                                                 const Preprocessor& pre,
                                                 const std::vector<std::size_t>& rows) {
  return std::make_unique<MemorySource>(dataset, reader, pre, rows);
}

std::unique_ptr<WindowSource> make_stream_source(const Dataset& dataset,
                                                 std::unique_ptr<io::WaveformReader> reader,
                                                 const Preprocessor& pre) {
  return std::make_unique<StreamSource>(dataset, std::move(reader), pre);
}

void fit_preprocessor(const Dataset& dataset, io::WaveformReader& reader, Preprocessor& pre,
                      const std::vector<std::size_t>& rows) {
  if (!pre.needs_fit()) return;
  if (rows.empty()) throw InputError("preprocess: no training events to fit the scaling on");
  // The decay constants first: the scaling statistics are fitted on corrected windows.
  if (pre.state().config.pole_zero == PoleZeroMode::Auto) detail::fit_pole_zero(dataset, reader, pre, rows);
  if (!pre.needs_scaling_fit()) {
    pre.mutable_state().fit_events = rows.size();
    pre.mutable_state().fitted = true;
    return;
  }
  // Sorted: I/O walks forward, and the sums do not depend on the split's shuffle order.
  const auto order = sorted_by_event(dataset, rows);
  Preprocessor::Fitter fitter(pre);
  detail::SpanReader spans;
  std::vector<float> window(pre.window_length_samples());
  const std::size_t step = detail::rows_per_read(pre, reader.chunk_events());
  for (std::size_t first = 0; first < order.size(); first += step) {
    const std::size_t count = std::min(step, order.size() - first);
    spans.read(dataset, reader, pre, order.data() + first, count);
    for (std::size_t i = 0; i < count; ++i) {
      pre.transform_unscaled(spans.span_row(i), spans.span_begin(), spans.window_start(i),
                             window.data(), spans.detector(i));
      fitter.add(window.data(), spans.detector(i));
    }
  }
  fitter.finish(pre);
}

}  // namespace wl::data
