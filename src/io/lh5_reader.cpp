// LEGEND LH5: /<channel>/raw/<stream>/{values,dt,t0} plus per-event fields in /<channel>/raw,
// where <stream> is `waveform` or, in LEGEND-200 raw files, `waveform_windowed` and
// `waveform_presummed` (two records of each event at different sampling periods). values is
// (N, L) (array_of_equalsized_arrays), a variable-length array<1>{array<1>{real}} group of
// cumulative_length (N,) + flattened_data (sum of lengths,), or encoded waveforms
// (array_of_encoded_equalsized_arrays, lh5_encoded.hpp).
#include <algorithm>
#include <cstring>
#include <memory>

#include "lh5_encoded.hpp"
#include "reader_base.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::io::detail {
namespace {
using wl::core::InputError;

// Nanoseconds per unit of an LH5 `units` attribute; 0 if unknown.
double ns_per_unit(std::string units) {
  units.erase(std::remove(units.begin(), units.end(), ' '), units.end());
  if (units.empty() || units == "ns" || units == "nanosecond" || units == "nanoseconds") return 1.0;
  if (units == "us" || units == "\xc2\xb5s" || units == "\xce\xbcs" || units == "microsecond" ||
      units == "microseconds")
    return 1e3;
  if (units == "ms" || units == "millisecond" || units == "milliseconds") return 1e6;
  if (units == "s" || units == "second" || units == "seconds") return 1e9;
  if (units == "ps" || units == "picosecond" || units == "picoseconds") return 1e-3;
  return 0.0;
}

class Lh5Reader final : public Hdf5Reader {
 public:
  Lh5Reader(const std::string& path, h5::Handle file, const OpenOptions& options, const std::string& channel,
            const std::string& stream)
      : Hdf5Reader(path, std::move(file), options), stream_(stream), values_name_(stream + "/values") {
    format_ = Format::Lh5;
    base_path_ = "/" + channel + "/raw";
    base_ = h5::open_group(file_.get(), base_path_, path_);
    if (is_encoded_values(base_.get(), values_name_)) {
      encoded_ = std::make_unique<EncodedWaveforms>(base_.get(), values_name_, path_, shown(values_name_),
                                                    chunk_events_);
      n_events_ = encoded_->n_events();
      n_samples_ = encoded_->n_samples();
    } else if (h5::is_group(base_.get(), values_name_)) {
      open_variable();
    } else {
      open_fixed();
    }
    xfer_ = waveform_transfer_plist();
    if (!fields_.sample_period_given) read_sample_period();
    collect_scalar_fields({stream_ + "/dt", stream_ + "/t0"});
    // LH5 has no energy_label: the DAQ energy is the nearest thing for a selection.
    if (fields_.energy == FieldMap{}.energy && !h5::is_dataset(base_.get(), fields_.energy) &&
        h5::is_dataset(base_.get(), "daqenergy")) {
      fields_.energy = "daqenergy";
    }
  }

  std::size_t n_samples() const override { return n_samples_; }

  void read_window(std::size_t first, std::size_t count, std::size_t sample_begin, std::size_t n,
                   float* out) override {
    auto lock = h5::lock();
    check_window(shown(values_name_), first, count, sample_begin, n);
    if (count == 0 || n == 0) return;
    if (encoded_) {
      encoded_->read_window(first, count, sample_begin, n, out);
      return;
    }
    if (variable_) {
      read_variable(first, count, sample_begin, n, out);
      return;
    }
    const hsize_t start[2] = {first, sample_begin};
    const hsize_t cnt[2] = {count, n};
    H5Sselect_hyperslab(space_.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
    h5::Handle mem(H5Screate_simple(2, cnt, nullptr));
    if (H5Dread(waveform_.for_rows(count), H5T_NATIVE_FLOAT, mem.get(), space_.get(), xfer_.get(), out) < 0) {
      throw InputError(h5::where(path_, shown(values_name_)) + ": read of events [" +
                       std::to_string(first) + ", " + std::to_string(first + count) + ") failed");
    }
  }

 private:
  void open_fixed() {
    waveform_ = open_waveform(base_.get(), values_name_, path_, shown(values_name_));
    values_ = waveform_.streaming.get();
    const auto dims = h5::shape(values_);
    if (dims.size() != 2) {
      throw InputError(h5::where(path_, shown(values_name_)) + ": has shape " + h5::shape_text(dims) +
                       ", expected (N events, L samples) or a variable-length group");
    }
    check_numeric(values_, values_name_);
    n_events_ = dims[0];
    n_samples_ = dims[1];
    space_ = h5::Handle(H5Dget_space(values_));
  }

  void check_numeric(hid_t d, const std::string& name) const {
    h5::Handle type(H5Dget_type(d));
    const H5T_class_t cls = H5Tget_class(type.get());
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) {
      throw InputError(h5::where(path_, shown(name)) + ": has dtype " + h5::dtype_name(type.get()) +
                       ", waveform samples must be integer or float");
    }
  }

