#include "lh5_encoded.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/core/error.hpp"

namespace wl::io::detail {
namespace {
using wl::core::InputError;

// Bytes read from the file per HDF5 call: a few MB keeps the call overhead negligible
// (an encoded LEGEND-200 waveform is 1-10 kB) and memory bounded.
constexpr std::uint64_t kBatchBytes = 4u << 20;
// The longest waveform accepted (lgdo stores the length in 16 bits for radware; this also
// bounds the scratch buffer a corrupt decoded_size could ask for).
constexpr std::int64_t kMaxDecodedSize = 1 << 24;

}  // namespace

bool is_encoded_values(hid_t loc, const std::string& values) {
  return h5::is_group(loc, values) && h5::is_group(loc, values + "/encoded_data");
}

std::string EncodedWaveforms::where(const std::string& dataset) const {
  return h5::where(file_, dataset.empty() ? shown_ : shown_ + "/" + dataset);
}

EncodedWaveforms::EncodedWaveforms(hid_t base, const std::string& values, const std::string& file,
                                   const std::string& shown, std::size_t chunk_events)
    : file_(file), shown_(shown), chunk_events_(std::max<std::size_t>(chunk_events, 1)) {
  h5::Handle group = h5::open_group(base, values, file_);
  read_codec(group.get());
  read_decoded_size(group.get());
  read_offsets(group.get());
}

void EncodedWaveforms::read_codec(hid_t values) {
  const std::string name = h5::read_string_attribute(values, "codec");
  if (name.empty()) throw InputError(where("") + ": encoded waveforms without a 'codec' attribute");
  try {
    codec_ = codec::parse_codec(name);
  } catch (const codec::CodecError& e) {
    throw InputError(where("") + ": " + e.what());
  }
  double shift = 0;
  if (h5::has_attribute(values, "codec_shift") && !h5::read_number_attribute(values, "codec_shift", &shift)) {
    throw InputError(where("") + ": attribute 'codec_shift' is not a number");
  }
  if (!(std::fabs(shift) <= 65536.0) || shift != std::floor(shift)) {
    throw InputError(where("") + ": attribute 'codec_shift' = " + std::to_string(shift) +
                     " is not an integer within +-65536");
  }
  shift_ = static_cast<std::int32_t>(shift);
}

void EncodedWaveforms::read_decoded_size(hid_t values) {
  h5::Handle d = h5::open_dataset(values, "decoded_size", file_, shown_ + "/decoded_size");
  if (!h5::shape(d.get()).empty() || !h5::is_numeric(d.get())) {
    throw InputError(where("decoded_size") + ": expected a scalar number (samples per waveform; per-event " +
                     "sizes, lgdo's vector_of_encoded_vectors, are not supported)");
  }
  std::int64_t size = -1;
  if (H5Dread(d.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &size) < 0 || size < 0 ||
      size > kMaxDecodedSize) {
    throw InputError(where("decoded_size") + ": " + std::to_string(size) + " is not a waveform length in [0, " +
                     std::to_string(kMaxDecodedSize) + "]");
  }
  n_samples_ = static_cast<std::size_t>(size);
}

void EncodedWaveforms::read_offsets(hid_t values) {
  const std::string cl_name = "encoded_data/cumulative_length", fd_name = "encoded_data/flattened_data";
  h5::Handle cl = h5::open_dataset(values, cl_name, file_, shown_ + "/" + cl_name);
  bytes_ = h5::open_dataset(values, fd_name, file_, shown_ + "/" + fd_name);
  const auto cl_dims = h5::shape(cl.get()), fd_dims = h5::shape(bytes_.get());
  if (cl_dims.size() != 1) throw InputError(where(cl_name) + ": has shape " + h5::shape_text(cl_dims) + ", expected (N,)");
  h5::Handle type(H5Dget_type(bytes_.get()));
  if (fd_dims.size() != 1 || H5Tget_class(type.get()) != H5T_INTEGER || H5Tget_size(type.get()) != 1) {
    throw InputError(where(fd_name) + ": has shape " + h5::shape_text(fd_dims) + " and dtype " +
                     h5::dtype_name(type.get()) + ", expected (M,) uint8 encoded bytes");
  }
  n_bytes_ = fd_dims[0];
  ends_.resize(cl_dims[0]);
  if (!ends_.empty() && H5Dread(cl.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ends_.data()) < 0) {
    throw InputError(where(cl_name) + ": cannot be read as event offsets (corrupt, or a filter this build lacks)");
  }
  std::uint64_t prev = 0;
  for (std::size_t i = 0; i < ends_.size(); ++i) {
    if (ends_[i] < prev || ends_[i] > n_bytes_) {
      throw InputError(where(cl_name) + ": event " + std::to_string(i) + " ends at byte " + std::to_string(ends_[i]) +
                       ", not increasing within the " + std::to_string(n_bytes_) + " encoded bytes");
    }
    prev = ends_[i];
  }
  space_ = h5::Handle(H5Dget_space(bytes_.get()));
  decoded_.resize(n_samples_);
}

void EncodedWaveforms::read_window(std::size_t first, std::size_t count, std::size_t sample_begin, std::size_t n,
                                   float* out) {
  const std::size_t end = first + count;
  std::size_t e = first;
  while (e < end) {
    std::size_t stop = e + 1;
    while (stop < end && stop - e < chunk_events_ && ends_[stop] - begin_of(e) <= kBatchBytes) ++stop;
    const std::uint64_t lo = begin_of(e), hi = ends_[stop - 1];
    span_.resize(static_cast<std::size_t>(hi - lo));
    if (hi > lo) {
      const hsize_t start[1] = {lo}, cnt[1] = {hi - lo};
      H5Sselect_hyperslab(space_.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
      h5::Handle mem(H5Screate_simple(1, cnt, nullptr));
      if (H5Dread(bytes_.get(), H5T_NATIVE_UINT8, mem.get(), space_.get(), H5P_DEFAULT, span_.data()) < 0) {
        throw InputError(where("encoded_data/flattened_data") + ": read of events [" + std::to_string(e) + ", " +
                         std::to_string(stop) + ") failed");
      }
    }
    for (std::size_t k = e; k < stop; ++k) {
      const std::uint8_t* bytes = span_.data() + (begin_of(k) - lo);
      try {
        codec::decode(codec_, bytes, static_cast<std::size_t>(ends_[k] - begin_of(k)), shift_, decoded_.data(),
                      n_samples_);
      } catch (const codec::CodecError& err) {
        throw InputError(where("encoded_data") + ": event " + std::to_string(k) + " (" + codec::codec_name(codec_) +
                         "): " + err.what());
      }
      float* dst = out + (k - first) * n;
      const std::int32_t* src = decoded_.data() + sample_begin;
      for (std::size_t j = 0; j < n; ++j) dst[j] = static_cast<float>(src[j]);
    }
    e = stop;
  }
}

}  // namespace wl::io::detail
