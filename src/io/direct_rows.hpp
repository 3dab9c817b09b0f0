#pragma once
// Fast path for scattered single-event reads (shuffled mini-batches): one HDF5 read call
// costs ~30 us, so for uncompressed datasets stored contiguously or in whole-row chunks we
// locate each row's bytes once and pread() them, converting with H5Tconvert. Verified
// against an HDF5 read at open; any layout it does not cover falls back to HDF5.
#include <cstddef>
#include <string>
#include <vector>

#include "h5.hpp"

namespace wl::io::detail {

class DirectRows {
 public:
  DirectRows() = default;
  ~DirectRows();
  DirectRows(const DirectRows&) = delete;
  DirectRows& operator=(const DirectRows&) = delete;

  // Enables the fast path if the layout allows it; returns whether it did.
  bool init(const std::string& path, hid_t dataset, std::size_t n_events, std::size_t n_samples);
  bool enabled() const { return fd_ >= 0; }
  // Windows of `count` events (any order) into out; false if a row could not be located
  // (the caller then uses HDF5).
  bool read(const std::size_t* events, std::size_t count, std::size_t sample_begin, std::size_t n, float* out);
  // The longest leading part of rows [first, first + count) that lies in one span of the file
  // (native float32, contiguous or whole-row chunks back to back), mapped; its row count in
  // *viewed. nullptr when none. The previous mapping is released first: one span is resident.
  const float* view(std::size_t first, std::size_t count, std::size_t* viewed);

 private:
  // Byte offset in the file of sample 0 of `row`, or false.
  bool row_offset(std::size_t row, std::uint64_t* offset);
  void disable();
  void unmap();

  int fd_ = -1;
  hid_t dataset_ = -1;  // borrowed from the reader
  h5::Handle file_type_;
  bool native_float_ = false;
  std::size_t elem_bytes_ = 0, n_events_ = 0, n_samples_ = 0;
  std::uint64_t contiguous_base_ = 0;
  bool chunked_ = false;
  std::size_t chunk_rows_ = 0;
  std::vector<std::uint64_t> chunk_addr_;  // per chunk of rows; 0 = not looked up yet
  std::vector<unsigned char> bytes_;       // raw rows before conversion, reused
  std::uint64_t file_bytes_ = 0;
  void* map_ = nullptr;                    // the current view's mapping
  std::size_t map_bytes_ = 0;
};

}  // namespace wl::io::detail
