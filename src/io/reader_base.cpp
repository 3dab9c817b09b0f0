#include "reader_base.hpp"

#include "wavelearn/core/error.hpp"

namespace wl::io::detail {
using wl::core::InputError;

Hdf5Reader::Hdf5Reader(const std::string& path, h5::Handle file, const OpenOptions& options)
    : path_(path), file_(std::move(file)), fields_(options.fields),
      chunk_events_(options.chunk_events == 0 ? 1 : options.chunk_events),
      sample_period_ns_(options.fields.sample_period_ns) {}

std::string Hdf5Reader::shown(const std::string& name) const {
  return base_path_.empty() ? name : base_path_ + "/" + name;
}

void Hdf5Reader::collect_scalar_fields(const std::vector<std::string>& extra) {
  std::vector<std::string> candidates = h5::children(base_.get());
  candidates.insert(candidates.end(), extra.begin(), extra.end());
  for (const auto& name : candidates) {
    if (!h5::is_dataset(base_.get(), name)) continue;
    h5::Handle d(H5Dopen2(base_.get(), name.c_str(), H5P_DEFAULT));
    if (!d || !h5::is_numeric(d.get())) continue;
    const auto dims = h5::shape(d.get());
    if (dims.size() == 1 && dims[0] == n_events_) scalar_fields_.push_back(name);
  }
}

void Hdf5Reader::check_per_event_shape(hid_t dataset, const std::string& name) const {
  const auto dims = h5::shape(dataset);
  if (dims.size() == 1 && dims[0] == n_events_) return;
  const std::string n = std::to_string(n_events_);
  throw InputError(h5::where(path_, shown(name)) + ": has shape " + h5::shape_text(dims) + ", expected (" + n +
                   ",) like the waveforms ('" + fields_.waveform + "' holds " + n + " events)");
}

// The fields are optional (a prediction-only file has no labels), so absent ones are skipped;
// one that is present but unusable would be skipped too, or, beside 0 waveforms, never read:
// a group where a dataset belongs, or a length other than the waveforms', is refused here.
void Hdf5Reader::check_field_map() const {
  std::vector<std::string> names = {fields_.energy, fields_.tp0, fields_.id, fields_.detector, fields_.run};
  names.insert(names.end(), fields_.labels.begin(), fields_.labels.end());
  for (const auto& name : names) {
    if (name.empty()) continue;
    if (h5::is_group(base_.get(), name))
      throw InputError(h5::where(path_, shown(name)) + ": is a group, not a dataset (a per-event field must be " +
                       "an (N,) dataset beside the waveforms)");
    if (!h5::is_dataset(base_.get(), name)) continue;
    h5::Handle d(H5Dopen2(base_.get(), name.c_str(), H5P_DEFAULT));
    if (d) check_per_event_shape(d.get(), name);
  }
}

bool Hdf5Reader::has_field(const std::string& name) const {
  auto lock = h5::lock();
  return !name.empty() && h5::is_dataset(base_.get(), name);
}

std::vector<double> Hdf5Reader::read_scalar(const std::string& name, std::size_t first,
                                            std::size_t count) {
  auto lock = h5::lock();
  if (name.empty()) throw InputError(path_ + ": empty field name");
  h5::Handle d = h5::open_dataset(base_.get(), name, path_, shown(name));
  check_per_event_shape(d.get(), name);
  if (first > n_events_) {
    throw InputError(h5::where(path_, shown(name)) + ": first event " + std::to_string(first) +
                     " beyond the " + std::to_string(n_events_) + " events");
  }
  if (count == kAll) count = n_events_ - first;
  if (count > n_events_ - first) {
    throw InputError(h5::where(path_, shown(name)) + ": events [" + std::to_string(first) + ", " +
                     std::to_string(first + count) + ") outside the " + std::to_string(n_events_) +
                     " events");
  }
  std::vector<double> values(count);
  h5::read_rows_as_double(d.get(), first, count, values.data(), path_, shown(name));
  return values;
}

void Hdf5Reader::check_window(const std::string& dataset, std::size_t first, std::size_t count,
                              std::size_t sample_begin, std::size_t n) const {
  if (first > n_events_ || count > n_events_ - first) {
    throw InputError(h5::where(path_, dataset) + ": events [" + std::to_string(first) + ", " +
                     std::to_string(first + count) + ") outside the " + std::to_string(n_events_) +
                     " events");
  }
  const std::size_t length = n_samples();
  if (sample_begin > length || n > length - sample_begin) {
    throw InputError(h5::where(path_, dataset) + ": window [" + std::to_string(sample_begin) + ", " +
                     std::to_string(sample_begin + n) + ") outside the " + std::to_string(length) +
                     "-sample waveforms");
  }
}

WaveformDataset open_waveform(hid_t loc, const std::string& name, const std::string& file,
                              const std::string& shown_name) {
  WaveformDataset w;
  // No chunk cache: HDF5 copies only the selected window bytes into the caller's buffer
  // (1.4-2.4 GB/s, RSS near the buffer). With a cache, HDF5 1.10 let RSS grow to the size of
  // the data touched (the whole file for a pass over all events).
  h5::Handle plain(H5Pcreate(H5P_DATASET_ACCESS));
  H5Pset_chunk_cache(plain.get(), 521, 0, 1.0);
  w.streaming = h5::open_dataset(loc, name, file, shown_name, plain.get());
  h5::Handle dcpl(H5Dget_create_plist(w.streaming.get()));
  if (H5Pget_nfilters(dcpl.get()) > 0 && H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
    // Compressed chunks are inflated whole: scattered reads need a cache, or every event
    // inflates its chunk again (measured 28 vs 730 events/s on a gzip file). HDF5 shares one
    // dataset object between handles, so the dataset is reopened with the cache. Known cost:
    // a pass over a compressed file then peaks at ~the decompressed size (HDF5 1.10).
    dcpl.reset();
    w.streaming.reset();
    h5::Handle cached(H5Pcreate(H5P_DATASET_ACCESS));
    H5Pset_chunk_cache(cached.get(), 521, 16u << 20, 1.0);
    w.streaming = h5::open_dataset(loc, name, file, shown_name, cached.get());
  }
  return w;
}

h5::Handle waveform_transfer_plist() {
  h5::Handle p(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_buffer(p.get(), 8u << 20, nullptr, nullptr);
  return p;
}

}  // namespace wl::io::detail
