// Writes the MJD release layout to a temporary file beside the target; commit() renames.
#include "wavelearn/io/mjd_writer.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include "h5.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::io {
using wl::core::InputError;

namespace fs = std::filesystem;

struct MjdWriter::Impl {
  std::string path;
  fs::path tmp;
  std::size_t n_events = 0, n_samples = 0;
  MjdWriterOptions options;
  h5::Handle file, waveform, space;
  std::set<std::string> written;
  bool committed = false;

  void close() {
    waveform.reset();
    space.reset();
    file.reset();
  }

  void require_open() const {
    if (!file) throw std::logic_error(path + ": MjdWriter used after commit()");
  }

  template <typename T>
  void field(const std::string& name, const std::vector<T>& values, hid_t mem_type, hid_t file_type) {
    auto lock = h5::lock();
    require_open();
    if (name.empty() || name.find('/') != std::string::npos || name == "raw_waveform") {
      throw InputError(path + ": invalid field name '" + name + "'");
    }
    if (values.size() != n_events) {
      throw InputError(h5::where(path, name) + ": " + std::to_string(values.size()) + " values for " +
                       std::to_string(n_events) + " events");
    }
    if (!written.insert(name).second) throw InputError(h5::where(path, name) + ": written twice");
    const hsize_t dims[1] = {n_events};
    h5::Handle fspace(H5Screate_simple(1, dims, nullptr));
    h5::Handle d(H5Dcreate2(file.get(), name.c_str(), file_type, fspace.get(), H5P_DEFAULT, H5P_DEFAULT,
                            H5P_DEFAULT));
    if (!d || (n_events > 0 && H5Dwrite(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)) {
      throw std::runtime_error(h5::where(tmp.string(), name) + ": write failed (disk full?)");
    }
  }
};

MjdWriter::MjdWriter(const std::string& path, std::size_t n_events, std::size_t n_samples,
                     const MjdWriterOptions& options)
    : impl_(std::make_unique<Impl>()) {
  auto lock = h5::lock();
  h5::quiet();
  Impl& m = *impl_;
  m.path = path;
  m.n_events = n_events;
  m.n_samples = n_samples;
  m.options = options;
  wl::core::check_output_file(path, options.force);
  const fs::path target(path);
  m.tmp = wl::core::temp_path_for(target);
  m.file = h5::Handle(H5Fcreate(m.tmp.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT));
  if (!m.file) throw InputError(path + ": cannot create the output (directory not writable?)");

  const hsize_t dims[2] = {n_events, n_samples};
  m.space = h5::Handle(H5Screate_simple(2, dims, nullptr));
  h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (n_events > 0 && n_samples > 0) {
    // Chunks of whole rows: a window read touches each chunk once.
    const hsize_t chunk[2] = {std::clamp<hsize_t>(options.chunk_events, 1, n_events), n_samples};
    H5Pset_chunk(dcpl.get(), 2, chunk);
    if (options.gzip_level > 0) {
      H5Pset_shuffle(dcpl.get());
      H5Pset_deflate(dcpl.get(), static_cast<unsigned>(std::min(options.gzip_level, 9)));
    }
  }
  m.waveform = h5::Handle(H5Dcreate2(m.file.get(), "raw_waveform", H5T_IEEE_F32LE, m.space.get(), H5P_DEFAULT,
                                     dcpl.get(), H5P_DEFAULT));
  if (!m.waveform) {
    m.close();
    fs::remove(m.tmp);
    throw std::runtime_error(h5::where(path, "raw_waveform") + ": cannot create dataset");
  }
}

MjdWriter::~MjdWriter() {
  if (!impl_ || impl_->committed) return;
  auto lock = h5::lock();
  impl_->close();
  std::error_code ec;
  fs::remove(impl_->tmp, ec);
}

void MjdWriter::write_waveforms(std::size_t first_event, std::size_t count, const float* data) {
  auto lock = h5::lock();
  Impl& m = *impl_;
  m.require_open();
  if (first_event > m.n_events || count > m.n_events - first_event) {
    throw InputError(h5::where(m.path, "raw_waveform") + ": rows [" + std::to_string(first_event) + ", " +
                     std::to_string(first_event + count) + ") outside the " + std::to_string(m.n_events) +
                     " events");
  }
  if (count == 0 || m.n_samples == 0) return;
  const hsize_t start[2] = {first_event, 0};
  const hsize_t cnt[2] = {count, m.n_samples};
  H5Sselect_hyperslab(m.space.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
  h5::Handle mem(H5Screate_simple(2, cnt, nullptr));
  if (H5Dwrite(m.waveform.get(), H5T_NATIVE_FLOAT, mem.get(), m.space.get(), H5P_DEFAULT, data) < 0) {
    throw std::runtime_error(h5::where(m.tmp.string(), "raw_waveform") + ": write failed (disk full?)");
  }
}

void MjdWriter::write_field(const std::string& name, const std::vector<float>& values) {
  impl_->field(name, values, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE);
}
void MjdWriter::write_field(const std::string& name, const std::vector<double>& values) {
  impl_->field(name, values, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
}
void MjdWriter::write_field(const std::string& name, const std::vector<int32_t>& values) {
  impl_->field(name, values, H5T_NATIVE_INT32, H5T_STD_I32LE);
}
void MjdWriter::write_field(const std::string& name, const std::vector<int64_t>& values) {
  impl_->field(name, values, H5T_NATIVE_INT64, H5T_STD_I64LE);
}
void MjdWriter::write_field(const std::string& name, const std::vector<uint8_t>& values) {
  impl_->field(name, values, H5T_NATIVE_UINT8, H5T_STD_U8LE);
}

void MjdWriter::set_attribute(const std::string& name, const std::string& value) {
  auto lock = h5::lock();
  impl_->require_open();
  h5::write_string_attribute(impl_->file.get(), name, value);
}
void MjdWriter::set_attribute(const std::string& name, double value) {
  auto lock = h5::lock();
  impl_->require_open();
  h5::write_double_attribute(impl_->file.get(), name, value);
}
void MjdWriter::set_attribute(const std::string& name, int64_t value) {
  auto lock = h5::lock();
  impl_->require_open();
  h5::write_int_attribute(impl_->file.get(), name, value);
}

void MjdWriter::commit() {
  auto lock = h5::lock();
  Impl& m = *impl_;
  m.require_open();
  const herr_t flushed = H5Fflush(m.file.get(), H5F_SCOPE_GLOBAL);
  m.close();
  if (flushed < 0) throw std::runtime_error(m.tmp.string() + ": flush failed (disk full?)");
  wl::core::refuse_overwrite(m.path, m.options.force);  // the target may have appeared meanwhile
  fs::rename(m.tmp, m.path);
  m.committed = true;
}

}  // namespace wl::io
