#include "fixtures.hpp"

#include <hdf5.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace wl::test {
namespace {

// Minimal RAII for the fixtures (independent of the library's wrapper on purpose).
struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("fixture: " + what);
}

hid_t create_file(const std::string& path) {
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  check(f >= 0, "create " + path);
  return f;
}

void string_attr(hid_t obj, const char* name, const std::string& value) {
  Id type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, value.size());  // fixed-length, as legend-pydataobj writes
  Id space{H5Screate(H5S_SCALAR), H5Sclose};
  Id attr{H5Acreate2(obj, name, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  check(H5Awrite(attr.id, type.id, value.c_str()) >= 0, std::string("attr ") + name);
}

template <typename T>
void dataset(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, const std::vector<hsize_t>& dims,
             const std::vector<T>& data, const char* lh5_datatype = nullptr, bool chunked = false) {
  Id space{H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose};
  Id dcpl{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
  if (chunked && dims[0] > 0) {
    std::vector<hsize_t> chunk = dims;
    chunk[0] = std::min<hsize_t>(dims[0], 7);  // deliberately odd chunk rows
    H5Pset_chunk(dcpl.id, int(chunk.size()), chunk.data());
  }
  Id d{H5Dcreate2(loc, name, file_type, space.id, H5P_DEFAULT, dcpl.id, H5P_DEFAULT), H5Dclose};
  check(d.id >= 0, std::string("dataset ") + name);
  if (!data.empty()) check(H5Dwrite(d.id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0, name);
  if (lh5_datatype) string_attr(d.id, "datatype", lh5_datatype);
}

std::vector<double> waveform_values(std::size_t n, std::size_t l) {
  std::vector<double> v(n * l);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < l; ++j) v[i * l + j] = expected_sample(i, j);
  return v;
}

template <typename T>
std::vector<T> cast(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

hid_t bool_enum_type() {
  const hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
  int8_t f = 0, tr = 1;
  H5Tenum_insert(t, "FALSE", &f);
  H5Tenum_insert(t, "TRUE", &tr);
  return t;
}

}  // namespace

void write_mjd(const std::string& path, std::size_t n, std::size_t l, WaveDtype dtype, bool with_labels,
               bool chunked) {
  Id f{create_file(path), H5Fclose};
  const auto wave = waveform_values(n, l);
  const std::vector<hsize_t> dims2{n, l}, dims1{n};
  switch (dtype) {
    case WaveDtype::Int16:
      dataset(f.id, "raw_waveform", H5T_STD_I16LE, H5T_NATIVE_INT16, dims2, cast<int16_t>(wave), nullptr, chunked);
      break;
    case WaveDtype::Uint16: {
      std::vector<uint16_t> u(wave.size());
      for (std::size_t k = 0; k < wave.size(); ++k) u[k] = uint16_t(wave[k] + 500);
      dataset(f.id, "raw_waveform", H5T_STD_U16BE, H5T_NATIVE_UINT16, dims2, u, nullptr, chunked);
      break;
    }
    case WaveDtype::Float32:
      dataset(f.id, "raw_waveform", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims2, cast<float>(wave), nullptr, chunked);
      break;
    case WaveDtype::Float64:
      dataset(f.id, "raw_waveform", H5T_IEEE_F64BE, H5T_NATIVE_DOUBLE, dims2, wave, nullptr, chunked);
      break;
  }
  std::vector<int32_t> tp0(n), det(n);
  std::vector<int64_t> run(n);
  std::vector<uint32_t> id(n);
  for (std::size_t i = 0; i < n; ++i) {
    tp0[i] = int32_t(900 + i % 50);
    det[i] = int32_t(i % 5);
    run[i] = int64_t(60000 + i / 100);
    id[i] = uint32_t(i);
  }
  dataset(f.id, "tp0", H5T_STD_I32LE, H5T_NATIVE_INT32, dims1, tp0);
  dataset(f.id, "detector", H5T_STD_I32LE, H5T_NATIVE_INT32, dims1, det);
  dataset(f.id, "run_number", H5T_STD_I64LE, H5T_NATIVE_INT64, dims1, run);
  dataset(f.id, "id", H5T_STD_U32LE, H5T_NATIVE_UINT32, dims1, id);
  if (!with_labels) return;
  std::vector<double> energy(n);
  std::vector<uint8_t> low(n);
  std::vector<int8_t> high(n);
  std::vector<float> dcr(n);
  std::vector<int64_t> lq(n);
  for (std::size_t i = 0; i < n; ++i) {
    energy[i] = expected_energy_kev(i);
    low[i] = i % 10 != 0;
    high[i] = i % 3 != 0;
    dcr[i] = float(i % 4 != 0);
    lq[i] = i % 2;
  }
  dataset(f.id, "energy_label", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims1, energy);
  dataset(f.id, "psd_label_low_avse", H5T_STD_U8LE, H5T_NATIVE_UINT8, dims1, low);
  Id boolean{bool_enum_type(), H5Tclose};
  dataset(f.id, "psd_label_high_avse", boolean.id, boolean.id, dims1, high);
  dataset(f.id, "psd_label_dcr", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims1, dcr);
  dataset(f.id, "psd_label_lq", H5T_STD_I64LE, H5T_NATIVE_INT64, dims1, lq);
}

static hid_t lh5_raw_group(hid_t f, const std::string& channel) {
  Id lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id, 1);
  const std::string path = "/" + channel + "/raw/waveform";
  Id wf{H5Gcreate2(f, path.c_str(), lcpl.id, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  check(wf.id >= 0, "group " + path);
  string_attr(wf.id, "datatype", "struct{t0,dt,values}");
  const hid_t raw = H5Gopen2(f, ("/" + channel + "/raw").c_str(), H5P_DEFAULT);
  string_attr(raw, "datatype", "table{baseline,daqenergy,timestamp,waveform}");
  return raw;
}

static void lh5_per_event(hid_t raw, std::size_t n, double dt, const std::string& units) {
  const std::vector<hsize_t> dims1{n};
  std::vector<float> dts(n, float(dt));
  std::vector<double> t0(n), energy(n), ts(n);
  std::vector<uint16_t> baseline(n);
  for (std::size_t i = 0; i < n; ++i) {
    t0[i] = 1000.0 + double(i);
    energy[i] = expected_energy_kev(i);
    ts[i] = 1.5e9 + 0.25 * double(i);
    baseline[i] = uint16_t(14000 + i % 17);
  }
  Id wf{H5Gopen2(raw, "waveform", H5P_DEFAULT), H5Gclose};
  dataset(wf.id, "dt", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims1, dts, "array<1>{real}");
  { Id d{H5Dopen2(wf.id, "dt", H5P_DEFAULT), H5Dclose}; string_attr(d.id, "units", units); }
  dataset(wf.id, "t0", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims1, t0, "array<1>{real}");
  { Id d{H5Dopen2(wf.id, "t0", H5P_DEFAULT), H5Dclose}; string_attr(d.id, "units", "ns"); }
  dataset(raw, "baseline", H5T_STD_U16LE, H5T_NATIVE_UINT16, dims1, baseline, "array<1>{real}");
  dataset(raw, "daqenergy", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims1, energy, "array<1>{real}");
  dataset(raw, "timestamp", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims1, ts, "array<1>{real}");
}

void write_lh5_fixed(const std::string& path, const std::string& channel, std::size_t n, std::size_t l,
                     double dt, const std::string& units) {
  Id f{create_file(path), H5Fclose};
  Id raw{lh5_raw_group(f.id, channel), H5Gclose};
  Id wf{H5Gopen2(raw.id, "waveform", H5P_DEFAULT), H5Gclose};
  dataset(wf.id, "values", H5T_STD_I16LE, H5T_NATIVE_INT16, {n, l}, cast<int16_t>(waveform_values(n, l)),
          "array_of_equalsized_arrays<1,1>{real}", true);
  lh5_per_event(raw.id, n, dt, units);
}

void write_lh5_variable(const std::string& path, const std::string& channel, const std::vector<std::size_t>& lengths,
                        double dt, const std::string& units) {
  Id f{create_file(path), H5Fclose};
  Id raw{lh5_raw_group(f.id, channel), H5Gclose};
  Id values{H5Gcreate2(raw.id, "waveform/values", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  string_attr(values.id, "datatype", "array<1>{array<1>{real}}");
  std::vector<int16_t> flat;
  std::vector<uint32_t> cumulative;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    for (std::size_t j = 0; j < lengths[i]; ++j) flat.push_back(int16_t(expected_sample(i, j)));
    cumulative.push_back(uint32_t(flat.size()));
  }
  dataset(values.id, "flattened_data", H5T_STD_I16LE, H5T_NATIVE_INT16, {flat.size()}, flat, "array<1>{real}");
  dataset(values.id, "cumulative_length", H5T_STD_U32LE, H5T_NATIVE_UINT32, {cumulative.size()}, cumulative,
          "array<1>{real}");
  lh5_per_event(raw.id, lengths.size(), dt, units);
}

void write_generic(const std::string& path, std::size_t n, std::size_t l) {
  Id f{create_file(path), H5Fclose};
  dataset(f.id, "pulses", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {n, l}, waveform_values(n, l));
  std::vector<int8_t> label(n);
  std::vector<float> amp(n);
  for (std::size_t i = 0; i < n; ++i) {
    label[i] = int8_t(i % 2);
    amp[i] = float(expected_energy_kev(i));
  }
  dataset(f.id, "label", H5T_STD_I8LE, H5T_NATIVE_INT8, {n}, label);
  dataset(f.id, "amplitude", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {n}, amp);
}

void write_no_waveform(const std::string& path) {
  Id f{create_file(path), H5Fclose};
  dataset(f.id, "energy_label", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {3}, std::vector<double>{1, 2, 3});
}

void write_waveform_1d(const std::string& path) {
  Id f{create_file(path), H5Fclose};
  dataset(f.id, "raw_waveform", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {5}, std::vector<float>{1, 2, 3, 4, 5});
}

void write_label_wrong_length(const std::string& path) {
  write_mjd(path, 20, 16);
  Id f{H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
  H5Ldelete(f.id, "psd_label_dcr", H5P_DEFAULT);
  dataset(f.id, "psd_label_dcr", H5T_STD_U8LE, H5T_NATIVE_UINT8, {19}, std::vector<uint8_t>(19, 1));
}

void write_label_string(const std::string& path) {
  write_mjd(path, 20, 16);
  Id f{H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
  H5Ldelete(f.id, "psd_label_lq", H5P_DEFAULT);
  Id type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, 4);
  dataset(f.id, "psd_label_lq", type.id, type.id, {20}, std::vector<char>(80, 'x'));
}

void write_not_hdf5(const std::string& path) {
  std::ofstream(path) << "energy,label\n1,0\n";
}

bool write_fixture(const std::string& kind, const std::string& path) {
  if (kind == "mjd") write_mjd(path, 300, 64);
  else if (kind == "npml") write_mjd(path, 50, 64, WaveDtype::Int16, false);
  else if (kind == "lh5") write_lh5_fixed(path, "ch1027201", 40, 96, 16.0, "ns");
  else if (kind == "lh5-us") write_lh5_fixed(path, "geds", 40, 96, 0.016, "us");
  else if (kind == "lh5-var") write_lh5_variable(path, "ch0", {10, 40, 25, 0, 40, 7}, 16.0, "ns");
  else if (kind == "generic") write_generic(path, 30, 100);
  else if (kind == "no-waveform") write_no_waveform(path);
  else if (kind == "waveform-1d") write_waveform_1d(path);
  else if (kind == "label-length") write_label_wrong_length(path);
  else if (kind == "label-string") write_label_string(path);
  else if (kind == "not-hdf5") write_not_hdf5(path);
  else return false;
  return true;
}

}  // namespace wl::test
