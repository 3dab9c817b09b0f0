#include "h5.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "wavelearn/core/error.hpp"

namespace wl::io::h5 {
using wl::core::InputError;

std::recursive_mutex& mutex() {
  static std::recursive_mutex m;
  return m;
}

void quiet() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    register_filters();
    return true;
  }();
  (void)done;
}

void Handle::reset() {
  if (id_ < 0) return;
  auto guard = lock();  // handles may be destroyed outside any locked entry point
  switch (H5Iget_type(id_)) {
    case H5I_FILE: H5Fclose(id_); break;
    case H5I_GROUP: H5Gclose(id_); break;
    case H5I_DATASET: H5Dclose(id_); break;
    case H5I_DATASPACE: H5Sclose(id_); break;
    case H5I_DATATYPE: H5Tclose(id_); break;
    case H5I_ATTR: H5Aclose(id_); break;
    case H5I_GENPROP_LST: H5Pclose(id_); break;
    default: H5Idec_ref(id_); break;
  }
  id_ = H5I_INVALID_HID;
}

std::string where(const std::string& file, const std::string& dataset) {
  return file + ": dataset '" + dataset + "'";
}

Handle open_file(const std::string& path) {
  quiet();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not an HDF5 file");
  const htri_t is_h5 = H5Fis_hdf5(path.c_str());
  if (is_h5 <= 0) throw InputError(path + ": not an HDF5 file");
  Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f) throw InputError(path + ": cannot open HDF5 file (unreadable or corrupt)");
  return f;
}

bool link_exists(hid_t loc, const std::string& path) {
  if (path.empty()) return false;
  // Check each component so that a missing intermediate group is "absent", not an error.
  std::size_t pos = 0;
  while (true) {
    const std::size_t slash = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && prefix != "/" && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    pos = slash;
  }
  return true;
}

static H5O_type_t object_type(hid_t loc, const std::string& path) {
  if (!link_exists(loc, path)) return H5O_TYPE_UNKNOWN;
  H5O_info_t info;
  if (H5Oget_info_by_name(loc, path.c_str(), &info, H5P_DEFAULT) < 0) return H5O_TYPE_UNKNOWN;
  return info.type;
}

bool is_dataset(hid_t loc, const std::string& path) { return object_type(loc, path) == H5O_TYPE_DATASET; }
bool is_group(hid_t loc, const std::string& path) { return object_type(loc, path) == H5O_TYPE_GROUP; }

Handle open_dataset(hid_t loc, const std::string& path, const std::string& file,
                    const std::string& shown_name, hid_t dapl) {
  if (!is_dataset(loc, path)) {
    throw InputError(where(file, shown_name) + ": not found" +
                     (is_group(loc, path) ? " (it is a group, not a dataset)" : ""));
  }
  Handle d(H5Dopen2(loc, path.c_str(), dapl));
  if (!d) throw InputError(where(file, shown_name) + ": cannot open");
  return d;
}

Handle open_group(hid_t loc, const std::string& path, const std::string& file) {
  if (!is_group(loc, path)) throw InputError(file + ": group '" + path + "' not found");
  Handle g(H5Gopen2(loc, path.c_str(), H5P_DEFAULT));
  if (!g) throw InputError(file + ": cannot open group '" + path + "'");
  return g;
}

std::vector<hsize_t> shape(hid_t dataset) {
  Handle space(H5Dget_space(dataset));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank <= 0) return {};
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  if (dims.size() == 1) s += ",";
  return s + ")";
}

static bool numeric_type(hid_t type) {
  const H5T_class_t c = H5Tget_class(type);
  if (c == H5T_INTEGER || c == H5T_FLOAT) return true;
  if (c == H5T_ENUM) {
    Handle super(H5Tget_super(type));
    return H5Tget_class(super.get()) == H5T_INTEGER;
  }
  return false;
}

bool is_numeric(hid_t dataset) {
  Handle type(H5Dget_type(dataset));
  return numeric_type(type.get());
}

