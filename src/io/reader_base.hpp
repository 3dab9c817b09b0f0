#pragma once
// Shared machinery of the HDF5 readers (private to the io module): the open file, the group
// holding the per-event fields, and scalar-field access with shape checks.
#include <string>
#include <vector>

#include "h5.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::io::detail {

class Hdf5Reader : public WaveformReader {
 public:
  const std::string& path() const override { return path_; }
  Format format() const override { return format_; }
  std::size_t n_events() const override { return n_events_; }
  double sample_period_ns() const override { return sample_period_ns_; }
  std::vector<std::string> scalar_fields() const override { return scalar_fields_; }
  bool has_field(const std::string& name) const override;
  std::vector<double> read_scalar(const std::string& name, std::size_t first,
                                  std::size_t count) override;
  const FieldMap& fields() const override { return fields_; }
  std::size_t chunk_events() const override { return chunk_events_; }

 protected:
  Hdf5Reader(const std::string& path, h5::Handle file, const OpenOptions& options);
  // Lists the (N,) numeric datasets under base_ (plus `extra` relative paths) as fields.
  void collect_scalar_fields(const std::vector<std::string>& extra = {});
  // Throws InputError naming the field, its shape and the waveforms' unless it is (N,).
  void check_per_event_shape(hid_t dataset, const std::string& name) const;
  // Every field the FieldMap names that the file holds is an (N,) dataset (not a group).
  void check_field_map() const;
  // The name a user sees in messages: the dataset's full path for grouped layouts.
  std::string shown(const std::string& name) const;
  // Throws InputError unless [first, first+count) x [sample_begin, sample_begin+n) lies
  // inside the data.
  void check_window(const std::string& dataset, std::size_t first, std::size_t count,
                    std::size_t sample_begin, std::size_t n) const;

  std::string path_;
  h5::Handle file_;
  h5::Handle base_;          // group holding the per-event datasets
  std::string base_path_;    // "" for the root, else "/ch0/raw" etc. (for messages)
  Format format_ = Format::Mjd;
  FieldMap fields_;
  std::size_t chunk_events_ = 4096;
  std::size_t n_events_ = 0;
  double sample_period_ns_ = 10.0;
  std::vector<std::string> scalar_fields_;
};

// A waveform dataset opened without a chunk cache, or with one when its chunks are compressed.
struct WaveformDataset {
  h5::Handle streaming;
  hid_t for_rows(std::size_t) const { return streaming.get(); }
};
WaveformDataset open_waveform(hid_t loc, const std::string& name, const std::string& file,
                              const std::string& shown_name);
// Transfer properties: a type-conversion buffer large enough for int -> float in one pass.
h5::Handle waveform_transfer_plist();

std::unique_ptr<WaveformReader> open_flat(const std::string& path, h5::Handle file,
                                          const OpenOptions& options, Format format);
std::unique_ptr<WaveformReader> open_lh5(const std::string& path, h5::Handle file,
                                         const OpenOptions& options, const std::string& channel);
// The LH5 channel group holding a waveform stream ("" if none): `wanted` or the first found;
// with a non-empty `stream`, one holding that stream.
std::string find_lh5_channel(hid_t file, const std::string& wanted, const std::string& stream = "");
// The waveform streams (raw/waveform*, groups with values) of a channel, default first:
// waveform, waveform_windowed, then the others in name order.
std::vector<std::string> lh5_streams(hid_t file, const std::string& channel);
// "windowed" / "presummed" -> "waveform_windowed" / "waveform_presummed"; others unchanged.
std::string lh5_stream_name(const std::string& wanted);

}  // namespace wl::io::detail
