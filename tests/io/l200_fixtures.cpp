#include "l200_fixtures.hpp"

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "test_paths.hpp"

namespace wl::test {
namespace {

struct Id {  // minimal RAII, independent of the library's wrapper
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("l200 fixture: " + what);
}

void string_attr(hid_t obj, const char* name, const std::string& value) {
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  Id type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, value.size());
  Id space{H5Screate(H5S_SCALAR), H5Sclose};
  Id attr{H5Acreate2(obj, name, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  check(H5Awrite(attr.id, type.id, value.c_str()) >= 0, name);
}

void number_attr(hid_t obj, const char* name, double value) {
  Id space{H5Screate(H5S_SCALAR), H5Sclose};
  Id attr{H5Acreate2(obj, name, H5T_IEEE_F64LE, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  check(H5Awrite(attr.id, H5T_NATIVE_DOUBLE, &value) >= 0, name);
}

template <typename T>
void dataset(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, const std::vector<T>& data,
             bool scalar = false) {
  const hsize_t dims[1] = {data.size()};
  Id space{scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), H5Sclose};
  Id d{H5Dcreate2(loc, name, file_type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  check(d.id >= 0, name);
  if (!data.empty()) check(H5Dwrite(d.id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0, name);
  string_attr(d.id, "datatype", scalar ? "real" : "array<1>{real}");
}

unsigned bits_for(std::int64_t range) {
  unsigned nb = 0;
  while (nb < 17 && ((std::int64_t(1) << nb) - 1) < range) ++nb;
  return nb;
}

// MSB-first bit packing into big-endian 16-bit words.
struct BitWriter {
  std::vector<std::uint16_t>& words;
  unsigned used = 16;  // bits filled in words.back(); 16 = start a new word
  void put(std::uint32_t value, unsigned nb) {
    for (unsigned b = nb; b-- > 0;) {
      if (used == 16) words.push_back(0), used = 0;
      if ((value >> b) & 1u) words.back() = std::uint16_t(words.back() | (1u << (15 - used)));
      ++used;
    }
  }
};

void encode_block(std::vector<std::uint16_t>& words, const std::vector<std::int32_t>& v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  const unsigned nb_abs = bits_for(*hi - *lo);
  std::vector<std::int32_t> d;
  for (std::size_t i = 1; i < v.size(); ++i) d.push_back(v[i] - v[i - 1]);
  std::int32_t dmin = 0, dmax = 0;
  if (!d.empty()) dmin = *std::min_element(d.begin(), d.end()), dmax = *std::max_element(d.begin(), d.end());
  const unsigned nb_diff = bits_for(std::int64_t(dmax) - dmin);
  const bool diff = nb_diff < nb_abs && nb_diff <= 16 && dmin >= -32768 && dmin <= 32767;
  words.push_back(std::uint16_t(v.size()));
  BitWriter w{words};
  if (!diff) {
    words.push_back(std::uint16_t(nb_abs));
    words.push_back(std::uint16_t(*lo));
    for (auto x : v) w.put(std::uint32_t(x - *lo), nb_abs);
  } else {
    words.push_back(std::uint16_t(nb_diff + 32));
    words.push_back(std::uint16_t(v[0]));
    words.push_back(std::uint16_t(dmin));
    for (auto x : d) w.put(std::uint32_t(x - dmin), nb_diff);
  }
}

std::vector<std::int32_t> presum(const std::vector<std::int32_t>& x, std::size_t by) {
  std::vector<std::int32_t> out(x.size() / by, 0);
  for (std::size_t i = 0; i < out.size() * by; ++i) out[i / by] += x[i];
  return out;
}

hid_t create_group(hid_t loc, const std::string& path, const std::string& datatype) {
  Id lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id, 1);
  const hid_t g = H5Gcreate2(loc, path.c_str(), lcpl.id, H5P_DEFAULT, H5P_DEFAULT);
  check(g >= 0, path);
  string_attr(g, "datatype", datatype);
  return g;
}

void write_stream(hid_t raw, const std::string& name, const std::vector<std::vector<std::uint8_t>>& encoded,
                  std::size_t decoded_size, const std::string& codec, double shift, float dt_ns,
                  bool not_increasing) {
  Id table{create_group(raw, name, "table{dt,t0,values}"), H5Gclose};
  Id values{create_group(table.id, "values", "array_of_encoded_equalsized_arrays<1,1>{real}"), H5Gclose};
  string_attr(values.id, "codec", codec);
  if (codec == "radware_sigcompress") number_attr(values.id, "codec_shift", shift);
  Id data{create_group(values.id, "encoded_data", "array<1>{array<1>{real}}"), H5Gclose};
  std::vector<std::uint8_t> flat;
  std::vector<std::uint32_t> ends;
  for (const auto& e : encoded) flat.insert(flat.end(), e.begin(), e.end()), ends.push_back(std::uint32_t(flat.size()));
  if (not_increasing && ends.size() > 1) ends[1] = ends[0] - 1;
  dataset(data.id, "flattened_data", H5T_STD_U8LE, H5T_NATIVE_UINT8, flat);
  dataset(data.id, "cumulative_length", H5T_STD_U32LE, H5T_NATIVE_UINT32, ends);
  dataset(values.id, "decoded_size", H5T_STD_I64LE, H5T_NATIVE_INT64, std::vector<std::int64_t>{std::int64_t(decoded_size)},
          true);
  dataset(table.id, "dt", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, std::vector<float>(encoded.size(), dt_ns));
  dataset(table.id, "t0", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, std::vector<float>(encoded.size(), 0.0f));
  for (const char* d : {"dt", "t0"}) {
    Id ds{H5Dopen2(table.id, d, H5P_DEFAULT), H5Dclose};
    string_attr(ds.id, "units", "ns");
  }
}

// Opens a copy of the real file for writing; `channel`'s windowed values group.
struct L200Copy {
  Id file, values;
  explicit L200Copy(const std::string& path)
      : file{(std::filesystem::copy_file(l200_file(), path, std::filesystem::copy_options::overwrite_existing),
              std::filesystem::permissions(path, std::filesystem::perms::owner_write, std::filesystem::perm_options::add),
              H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)),
             H5Fclose},
        values{H5Gopen2(file.id, "/ch1105600/raw/waveform_windowed/values", H5P_DEFAULT), H5Gclose} {
    check(values.id >= 0, "open copy of " + l200_file());
  }
  void replace_offsets(std::uint32_t end) {
    H5Ldelete(values.id, "encoded_data/cumulative_length", H5P_DEFAULT);
    Id data{H5Gopen2(values.id, "encoded_data", H5P_DEFAULT), H5Gclose};
    dataset(data.id, "cumulative_length", H5T_STD_U32LE, H5T_NATIVE_UINT32, std::vector<std::uint32_t>{end});
  }
};

}  // namespace

std::string l200_file() { return std::string(WL_SOURCE_DIR) + "/tests/io/data/l200-p14-r004-cal-raw.lh5"; }

std::vector<std::uint8_t> encode_radware(const std::vector<std::int32_t>& samples, std::int32_t shift) {
  std::vector<std::uint16_t> words{std::uint16_t(samples.size())};
  constexpr std::size_t kBlock = 64;
  for (std::size_t j = 0; j < samples.size(); j += kBlock) {
    std::vector<std::int32_t> v;
    for (std::size_t i = j; i < std::min(samples.size(), j + kBlock); ++i) {
      const std::int32_t x = samples[i] + shift;
      check(x >= -32768 && x <= 32767, "radware sample + shift outside int16");
      v.push_back(x);
    }
    encode_block(words, v);
  }
  std::vector<std::uint8_t> bytes;
  for (auto w : words) bytes.push_back(std::uint8_t(w >> 8)), bytes.push_back(std::uint8_t(w & 0xFF));
  return bytes;
}

std::vector<std::uint8_t> encode_uleb128_zigzag_diff(const std::vector<std::int32_t>& samples) {
  std::vector<std::uint8_t> out;
  std::uint32_t last = 0;
  for (auto s : samples) {
    const std::int32_t d = std::int32_t(std::uint32_t(s) - last);
    std::uint32_t zz = (std::uint32_t(d) << 1) ^ std::uint32_t(d >> 31);
    while (zz >= 0x80) out.push_back(std::uint8_t(zz | 0x80)), zz >>= 7;
    out.push_back(std::uint8_t(zz));
    last = std::uint32_t(s);
  }
  return out;
}

std::int32_t encoded_sample(std::size_t event, std::size_t sample) {
  if (event % 3 == 0 && sample == 150) return 65535;  // full-scale swings: the largest steps
  if (event % 3 == 0 && sample == 151) return 0;
  const std::size_t k = event % 64;  // keeps every sample within uint16 for any event count
  const std::int32_t noise = std::int32_t((sample * 7919 + event * 31) % 23) - 11;
  const std::int32_t pulse = sample < 80 ? 0 : std::int32_t(double(1000 + 500 * k) * (1.0 - 1.0 / double(sample - 78)));
  return 15000 + std::int32_t(k) * 37 + noise + pulse;
}

void write_lh5_encoded(const std::string& path, const std::string& channel, std::size_t n_events,
                       std::size_t n_samples, bool not_increasing) {
  Id f{H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
  check(f.id >= 0, "create " + path);
  Id raw{create_group(f.id, "/" + channel + "/raw", "table{daqenergy,waveform_presummed,waveform_windowed}"),
         H5Gclose};
  std::vector<std::vector<std::uint8_t>> windowed, presummed;
  std::vector<std::uint16_t> energy;
  for (std::size_t e = 0; e < n_events; ++e) {
    std::vector<std::int32_t> x(n_samples);
    for (std::size_t j = 0; j < n_samples; ++j) x[j] = encoded_sample(e, j);
    windowed.push_back(encode_radware(x, -32768));
    presummed.push_back(encode_uleb128_zigzag_diff(presum(x, 4)));
    energy.push_back(std::uint16_t(1000 + 500 * e));
  }
  write_stream(raw.id, "waveform_windowed", windowed, n_samples, "radware_sigcompress", -32768, 16.0f, not_increasing);
  write_stream(raw.id, "waveform_presummed", presummed, n_samples / 4, "uleb128_zigzag_diff", 0, 64.0f, false);
  dataset(raw.id, "daqenergy", H5T_STD_U16LE, H5T_NATIVE_UINT16, energy);
}

bool write_l200_fixture(const std::string& kind, const std::string& path) {
  if (kind == "lh5-encoded") {
    write_lh5_encoded(path, "ch1104000", 12, 200);
  } else if (kind == "lh5-encoded-not-increasing") {
    write_lh5_encoded(path, "ch1104000", 12, 200, true);
  } else if (kind == "l200") {
    L200Copy copy(path);
  } else if (kind == "l200-unknown-codec") {
    L200Copy copy(path);
    string_attr(copy.values.id, "codec", "lzma_magic");
  } else if (kind == "l200-truncated") {
    L200Copy(path).replace_offsets(600);
  } else if (kind == "l200-offsets") {
    L200Copy(path).replace_offsets(5000);
  } else if (kind == "l200-decoded-size") {
    L200Copy copy(path);
    Id d{H5Dopen2(copy.values.id, "decoded_size", H5P_DEFAULT), H5Dclose};
    const std::int64_t wrong = 1399;
    check(H5Dwrite(d.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &wrong) >= 0, "decoded_size");
  } else {
    return false;
  }
  return true;
}

}  // namespace wl::test
