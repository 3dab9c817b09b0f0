// The HDF5 Zstandard filter (registered filter id 32015, as written by LEGEND's lgdo/h5py
// with hdf5plugin): LEGEND-200 raw files compress every per-event field and the encoded
// waveforms' offsets with it. Debian's libhdf5 ships no filter plugins, so the filter is
// registered here, decompressing with the system's libzstd (libzstd1, which dpkg itself
// needs), loaded at run time: no zstd headers are needed to build, and a machine without
// it still reads every other file; reading a zstd dataset there is one clear error.
#include <dlfcn.h>

#include <cstring>

#include "h5.hpp"

namespace wl::io::h5 {
namespace {

constexpr H5Z_filter_t kZstdFilterId = 32015;
// Chunks of LEGEND files are a few MB at most; a frame declaring more is corrupt.
constexpr unsigned long long kMaxChunkBytes = 1ull << 31;

struct Zstd {
  using GetSize = unsigned long long (*)(const void*, size_t);
  using Decompress = size_t (*)(void*, size_t, const void*, size_t);
  using IsError = unsigned (*)(size_t);
  GetSize frame_content_size = nullptr;
  Decompress decompress = nullptr;
  IsError is_error = nullptr;
  bool ok() const { return frame_content_size && decompress && is_error; }
};

const Zstd& zstd() {
  static const Zstd z = [] {
    Zstd out;
    void* lib = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return out;
    out.frame_content_size = reinterpret_cast<Zstd::GetSize>(dlsym(lib, "ZSTD_getFrameContentSize"));
    out.decompress = reinterpret_cast<Zstd::Decompress>(dlsym(lib, "ZSTD_decompress"));
    out.is_error = reinterpret_cast<Zstd::IsError>(dlsym(lib, "ZSTD_isError"));
    return out;
  }();
  return z;
}

// HDF5 filter callback: returns the decompressed size (0 = failure, HDF5 then fails the read).
size_t zstd_filter(unsigned flags, size_t, const unsigned[], size_t nbytes, size_t* buf_size, void** buf) {
  if (!(flags & H5Z_FLAG_REVERSE)) return 0;  // decompression only: wavelearn writes no zstd
  const Zstd& z = zstd();
  if (!z.ok()) {
    H5Epush2(H5E_DEFAULT, __FILE__, "zstd_filter", __LINE__, H5E_ERR_CLS, H5E_PLINE, H5E_CANTFILTER,
             "libzstd.so.1 not found: cannot read Zstandard-compressed datasets (install libzstd1)");
    return 0;
  }
  const unsigned long long size = z.frame_content_size(*buf, nbytes);
  // ZSTD_CONTENTSIZE_UNKNOWN / _ERROR are the two largest values; both are refused.
  if (size > kMaxChunkBytes) return 0;
  void* out = H5allocate_memory(size ? size : 1, false);
  if (!out) return 0;
  const size_t got = z.decompress(out, size, *buf, nbytes);
  if (z.is_error(got) || got != size) {
    H5free_memory(out);
    return 0;
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = size ? size : 1;
  return got;
}

}  // namespace

void register_filters() {
  static const H5Z_class2_t cls = {H5Z_CLASS_T_VERS, kZstdFilterId, 0, 1, "zstd (wavelearn, libzstd)",
                                   nullptr, nullptr, zstd_filter};
  H5Zregister(&cls);
}

}  // namespace wl::io::h5
