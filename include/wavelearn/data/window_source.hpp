#pragma once
// Preprocessed windows of dataset rows, gathered into caller-provided float buffers.
// Two storage modes giving bit-identical windows: in-memory (windows of a set of rows read
// once, chunk by chunk, and kept preprocessed) and streaming (each gather reads the rows'
// raw spans from disk through io::read_events). No libtorch here.
#include <cstddef>
#include <memory>
#include <vector>

#include "wavelearn/data/dataset.hpp"
#include "wavelearn/data/preprocess.hpp"

namespace wl::data {

enum class StorageMode { Auto, Memory, Stream };
const char* to_string(StorageMode mode);

// Memory in-memory storage would take for n_rows windows.
std::size_t in_memory_bytes(const Preprocessor& pre, std::size_t n_rows);
// Auto: Memory when in_memory_bytes fits max_memory_mb, else Stream.
StorageMode resolve_storage(StorageMode requested, const Preprocessor& pre, std::size_t n_rows,
                            std::size_t max_memory_mb);

class WindowSource {
 public:
  virtual ~WindowSource() = default;
  virtual StorageMode mode() const = 0;
  virtual std::size_t window_length_samples() const = 0;
  // Writes the preprocessed windows of dataset rows[0..n) into out (n * L floats, in the
  // given order). Streaming sources read the file: call from one thread at a time.
  virtual void gather(const std::size_t* rows, std::size_t n, float* out) = 0;
};

// In-memory: reads (and preprocesses) the windows of `rows` once; later gathers are copies.
// Only rows in `rows` may be gathered (InputError otherwise).
std::unique_ptr<WindowSource> make_memory_source(const Dataset& dataset,
                                                 io::WaveformReader& reader,
                                                 const Preprocessor& pre,
                                                 const std::vector<std::size_t>& rows);
// Streaming: owns `reader` (normally Dataset::open_another_reader()) and reads per gather.
std::unique_ptr<WindowSource> make_stream_source(const Dataset& dataset,
                                                 std::unique_ptr<io::WaveformReader> reader,
                                                 const Preprocessor& pre);

// Fits the preprocessor's statistics (pole-zero decay constants, standard scaler, amplitude
// scale) on the given rows (the training split only), streaming them chunk by chunk. No-op
// if nothing needs fitting.
void fit_preprocessor(const Dataset& dataset, io::WaveformReader& reader, Preprocessor& pre,
                      const std::vector<std::size_t>& rows);

}  // namespace wl::data
