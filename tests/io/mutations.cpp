#include "mutations.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>

namespace wl::test {
namespace {

namespace fs = std::filesystem;

struct Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Id() {
    if (id >= 0) close(id);
  }
};

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("mutation: " + what);
}

std::vector<hsize_t> dims_of(hid_t d) {
  Id space{H5Dget_space(d), H5Sclose};
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.id)));
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  return dims;
}

std::vector<double> read_column(hid_t f, const char* name) {
  Id d{H5Dopen2(f, name, H5P_DEFAULT), H5Dclose};
  check(d.id >= 0, std::string("open ") + name);
  std::vector<double> v(dims_of(d.id)[0]);
  check(H5Dread(d.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0, name);
  return v;
}

// Rewrites a per-event dataset as float64 holding `values`.
void replace_column(hid_t f, const char* name, const std::vector<double>& values) {
  H5Ldelete(f, name, H5P_DEFAULT);
  const hsize_t n = values.size();
  Id space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  Id d{H5Dcreate2(f, name, H5T_IEEE_F64LE, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  check(d.id >= 0 && H5Dwrite(d.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0, name);
}

// The five highest-energy events: above any energy threshold, and spread over the
// train/validation/test parts of a split.
std::vector<std::size_t> highest_energy_events(hid_t f) {
  const auto e = read_column(f, "energy_label");
  std::vector<std::size_t> order(e.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const std::size_t k = std::min<std::size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::size_t a, std::size_t b) { return e[a] > e[b]; });
  order.resize(k);
  return order;
}

void set_waveform_row(hid_t f, std::size_t event, float value) {
  Id d{H5Dopen2(f, "raw_waveform", H5P_DEFAULT), H5Dclose};
  const auto dims = dims_of(d.id);
  std::vector<float> row(dims[1], value);
  Id file_space{H5Dget_space(d.id), H5Sclose};
  const hsize_t start[2] = {event, 0}, count[2] = {1, dims[1]};
  H5Sselect_hyperslab(file_space.id, H5S_SELECT_SET, start, nullptr, count, nullptr);
  Id mem{H5Screate_simple(2, count, nullptr), H5Sclose};
  check(H5Dwrite(d.id, H5T_NATIVE_FLOAT, mem.id, file_space.id, H5P_DEFAULT, row.data()) >= 0, "waveform row");
}

void zero_all_waveforms(hid_t f) {
  Id d{H5Dopen2(f, "raw_waveform", H5P_DEFAULT), H5Dclose};
  const auto dims = dims_of(d.id);
  std::vector<float> zeros(dims[0] * dims[1], 0.0f);
  check(H5Dwrite(d.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data()) >= 0, "zero waveforms");
}

void set_label(hid_t f, double value) {
  auto v = read_column(f, "psd_label_low_avse");
  for (const auto event : highest_energy_events(f)) v[event] = value;
  replace_column(f, "psd_label_low_avse", v);
}

template <typename T>
void root_attribute(hid_t f, hid_t type, const T* value) {
  if (H5Aexists(f, "sample_period_ns") > 0) H5Adelete(f, "sample_period_ns");
  Id space{H5Screate(H5S_SCALAR), H5Sclose};
  Id a{H5Acreate2(f, "sample_period_ns", type, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  check(a.id >= 0 && H5Awrite(a.id, type, value) >= 0, "sample_period_ns");
}

void replace_waveform(hid_t f, bool as_string) {
  const hsize_t n = dims_of(Id{H5Dopen2(f, "raw_waveform", H5P_DEFAULT), H5Dclose}.id)[0];
  H5Ldelete(f, "raw_waveform", H5P_DEFAULT);
  if (as_string) {
    Id type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, 4);
    Id space{H5Screate_simple(1, &n, nullptr), H5Sclose};
    Id d{H5Dcreate2(f, "raw_waveform", type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
    check(d.id >= 0, "string waveform");
    return;
  }
  const hsize_t dims[3] = {n, 2, 2};
  Id space{H5Screate_simple(3, dims, nullptr), H5Sclose};
  Id d{H5Dcreate2(f, "raw_waveform", H5T_IEEE_F32LE, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  check(d.id >= 0, "3-d waveform");
}

// Every dataset recreated with 0 rows (same dtype, same trailing dimensions).
void zero_rows(hid_t f) {
  std::vector<std::string> names;
  H5Literate(f, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr,
             [](hid_t, const char* name, const H5L_info_t*, void* out) -> herr_t {
               static_cast<std::vector<std::string>*>(out)->push_back(name);
               return 0;
             }, &names);
  for (const auto& name : names) {
    Id d{H5Dopen2(f, name.c_str(), H5P_DEFAULT), H5Dclose};
    if (d.id < 0) continue;
    auto dims = dims_of(d.id);
    Id type{H5Dget_type(d.id), H5Tclose};
    dims[0] = 0;
    H5Ldelete(f, name.c_str(), H5P_DEFAULT);
    Id space{H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose};
    Id e{H5Dcreate2(f, name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  }
}

// psd_label_dcr replaced by a group of the same name (readers must not skip it silently).
void label_as_group(hid_t f) {
  H5Ldelete(f, "psd_label_dcr", H5P_DEFAULT);
  Id g{H5Gcreate2(f, "psd_label_dcr", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  check(g.id >= 0, "label group");
}

// raw_waveform recreated with 0 rows; every other dataset keeps its N rows.
void zero_waveform_rows(hid_t f) {
  auto dims = dims_of(Id{H5Dopen2(f, "raw_waveform", H5P_DEFAULT), H5Dclose}.id);
  H5Ldelete(f, "raw_waveform", H5P_DEFAULT);
  dims[0] = 0;
  Id space{H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose};
  Id d{H5Dcreate2(f, "raw_waveform", H5T_IEEE_F32LE, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  check(d.id >= 0, "0-row waveform");
}

void mutate(const std::string& kind, hid_t f) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (kind == "nan-waveform") {
    for (const auto event : highest_energy_events(f)) set_waveform_row(f, event, std::nanf(""));
  } else if (kind == "inf-waveform") {
    for (const auto event : highest_energy_events(f)) set_waveform_row(f, event, INFINITY);
  }
  else if (kind == "label-7") set_label(f, 7.0);
  else if (kind == "label-half") set_label(f, 0.5);
  else if (kind == "label-nan") set_label(f, nan);
  else if (kind == "energy-nan") {
    auto e = read_column(f, "energy_label");
    for (const auto event : highest_energy_events(f)) e[event] = nan;
    replace_column(f, "energy_label", e);
  } else if (kind == "energy-inf") {
    auto e = read_column(f, "energy_label");
    for (const auto event : highest_energy_events(f)) e[event] = INFINITY;
    replace_column(f, "energy_label", e);
  } else if (kind == "id-nan" || kind == "id-half" || kind == "detector-huge") {
    const char* name = kind == "detector-huge" ? "detector" : "id";
    auto v = read_column(f, name);
    const auto events = highest_energy_events(f);
    v[events[0]] = kind == "id-nan" ? nan : kind == "id-half" ? v[events[0]] + 0.5 : 1e12;
    replace_column(f, name, v);
  } else if (kind == "dt-zero") { const double v = 0; root_attribute(f, H5T_NATIVE_DOUBLE, &v); }
  else if (kind == "dt-negative") { const double v = -5; root_attribute(f, H5T_NATIVE_DOUBLE, &v); }
  else if (kind == "dt-4") { const double v = 4; root_attribute(f, H5T_NATIVE_DOUBLE, &v); }
  else if (kind == "dt-text") {
    Id type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, 3);
    root_attribute(f, type.id, "ten");
  } else if (kind == "waveform-3d") replace_waveform(f, false);
  else if (kind == "waveform-string") replace_waveform(f, true);
  else if (kind == "zero-events") zero_rows(f);
  else if (kind == "all-zero") zero_all_waveforms(f);
  else if (kind == "label-group") label_as_group(f);
  else if (kind == "zero-waveforms") zero_waveform_rows(f);
}

}  // namespace

const std::vector<std::string>& mutation_kinds() {
  static const std::vector<std::string> kinds = {
      "nan-waveform", "inf-waveform", "label-7",     "label-half",  "label-nan",       "energy-nan", "energy-inf", "id-nan", "id-half", "detector-huge", "dt-zero",
      "dt-negative",  "dt-4",  "dt-text",      "truncated",   "waveform-3d", "waveform-string", "zero-events", "all-zero",
      "label-group",  "zero-waveforms"};
  return kinds;
}

bool write_mutation(const std::string& kind, const std::string& base, const std::string& out) {
  bool known = false;
  for (const auto& k : mutation_kinds()) known = known || k == kind;
  if (!known) return false;
  fs::copy_file(base, out, fs::copy_options::overwrite_existing);
  if (kind == "truncated") {
    fs::resize_file(out, fs::file_size(out) / 2);
    return true;
  }
  Id f{H5Fopen(out.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
  check(f.id >= 0, "open " + out);
  mutate(kind, f.id);
  return true;
}

}  // namespace wl::test