  void open_variable() {
    variable_ = true;
    const std::string cl_name = values_name_ + "/cumulative_length";
    const std::string fd_name = values_name_ + "/flattened_data";
    h5::Handle cl = h5::open_dataset(base_.get(), cl_name, path_, shown(cl_name));
    waveform_ = open_waveform(base_.get(), fd_name, path_, shown(fd_name));
    values_ = waveform_.streaming.get();
    const auto cl_dims = h5::shape(cl.get());
    const auto fd_dims = h5::shape(values_);
    if (cl_dims.size() != 1) {
      throw InputError(h5::where(path_, shown(cl_name)) + ": has shape " + h5::shape_text(cl_dims) + ", expected (N,)");
    }
    if (fd_dims.size() != 1) {
      throw InputError(h5::where(path_, shown(fd_name)) + ": has shape " + h5::shape_text(fd_dims) + ", expected (M,)");
    }
    check_numeric(values_, fd_name);
    n_events_ = cl_dims[0];
    // Record ends for every event: 8 bytes per event, the index that bounds each read.
    ends_.resize(n_events_);
    if (n_events_ > 0 &&
        H5Dread(cl.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ends_.data()) < 0) {
      throw InputError(h5::where(path_, shown(cl_name)) + ": cannot be read as event offsets");
    }
    uint64_t prev = 0;
    for (std::size_t i = 0; i < n_events_; ++i) {
      if (ends_[i] < prev || ends_[i] > fd_dims[0]) {
        throw InputError(h5::where(path_, shown(cl_name)) + ": event " + std::to_string(i) +
                         " ends at " + std::to_string(ends_[i]) + ", not increasing within the " +
                         std::to_string(fd_dims[0]) + " flattened samples");
      }
      n_samples_ = std::max<std::size_t>(n_samples_, ends_[i] - prev);
      prev = ends_[i];
    }
    space_ = h5::Handle(H5Dget_space(values_));
  }

  uint64_t begin_of(std::size_t event) const { return event == 0 ? 0 : ends_[event - 1]; }

  // Reads the flattened span of a batch of events and copies each record's window, padding
  // records shorter than the window with their last sample.
  void read_variable(std::size_t first, std::size_t count, std::size_t sample_begin, std::size_t n,
                     float* out) {
    const std::size_t budget = std::max<std::size_t>(chunk_events_ * n_samples_, n_samples_);
    std::size_t e = first;
    const std::size_t end = first + count;
    while (e < end) {
      std::size_t stop = e + 1;
      while (stop < end && ends_[stop] - begin_of(e) <= budget) ++stop;
      const uint64_t lo = begin_of(e), hi = ends_[stop - 1];
      span_.resize(static_cast<std::size_t>(hi - lo));
      if (hi > lo) {
        const hsize_t start[1] = {lo}, cnt[1] = {hi - lo};
        H5Sselect_hyperslab(space_.get(), H5S_SELECT_SET, start, nullptr, cnt, nullptr);
        h5::Handle mem(H5Screate_simple(1, cnt, nullptr));
        if (H5Dread(waveform_.for_rows(static_cast<std::size_t>(hi - lo)), H5T_NATIVE_FLOAT, mem.get(), space_.get(), xfer_.get(), span_.data()) < 0) {
          throw InputError(h5::where(path_, shown(values_name_ + "/flattened_data")) + ": read of events [" +
                           std::to_string(e) + ", " + std::to_string(stop) + ") failed");
        }
      }
      for (std::size_t k = e; k < stop; ++k) {
        const float* rec = span_.data() + (begin_of(k) - lo);
        const std::size_t len = static_cast<std::size_t>(ends_[k] - begin_of(k));
        float* dst = out + (k - first) * n;
        const std::size_t have = sample_begin < len ? std::min(n, len - sample_begin) : 0;
        if (have) std::memcpy(dst, rec + sample_begin, have * sizeof(float));
        const float pad = len ? rec[len - 1] : 0.0f;
        std::fill(dst + have, dst + n, pad);
      }
      e = stop;
    }
  }