static bool is_bool_enum(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_nmembers(type) != 2) return false;
  char* a = H5Tget_member_name(type, 0);
  char* b = H5Tget_member_name(type, 1);
  const bool yes = a && b && std::string(a) == "FALSE" && std::string(b) == "TRUE";
  H5free_memory(a);
  H5free_memory(b);
  return yes;
}

std::string dtype_name(hid_t type) {
  const std::size_t bits = H5Tget_size(type) * 8;
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return std::string(H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_FLOAT: return "float" + std::to_string(bits);
    case H5T_STRING: return "string";
    case H5T_ENUM: return is_bool_enum(type) ? "bool" : "enum";
    case H5T_COMPOUND: return "compound";
    case H5T_VLEN: return "vlen";
    case H5T_ARRAY: return "array";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_BITFIELD: return "bitfield";
    default: return "unknown";
  }
}

namespace {

// HDF5's two-call name pattern: get(nullptr, 0) gives the length, then the name itself.
// false (name untouched) when the length call fails.
template <class Get>
bool name_by_call(Get get, std::string* name) {
  const ssize_t len = get(nullptr, 0);
  if (len < 0) return false;
  name->assign(static_cast<std::size_t>(len), '\0');
  get(name->data(), name->size() + 1);
  return true;
}

}  // namespace

std::vector<std::string> children(hid_t group) {
  std::vector<std::string> names;
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) return names;
  // Creation order keeps a writer's column order; it fails if the file does not track it.
  H5_index_t index = H5_INDEX_CRT_ORDER;
  if (info.nlinks > 0 && H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, 0, nullptr, 0, H5P_DEFAULT) < 0) {
    index = H5_INDEX_NAME;
  }
  std::string name;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    if (name_by_call([&](char* buf, std::size_t size) {
          return H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, buf, size, H5P_DEFAULT);
        }, &name))
      names.push_back(name);
  }
  return names;
}

bool has_attribute(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

std::string read_string_attribute(hid_t obj, const std::string& name) {
  if (!has_attribute(obj, name)) return {};
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) return {};
  Handle space(H5Aget_space(attr.get()));
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return {};
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* value = nullptr;
    if (H5Aread(attr.get(), mem.get(), &value) < 0 || !value) return {};
    std::string s(value);
    H5free_memory(value);
    return s;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string s(size, '\0');
  if (H5Aread(attr.get(), type.get(), s.data()) < 0) return {};
  s.resize(s.find('\0') == std::string::npos ? size : s.find('\0'));
  while (!s.empty() && s.back() == ' ') s.pop_back();  // space-padded strings
  return s;
}

std::string attribute_text(hid_t obj, const std::string& name) {
  if (!has_attribute(obj, name)) return {};
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) == H5T_STRING) return read_string_attribute(obj, name);
  if (!numeric_type(type.get()) || H5Tget_class(type.get()) == H5T_ENUM) return "<" + dtype_name(type.get()) + ">";
  Handle space(H5Aget_space(attr.get()));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n <= 0) return "[]";
  std::vector<double> values(static_cast<std::size_t>(n));
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, values.data()) < 0) return "<unreadable>";
  const bool integer = H5Tget_class(type.get()) == H5T_INTEGER;
  std::ostringstream out;
  out.precision(10);
  const std::size_t shown = std::min<std::size_t>(values.size(), 8);
  if (values.size() > 1) out << "[";
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out << ", ";
    if (integer) out << static_cast<long long>(values[i]); else out << values[i];
  }
  if (values.size() > shown) out << ", ... (" << values.size() << " values)";
  if (values.size() > 1) out << "]";
  return out.str();
}

std::vector<std::string> attribute_names(hid_t obj) {
  std::vector<std::string> names;
  H5O_info_t info;
  if (H5Oget_info(obj, &info) < 0) return names;
  std::string name;
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    if (name_by_call([&](char* buf, std::size_t size) {
          return H5Aget_name_by_idx(obj, ".", H5_INDEX_NAME, H5_ITER_INC, i, buf, size, H5P_DEFAULT);
        }, &name))
      names.push_back(name);
  }
  return names;
}

