#include "direct_rows.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace wl::io::detail {

DirectRows::~DirectRows() { disable(); }

void DirectRows::unmap() {
  if (map_) ::munmap(map_, map_bytes_);
  map_ = nullptr;
  map_bytes_ = 0;
}

void DirectRows::disable() {
  unmap();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool DirectRows::init(const std::string& path, hid_t dataset, std::size_t n_events, std::size_t n_samples) {
  disable();
  if (n_events == 0 || n_samples == 0) return false;
  dataset_ = dataset;
  n_events_ = n_events;
  n_samples_ = n_samples;
  file_type_ = h5::Handle(H5Dget_type(dataset));
  const H5T_class_t cls = H5Tget_class(file_type_.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return false;
  elem_bytes_ = H5Tget_size(file_type_.get());
  native_float_ = H5Tequal(file_type_.get(), H5T_NATIVE_FLOAT) > 0;
  h5::Handle dcpl(H5Dget_create_plist(dataset));
  if (H5Pget_nfilters(dcpl.get()) != 0) return false;
  const H5D_layout_t layout = H5Pget_layout(dcpl.get());
  if (layout == H5D_CONTIGUOUS) {
    const haddr_t addr = H5Dget_offset(dataset);
    if (addr == HADDR_UNDEF) return false;
    contiguous_base_ = addr;
  } else if (layout == H5D_CHUNKED) {
    hsize_t chunk[2] = {0, 0};
    if (H5Pget_chunk(dcpl.get(), 2, chunk) != 2 || chunk[1] != n_samples) return false;  // whole rows only
    chunked_ = true;
    chunk_rows_ = chunk[0];
    chunk_addr_.assign((n_events + chunk_rows_ - 1) / chunk_rows_, 0);
  } else {
    return false;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return false;
  struct stat st {};
  file_bytes_ = ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  // Self-check: the last row read both ways must agree, else HDF5 keeps the job.
  const std::size_t row = n_events - 1;
  std::vector<float> direct(n_samples), reference(n_samples);
  h5::Handle space(H5Dget_space(dataset));
  const hsize_t start[2] = {row, 0}, cnt[2] = {1, n_samples};
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
  h5::Handle mem(H5Screate_simple(2, cnt, nullptr));
  const bool ok = H5Dread(dataset, H5T_NATIVE_FLOAT, mem.get(), space.get(), H5P_DEFAULT, reference.data()) >= 0 &&
                  read(&row, 1, 0, n_samples, direct.data()) &&
                  std::memcmp(direct.data(), reference.data(), n_samples * sizeof(float)) == 0;
  if (!ok) disable();
  return ok;
}

bool DirectRows::row_offset(std::size_t row, std::uint64_t* offset) {
  if (!chunked_) {
    *offset = contiguous_base_ + std::uint64_t(row) * n_samples_ * elem_bytes_;
    return true;
  }
  const std::size_t c = row / chunk_rows_;
  if (chunk_addr_[c] == 0) {
    const hsize_t coord[2] = {hsize_t(c * chunk_rows_), 0};
    unsigned mask = 0;
    haddr_t addr = HADDR_UNDEF;
    hsize_t size = 0;
    if (H5Dget_chunk_info_by_coord(dataset_, coord, &mask, &addr, &size) < 0 || addr == HADDR_UNDEF || addr == 0) {
      return false;  // unallocated chunk (never written): HDF5 supplies the fill value
    }
    chunk_addr_[c] = addr;
  }
  *offset = chunk_addr_[c] + std::uint64_t(row - c * chunk_rows_) * n_samples_ * elem_bytes_;
  return true;
}

bool DirectRows::read(const std::size_t* events, std::size_t count, std::size_t sample_begin, std::size_t n,
                      float* out) {
  if (fd_ < 0) return false;
  const std::size_t row_bytes = n * elem_bytes_;
  unsigned char* dst = reinterpret_cast<unsigned char*>(out);
  if (!native_float_) {
    bytes_.resize(count * n * std::max<std::size_t>(elem_bytes_, sizeof(float)));
    dst = bytes_.data();
  }
  for (std::size_t k = 0; k < count; ++k) {
    std::uint64_t offset = 0;
    if (!row_offset(events[k], &offset)) return false;
    offset += std::uint64_t(sample_begin) * elem_bytes_;
    if (::pread(fd_, dst + k * row_bytes, row_bytes, static_cast<off_t>(offset)) != static_cast<ssize_t>(row_bytes)) {
      return false;
    }
  }
  if (!native_float_) {
    if (H5Tconvert(file_type_.get(), H5T_NATIVE_FLOAT, count * n, bytes_.data(), nullptr, H5P_DEFAULT) < 0) {
      return false;
    }
    std::memcpy(out, bytes_.data(), count * n * sizeof(float));
  }
  return true;
}

const float* DirectRows::view(std::size_t first, std::size_t count, std::size_t* viewed) {
  unmap();
  *viewed = 0;
  if (fd_ < 0 || !native_float_ || count == 0) return nullptr;
  const std::uint64_t row_bytes = std::uint64_t(n_samples_) * sizeof(float);
  std::uint64_t begin = 0;
  if (!row_offset(first, &begin)) return nullptr;
  if (chunked_) {
    // Whole-row chunks lie back to back where they were written in order: the span runs to
    // the first chunk that does not follow its predecessor.
    const std::size_t c0 = first / chunk_rows_, c1 = (first + count - 1) / chunk_rows_;
    std::size_t c = c0 + 1;
    for (; c <= c1; ++c) {
      std::uint64_t at = 0;
      if (!row_offset(c * chunk_rows_, &at) || at != chunk_addr_[c0] + (c - c0) * chunk_rows_ * row_bytes) break;
    }
    count = std::min(count, c * chunk_rows_ - first);
  }
  const std::uint64_t end = begin + count * row_bytes;
  // A truncated file would fault on access (SIGBUS): leave it to HDF5's checked read.
  if (begin % alignof(float) != 0 || end > file_bytes_) return nullptr;
  const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  const std::uint64_t map_begin = begin / page * page;
  map_bytes_ = static_cast<std::size_t>(end - map_begin);
  // MAP_POPULATE maps the cached pages up front: one call instead of a fault per 16 pages.
  void* p = ::mmap(nullptr, map_bytes_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_, static_cast<off_t>(map_begin));
  if (p == MAP_FAILED) {
    map_bytes_ = 0;
    return nullptr;
  }
  map_ = p;
  *viewed = count;
  return reinterpret_cast<const float*>(static_cast<const unsigned char*>(p) + (begin - map_begin));
}

}  // namespace wl::io::detail