  void read_sample_period() {
    const std::string dt_name = stream_ + "/dt";
    if (!h5::is_dataset(base_.get(), dt_name) || n_events_ == 0) return;
    h5::Handle dt = h5::open_dataset(base_.get(), dt_name, path_, shown(dt_name));
    const auto dims = h5::shape(dt.get());
    if (dims.size() != 1 || dims[0] != n_events_) {
      throw InputError(h5::where(path_, shown(dt_name)) + ": has shape " + h5::shape_text(dims) +
                       ", expected (" + std::to_string(n_events_) + ",)");
    }
    double value = 0;
    h5::read_rows_as_double(dt.get(), 0, 1, &value, path_, shown(dt_name));
    const std::string units = h5::read_string_attribute(dt.get(), "units");
    const double scale = ns_per_unit(units);
    if (scale == 0.0) {
      throw InputError(h5::where(path_, shown(dt_name)) + ": unknown units '" + units + "'");
    }
    if (!(value > 0)) {
      throw InputError(h5::where(path_, shown(dt_name)) + ": sample period " + std::to_string(value) +
                       " is not positive");
    }
    sample_period_ns_ = value * scale;
  }

  std::string stream_, values_name_;  // "waveform_windowed", "waveform_windowed/values"
  std::unique_ptr<EncodedWaveforms> encoded_;
  bool variable_ = false;
  WaveformDataset waveform_;
  hid_t values_ = H5I_INVALID_HID;  // waveform_.streaming
  h5::Handle space_, xfer_;
  std::size_t n_samples_ = 0;
  std::vector<uint64_t> ends_;  // variable length: cumulative_length
  std::vector<float> span_;     // variable length: reused read buffer (one batch)
};

}  // namespace

std::string lh5_stream_name(const std::string& wanted) {
  if (wanted == "windowed" || wanted == "presummed") return "waveform_" + wanted;
  return wanted;
}

std::vector<std::string> lh5_streams(hid_t file, const std::string& channel) {
  const std::string raw = "/" + channel + "/raw";
  if (!h5::is_group(file, raw)) return {};
  h5::Handle group(H5Gopen2(file, raw.c_str(), H5P_DEFAULT));
  std::vector<std::string> names;
  for (const auto& name : h5::children(group.get())) {
    if (name.rfind("waveform", 0) == 0 && h5::is_group(group.get(), name) && h5::link_exists(group.get(), name + "/values"))
      names.push_back(name);
  }
  // The default stream comes first: the classic `waveform`, else the full-rate windowed one.
  auto rank = [](const std::string& n) { return n == "waveform" ? 0 : n == "waveform_windowed" ? 1 : 2; };
  std::stable_sort(names.begin(), names.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return names;
}

std::string find_lh5_channel(hid_t file, const std::string& wanted, const std::string& stream) {
  const std::string name = lh5_stream_name(stream);
  auto has_stream = [&](const std::string& g) {
    const auto streams = lh5_streams(file, g);
    return name.empty() ? !streams.empty() : std::find(streams.begin(), streams.end(), name) != streams.end();
  };
  if (!wanted.empty()) return has_stream(wanted) ? wanted : std::string();
  for (const auto& g : h5::children(file)) {
    if (has_stream(g)) return g;
  }
  return {};
}

std::unique_ptr<WaveformReader> open_lh5(const std::string& path, h5::Handle file, const OpenOptions& options,
                                         const std::string& channel) {
  const auto streams = lh5_streams(file.get(), channel);
  std::string stream = lh5_stream_name(options.lh5_stream);
  if (stream.empty() && !streams.empty()) stream = streams.front();
  if (std::find(streams.begin(), streams.end(), stream) == streams.end()) {
    std::string known;
    for (const auto& s : streams) known += (known.empty() ? "" : ", ") + s;
    throw InputError(path + ": LH5 channel '" + channel + "' has no waveform stream '" + options.lh5_stream +
                     "' (streams: " + (known.empty() ? "none" : known) + ")");
  }
  return std::make_unique<Lh5Reader>(path, std::move(file), options, channel, stream);
}

}  // namespace wl::io::detail
