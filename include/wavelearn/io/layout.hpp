#pragma once
// What an HDF5 file holds: every dataset with its shape and dtype, and the attributes, for
// `wavelearn inspect`. No data is read.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace wl::io {

struct DatasetInfo {
  std::string path;                  // "/raw_waveform", "/ch0/raw/waveform/values"
  std::vector<std::uint64_t> shape;  // empty for a scalar dataset
  std::string dtype;                 // int16, float32, bool, string, ...
  std::vector<std::uint64_t> chunk;  // empty when contiguous
  std::vector<std::pair<std::string, std::string>> attributes;  // e.g. LH5 datatype, units
};

struct FileLayout {
  std::vector<DatasetInfo> datasets;                             // depth-first, name order
  std::vector<std::pair<std::string, std::string>> attributes;  // file (root) attributes
};

// Throws InputError for a missing or non-HDF5 file. For several files (core/file_list.hpp)
// the first file's layout (the files of one dataset share it).
FileLayout describe_layout(const std::string& path);

// One waveform stream of an LH5 channel (/<channel>/raw/<stream>), e.g. LEGEND-200's
// waveform_windowed (16 ns) and waveform_presummed (128 ns) records of the same events.
struct Lh5Stream {
  std::string channel, stream;  // "ch1105600", "waveform_windowed"
  std::string codec;            // "radware_sigcompress", ...; empty when stored plain
  std::size_t n_events = 0, n_samples = 0;
  double sample_period_ns = 0;
  std::string error;  // why the stream cannot be read (then the numbers are 0)
};
// Every waveform stream of every channel, channels in name order, each channel's default
// stream first; empty for a file that is not LH5. Reads offsets and dt, no waveform. For
// several files, the first file's streams.
std::vector<Lh5Stream> describe_lh5_streams(const std::string& path);

}  // namespace wl::io
