#pragma once
// Writes files in the exact MJD AI/ML release layout (flat, one dataset per field, all of
// length N; raw_waveform (N, L) float32), plus truth_* extension fields and file
// attributes. Written to a temporary name and renamed on commit(); an existing file is
// never replaced unless force is set.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wl::io {

struct MjdWriterOptions {
  bool force = false;
  std::size_t chunk_events = 256;  // HDF5 chunk rows of raw_waveform
  int gzip_level = 0;              // 0: uncompressed (fastest to read back)
};

class MjdWriter {
 public:
  MjdWriter(const std::string& path, std::size_t n_events, std::size_t n_samples,
            const MjdWriterOptions& options = {});
  ~MjdWriter();  // removes the temporary file unless commit() succeeded
  MjdWriter(const MjdWriter&) = delete;
  MjdWriter& operator=(const MjdWriter&) = delete;

  // Rows [first_event, first_event + count) of raw_waveform, row-major float32.
  void write_waveforms(std::size_t first_event, std::size_t count, const float* data);

  // A per-event field of length N. The C++ type sets the HDF5 dtype
  // (uint8 for labels and flags, int32/int64 for indices, float/double for energies).
  void write_field(const std::string& name, const std::vector<float>& values);
  void write_field(const std::string& name, const std::vector<double>& values);
  void write_field(const std::string& name, const std::vector<int32_t>& values);
  void write_field(const std::string& name, const std::vector<int64_t>& values);
  void write_field(const std::string& name, const std::vector<uint8_t>& values);

  // File-level attributes (generator, version, seed, parameters).
  void set_attribute(const std::string& name, const std::string& value);
  void set_attribute(const std::string& name, double value);
  void set_attribute(const std::string& name, int64_t value);

  // Closes and renames onto the final path.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wl::io
