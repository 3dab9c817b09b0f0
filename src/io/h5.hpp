#pragma once
// Thin RAII layer over the HDF5 C API, private to the io module. Every failure becomes a
// wl::core::InputError naming the file and dataset; HDF5's own error-stack printing is
// switched off so a user sees exactly one line.
//
// Debian's libhdf5 is built without thread safety: two threads must never be inside the
// library at once. Every public io entry point therefore holds h5_lock() while it talks to
// HDF5, so readers and writers may be used from any thread (calls are serialised).
#include <hdf5.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace wl::io::h5 {

// The process-wide lock around all HDF5 calls (recursive: entry points nest).
std::recursive_mutex& mutex();
using Lock = std::lock_guard<std::recursive_mutex>;
inline Lock lock() { return Lock(mutex()); }

// Silences HDF5's automatic error printing and registers the filters of zstd_filter.cpp
// (idempotent, cheap).
void quiet();
// Registers the Zstandard filter (id 32015) of LEGEND-200 files (zstd_filter.cpp).
void register_filters();

// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  explicit operator bool() const { return valid(); }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// "file: dataset 'name': what" - the one format of every io error message.
std::string where(const std::string& file, const std::string& dataset);

// Opens an existing file read-only; InputError if missing, not HDF5, or unreadable.
Handle open_file(const std::string& path);
bool link_exists(hid_t loc, const std::string& path);
bool is_dataset(hid_t loc, const std::string& path);
bool is_group(hid_t loc, const std::string& path);
// InputError naming file and dataset if absent or not a dataset.
Handle open_dataset(hid_t loc, const std::string& path, const std::string& file,
                    const std::string& shown_name, hid_t dapl = H5P_DEFAULT);
Handle open_group(hid_t loc, const std::string& path, const std::string& file);

std::vector<hsize_t> shape(hid_t dataset);
std::string shape_text(const std::vector<hsize_t>& dims);
// Dataset type class is integer or float (bool from h5py is an int8 enum: accepted too).
bool is_numeric(hid_t dataset);
// A short dtype name: int16, uint8, float32, bool, string, compound, ...
std::string dtype_name(hid_t type);

// Names of the direct children of a group (in creation order if tracked, else by name).
std::vector<std::string> children(hid_t group);

// Reads a string attribute of any string flavour; empty if absent.
std::string read_string_attribute(hid_t obj, const std::string& name);
bool has_attribute(hid_t obj, const std::string& name);
// A numeric or string attribute rendered as text (arrays shown as [a, b, ...]).
std::string attribute_text(hid_t obj, const std::string& name);
std::vector<std::string> attribute_names(hid_t obj);
// A scalar numeric attribute as double; false if absent or not numeric.
bool read_number_attribute(hid_t obj, const std::string& name, double* out);

// Writing helpers.
void write_string_attribute(hid_t obj, const std::string& name, const std::string& value);
void write_double_attribute(hid_t obj, const std::string& name, double value);
void write_int_attribute(hid_t obj, const std::string& name, int64_t value);

// Converts a 1-D (N,) numeric dataset's rows [first, first+count) to double.
void read_rows_as_double(hid_t dataset, hsize_t first, hsize_t count, double* out,
                         const std::string& file, const std::string& name);

}  // namespace wl::io::h5
