// The MJD release layout (and any flat/grouped file named by a FieldMap): one (N, L)
// waveform dataset plus (N,) per-event datasets beside it.
#include <cmath>

#include "direct_rows.hpp"
#include "reader_base.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::io::detail {
namespace {
using wl::core::InputError;

class FlatReader final : public Hdf5Reader {
 public:
  FlatReader(const std::string& path, h5::Handle file, const OpenOptions& options, Format format)
      : Hdf5Reader(path, std::move(file), options) {
    format_ = format;
    const std::string& wf = fields_.waveform;
    if (wf.empty()) throw InputError(path_ + ": no waveform dataset name given");
    // The per-event fields live in the waveform's group.
    std::string rel = wf;
    while (!rel.empty() && rel.front() == '/') rel.erase(rel.begin());
    const std::size_t slash = rel.rfind('/');
    const std::string group = slash == std::string::npos ? "/" : "/" + rel.substr(0, slash);
    wave_name_ = slash == std::string::npos ? rel : rel.substr(slash + 1);
    if (group != "/" && !h5::is_group(file_.get(), group)) {
      throw InputError(h5::where(path_, wf) + ": not found (no group '" + group + "')");
    }
    base_ = h5::Handle(H5Gopen2(file_.get(), group.c_str(), H5P_DEFAULT));
    base_path_ = group == "/" ? "" : group;

    waveform_ = open_waveform(base_.get(), wave_name_, path_, shown(wave_name_));
    const hid_t wave = waveform_.streaming.get();
    const auto dims = h5::shape(wave);
    if (dims.size() != 2) {
      throw InputError(h5::where(path_, shown(wave_name_)) + ": has shape " + h5::shape_text(dims) +
                       ", a waveform dataset must be (N events, L samples)");
    }
    h5::Handle type(H5Dget_type(wave));
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
      throw InputError(h5::where(path_, shown(wave_name_)) + ": has dtype " + h5::dtype_name(type.get()) +
                       ", a waveform must be integer or float");
    }
    n_events_ = dims[0];
    n_samples_ = dims[1];
    space_ = h5::Handle(H5Dget_space(wave));
    xfer_ = waveform_transfer_plist();
    if (!fields_.sample_period_given) read_sample_period(wave);
    collect_scalar_fields();
    check_field_map();
    direct_.init(path_, wave, n_events_, n_samples_);
  }

  std::size_t n_samples() const override { return n_samples_; }

  // A file may record its sampling period (the simulator does); the MJD release does not.
  // A recorded period that is not a positive number is an error, never replaced by 10 ns.
  void read_sample_period(hid_t wave) {
    const char* name = "sample_period_ns";
    for (hid_t obj : {wave, file_.get()}) {
      if (!h5::has_attribute(obj, name)) continue;
      double dt = 0;
      const bool number = h5::read_number_attribute(obj, name, &dt);
      if (!number || !(dt > 0) || !std::isfinite(dt)) {
        const std::string text = h5::attribute_text(obj, name);
        const std::string shown_value = number ? text : "'" + text + "'";
        throw InputError(path_ + ": attribute " + name + " of " + (obj == wave ? shown(wave_name_) : "/") +
                         " is " + shown_value + ", not a positive number of ns; give the period with --dt-ns "
                         "(or data.sample_period_ns) to override it");
      }
      sample_period_ns_ = dt;
      return;
    }
  }

  void read_window(std::size_t first, std::size_t count, std::size_t sample_begin, std::size_t n,
                   float* out) override {
    auto lock = h5::lock();
    check_window(shown(wave_name_), first, count, sample_begin, n);
    if (count == 0 || n == 0) return;
    const hsize_t start[2] = {first, sample_begin};
    const hsize_t cnt[2] = {count, n};
    H5Sselect_hyperslab(space_.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
    h5::Handle mem(H5Screate_simple(2, cnt, nullptr));
    if (H5Dread(waveform_.for_rows(count), H5T_NATIVE_FLOAT, mem.get(), space_.get(), xfer_.get(), out) < 0) {
      throw InputError(h5::where(path_, shown(wave_name_)) + ": read of events [" + std::to_string(first) +
                       ", " + std::to_string(first + count) + ") failed (corrupt or truncated file?)");
    }
  }

  const float* view_rows(std::size_t first, std::size_t count, std::size_t* viewed) override {
    auto lock = h5::lock();
    check_window(shown(wave_name_), first, count, 0, n_samples_);
    return direct_.view(first, count, viewed);
  }

  void read_sorted_events(const std::size_t* events, std::size_t count, std::size_t sample_begin, std::size_t n,
                          float* out) override {
    auto lock = h5::lock();
    for (std::size_t k = 0; k < count; ++k) check_window(shown(wave_name_), events[k], 1, sample_begin, n);
    if (direct_.read(events, count, sample_begin, n, out)) return;
    WaveformReader::read_sorted_events(events, count, sample_begin, n, out);
  }

 private:
  std::string wave_name_;
  WaveformDataset waveform_;
  h5::Handle space_, xfer_;
  DirectRows direct_;  // declared after waveform_: destroyed before the dataset it borrows
  std::size_t n_samples_ = 0;
};

}  // namespace

std::unique_ptr<WaveformReader> open_flat(const std::string& path, h5::Handle file,
                                          const OpenOptions& options, Format format) {
  return std::make_unique<FlatReader>(path, std::move(file), options, format);
}

}  // namespace wl::io::detail
