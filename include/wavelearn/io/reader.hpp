#pragma once
// Reading waveform files: the MJD AI/ML release, LEGEND LH5, and any HDF5 file with an
// (N, L) waveform array whose datasets are named by a FieldMap. All waveform reads are
// chunked hyperslabs of only the requested window, converted to float32, so memory is
// bounded by the chunk, never by N. No libtorch here.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace wl::io {

enum class Format { Auto, Mjd, Lh5, Generic };

// Which dataset plays which role. Defaults are the MJD release names; for other files every
// name is configurable (an empty name means "this file has no such field").
struct FieldMap {
  std::string waveform = "raw_waveform";
  std::string energy = "energy_label";
  std::string tp0 = "tp0";
  std::string id = "id";
  std::string detector = "detector";
  std::string run = "run_number";
  std::vector<std::string> labels = {"psd_label_low_avse", "psd_label_high_avse",
                                     "psd_label_dcr", "psd_label_lq"};
  // Used when the file itself does not record its sampling period (MJD: 10 ns).
  double sample_period_ns = 10.0;
  // Set by an explicit --dt-ns or data.sample_period_ns: the period above wins over the
  // file's own (and over a broken sample_period_ns attribute, which is otherwise an error).
  bool sample_period_given = false;
};

struct OpenOptions {
  Format format = Format::Auto;
  FieldMap fields;
  std::string lh5_channel;           // LH5 group (e.g. "ch1027201" or "geds"); empty: first found
  // LH5 waveform stream: "windowed", "presummed" (LEGEND-200 raw files) or a group name under
  // raw/ ("waveform", "waveform_windowed"); empty: `waveform`, else `waveform_windowed`.
  std::string lh5_stream;
  std::size_t chunk_events = 4096;   // events per hyperslab read
};

// A dataset the user named (an option or config key) and where the name came from.
struct NamedField {
  std::string name, given_by;  // e.g. {"nope", "--label"}
};
class WaveformReader;
// A field the user named explicitly must exist: a silently dropped column is a wrong result.
// InputError naming the file, the dataset and the option.
void require_named_fields(const WaveformReader& reader, const std::vector<NamedField>& fields);

inline constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

class WaveformReader {
 public:
  virtual ~WaveformReader() = default;
  virtual const std::string& path() const = 0;
  virtual Format format() const = 0;
  virtual std::size_t n_events() const = 0;
  // Record length in samples (the longest record for variable-length LH5 waveforms).
  virtual std::size_t n_samples() const = 0;
  virtual double sample_period_ns() const = 0;
  // Reads samples [sample_begin, sample_begin + n) of events [first_event, first_event +
  // count) into out (count * n floats, row-major). Variable-length records shorter than the
  // window are padded with their last sample. Throws InputError naming the file and dataset
  // when the window or the event range lies outside the data.
  virtual void read_window(std::size_t first_event, std::size_t count, std::size_t sample_begin,
                           std::size_t n, float* out) = 0;
  // Per-event scalar fields (everything of shape (N,) beside the waveform).
  virtual std::vector<std::string> scalar_fields() const = 0;
  virtual bool has_field(const std::string& name) const = 0;
  // Any integer/bool/float dtype is converted to double. Throws InputError naming the file
  // and dataset if it is missing or not of shape (N,).
  virtual std::vector<double> read_scalar(const std::string& name, std::size_t first = 0,
                                          std::size_t count = kAll) = 0;
  virtual const FieldMap& fields() const = 0;
  virtual std::size_t chunk_events() const = 0;
  // Reads the window of `count` distinct events given in ascending order into out (count * n
  // floats, in that order). The default reads each run of consecutive events with
  // read_window; the MJD/generic reader overrides it with direct row reads when the layout
  // allows (uncompressed, contiguous or whole-row chunks). Used by read_events.
  virtual void read_sorted_events(const std::size_t* events, std::size_t count, std::size_t sample_begin,
                                  std::size_t n, float* out);
  // Zero-copy view of whole records, starting at first_event: the longest leading part of
  // [first_event, first_event + count) that the file stores as native float32, uncompressed,
  // in one span (contiguous, or whole-row chunks back to back), mapped rather than copied.
  // Returns the rows (*viewed of them, n_samples() floats each, row-major), valid until the
  // next view_rows call or the reader's destruction; nullptr and *viewed = 0 when the layout
  // does not allow it (then read_window). A range outside the data is an InputError.
  virtual const float* view_rows(std::size_t first_event, std::size_t count, std::size_t* viewed);

  // A dataset of several files (open_readers) numbers its events file after file: event e
  // of the whole is event e - file_first_event(f) of file f. One file: 1 file from event 0.
  virtual std::size_t n_files() const { return 1; }
  virtual const std::string& file_path(std::size_t /*file*/) const { return path(); }
  virtual std::size_t file_first_event(std::size_t /*file*/) const { return 0; }
  // The file holding `event` (an event inside the data).
  virtual std::size_t file_of_event(std::size_t /*event*/) const { return 0; }
};

// Opens a file; Format::Auto recognises LH5 (a group with raw/waveform), MJD (raw_waveform)
// and falls back to the FieldMap. Throws InputError for a missing file, a non-HDF5 file, or
// a missing/misshapen waveform dataset, naming file and dataset.
// `path` may also name several files (a glob pattern or a comma-separated list, see
// core/file_list.hpp): then it is open_readers of the files it names.
std::unique_ptr<WaveformReader> open_reader(const std::string& path, const OpenOptions& options = {});

// One reader over several files, their events back to back in the order given (one path:
// open_reader of it). The files must agree on format, sampling period, record length and
// per-event fields; otherwise InputError naming the two files that differ. At most a few
// files are open at once (each reopened when read), so memory does not grow with the number
// of files. path() is `shown` (default: the paths joined with ',').
std::unique_ptr<WaveformReader> open_readers(const std::vector<std::string>& paths, const OpenOptions& options = {},
                                             const std::string& shown = "");

// Indices (ascending) of events whose energy field exceeds threshold_kev, reading only the
// energy dataset. Throws InputError if the file has no energy field or nothing is selected.
std::vector<std::size_t> select_by_energy(WaveformReader& reader, double threshold_kev);

// Gathers the window of arbitrary events (any order) into out (events.size() * n floats, in
// the order given), reading contiguous runs chunk by chunk: memory stays O(chunk).
void read_events(WaveformReader& reader, const std::vector<std::size_t>& events,
                 std::size_t sample_begin, std::size_t n, float* out);

// A detector field's value as a detector number (rounded); InputError naming the file, the
// dataset and the event when it is not finite.
// An event id read as double: a whole number below 2^53, else InputError naming the event.
std::int64_t event_id_number(double value, const std::string& path, const std::string& field, std::size_t event);
std::int64_t detector_number(double value, const std::string& path, const std::string& field,
                             std::size_t event);

const char* format_name(Format format);
// Inverse of format_name ("auto", "mjd", "lh5", "generic"); InputError naming `option`
// (e.g. "--format") for anything else.
Format parse_format(const std::string& name, const std::string& option = "--format");

}  // namespace wl::io
