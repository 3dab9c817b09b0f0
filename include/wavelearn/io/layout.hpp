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

// Throws InputError for a missing or non-HDF5 file.
FileLayout describe_layout(const std::string& path);

}  // namespace wl::io