bool read_number_attribute(hid_t obj, const std::string& name, double* out) {
  if (!has_attribute(obj, name)) return false;
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attr.get()));
  const H5T_class_t c = H5Tget_class(type.get());
  if (c != H5T_INTEGER && c != H5T_FLOAT) return false;
  Handle space(H5Aget_space(attr.get()));
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return false;
  return H5Aread(attr.get(), H5T_NATIVE_DOUBLE, out) >= 0;
}

static void replace_attribute(hid_t obj, const std::string& name) {
  if (has_attribute(obj, name)) H5Adelete(obj, name.c_str());
}

void write_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  replace_attribute(obj, name);
  // Variable-length UTF-8: h5py reads it back as str, not bytes.
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  const char* p = value.c_str();
  if (!attr || H5Awrite(attr.get(), type.get(), &p) < 0) {
    throw std::runtime_error("cannot write attribute '" + name + "'");
  }
}

template <typename T>
static void write_scalar_attribute(hid_t obj, const std::string& name, hid_t type, T value) {
  replace_attribute(obj, name);
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!attr || H5Awrite(attr.get(), type, &value) < 0) {
    throw std::runtime_error("cannot write attribute '" + name + "'");
  }
}

void write_double_attribute(hid_t obj, const std::string& name, double value) {
  write_scalar_attribute(obj, name, H5T_NATIVE_DOUBLE, value);
}

void write_int_attribute(hid_t obj, const std::string& name, int64_t value) {
  write_scalar_attribute(obj, name, H5T_NATIVE_INT64, value);
}

// Enums (h5py's bool) cannot be converted to numbers by HDF5: read them raw and widen.
static void read_enum_rows(hid_t dataset, hid_t file_type, hid_t file_space, hid_t mem_space,
                           hsize_t count, double* out) {
  Handle mem_type(H5Tget_native_type(file_type, H5T_DIR_ASCEND));
  Handle super(H5Tget_super(mem_type.get()));
  const std::size_t size = H5Tget_size(mem_type.get());
  const bool is_signed = H5Tget_sign(super.get()) != H5T_SGN_NONE;
  std::vector<unsigned char> raw(count * size);
  if (H5Dread(dataset, mem_type.get(), mem_space, file_space, H5P_DEFAULT, raw.data()) < 0) {
    throw std::runtime_error("enum read failed");
  }
  for (hsize_t i = 0; i < count; ++i) {
    const unsigned char* p = raw.data() + i * size;
    int64_t v = 0;
    switch (size) {
      case 1: v = is_signed ? int64_t(*reinterpret_cast<const int8_t*>(p)) : int64_t(*p); break;
      case 2: { int16_t s; uint16_t u; std::memcpy(&s, p, 2); std::memcpy(&u, p, 2); v = is_signed ? s : u; break; }
      case 4: { int32_t s; uint32_t u; std::memcpy(&s, p, 4); std::memcpy(&u, p, 4); v = is_signed ? s : u; break; }
      default: std::memcpy(&v, p, 8); break;
    }
    out[i] = static_cast<double>(v);
  }
}

void read_rows_as_double(hid_t dataset, hsize_t first, hsize_t count, double* out,
                         const std::string& file, const std::string& name) {
  if (count == 0) return;
  Handle type(H5Dget_type(dataset));
  if (!numeric_type(type.get())) {
    throw InputError(where(file, name) + ": has dtype " + dtype_name(type.get()) +
                     ", expected an integer, bool or float field");
  }
  Handle space(H5Dget_space(dataset));
  const hsize_t start[1] = {first}, cnt[1] = {count};
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
  Handle mem(H5Screate_simple(1, cnt, nullptr));
  try {
    if (H5Tget_class(type.get()) == H5T_ENUM) {
      read_enum_rows(dataset, type.get(), space.get(), mem.get(), count, out);
    } else if (H5Dread(dataset, H5T_NATIVE_DOUBLE, mem.get(), space.get(), H5P_DEFAULT, out) < 0) {
      throw std::runtime_error("read failed");
    }
  } catch (const std::runtime_error&) {
    throw InputError(where(file, name) + ": read of rows [" + std::to_string(first) + ", " +
                     std::to_string(first + count) + ") failed (corrupt file?)");
  }
}

}  // namespace wl::io::h5
