#pragma once
// The selected events of one waveform file (or several, read back to back) and their
// targets, and the seeded train/validation/test split. Selection as in the lectures:
// `energy_label > threshold`. Waveforms are not read here (see window_source.hpp); only the
// per-event scalars. No libtorch here.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wavelearn/core/split.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::core {
class Config;
}

namespace wl::data {

// How the four PSD labels become one class code (target "psd_class").
//   None: no class target.
//   FirstFail: 0 = passes every cut, k = fails cut k (1-based, in FieldMap::labels order)
//              and passes all before it: n_labels + 1 classes.
//   Bits: sum over labels of (fails_k << k): 2^n_labels classes.
enum class Multiclass { None, FirstFail, Bits };

// Target "psd_pass": 1 when the event passes every PSD cut (each label of FieldMap::labels
// is 1), else 0. A file without a field of that name gets it derived from its labels.
inline constexpr const char* kPsdPassTarget = "psd_pass";
// Whether `name` can be read as a target of this file: a scalar field, or the derived
// psd_pass when every label field is present.
bool has_target_field(const io::WaveformReader& reader, const std::string& name);

struct DatasetConfig {
  // One file, a glob pattern or a comma-separated list of either (core/file_list.hpp): the
  // files' events are read back to back, in the order the list expands to.
  std::string path;
  io::OpenOptions open;  // format, field names, LH5 channel, chunk size
  // Keep events with energy > threshold (the lectures); no selection when has_threshold is
  // false (also for files without an energy field, e.g. prediction on NPML files).
  bool has_threshold = true;
  double energy_threshold_kev = 0.0;
  // Target fields, in order: any scalar field of the file; "energy" means the energy field.
  // Label-like fields (name in FieldMap::labels or prefix "psd_label") become 0/1 floats.
  std::vector<std::string> targets = {"psd_label_low_avse"};
  Multiclass multiclass = Multiclass::None;  // appends "psd_class" as the last target
  std::size_t max_events = 0;  // 0: all selected; else the first max_events selected
  // Fields the config named explicitly (data.fields.*): they must exist in the file.
  std::vector<io::NamedField> named_fields;
};

// Reads [data]: file (or files, a list; entries may be patterns), format, lh5_channel, chunk_events, fields.{waveform, energy, tp0, id,
// detector, run, labels}, sample_period_ns, energy_threshold_kev (absent or negative: none),
// targets, multiclass ("none" | "first_fail" | "bits"), max_events.
DatasetConfig dataset_config_from(const core::Config& config);

const char* to_string(Multiclass mode);
// Inverse of to_string; InputError for an unknown name.
Multiclass multiclass_from_string(const std::string& name);

class Dataset {
 public:
  // Opens the file, selects events and reads targets, ids and tp0. Throws InputError
  // naming the file/field when a target field is missing or nothing is selected.
  explicit Dataset(const DatasetConfig& config);
  ~Dataset();
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

  const DatasetConfig& config() const { return config_; }
  std::size_t size() const { return file_events_.size(); }
  std::size_t n_targets() const { return target_names_.size(); }
  const std::vector<std::string>& target_names() const { return target_names_; }
  // Number of classes of the "psd_class" target (0 without multiclass).
  std::size_t n_classes() const { return n_classes_; }

  // Row r of the dataset: file event index (ascending in r), event id, tp0 (samples; NaN
  // when the file has no tp0), targets (n_targets floats, row-major).
  std::size_t file_event(std::size_t row) const { return file_events_[row]; }
  const std::vector<std::size_t>& file_events() const { return file_events_; }
  std::int64_t event_id(std::size_t row) const { return event_ids_[row]; }
  double tp0(std::size_t row) const { return tp0_[row]; }
  // The file (0-based, in list order) row r's event comes from, and the files' count and paths.
  std::size_t file_index(std::size_t row) const;
  std::size_t n_files() const;
  const std::string& file_path(std::size_t file) const;
  // Detector number (0 when the file has no detector field).
  std::int64_t detector(std::size_t row) const { return detector_[row]; }
  const float* targets(std::size_t row) const { return targets_.data() + row * n_targets(); }
  const std::vector<float>& all_targets() const { return targets_; }

  double sample_period_ns() const;
  std::size_t record_length_samples() const;
  // The reader: not thread-safe (libhdf5); use it from one thread at a time.
  io::WaveformReader& reader() { return *reader_; }

  // A new reader on the same file (for a loader's prefetch thread).
  std::unique_ptr<io::WaveformReader> open_another_reader() const;

 private:
  void read_event_scalars();                            // ids, detectors, tp0
  void check_ids_across_files() const;
  std::vector<std::vector<float>> read_target_columns();  // one column per config target
  std::vector<float> read_class_column();                // "psd_class" (sets n_classes_)
  std::vector<float> read_psd_pass_column();             // derived "psd_pass"
  void check_binary_labels(const std::vector<double>& values, const std::string& name) const;

  DatasetConfig config_;
  std::unique_ptr<io::WaveformReader> reader_;
  std::vector<std::size_t> file_events_;
  std::vector<std::int64_t> event_ids_;
  std::vector<double> tp0_;
  std::vector<std::int64_t> detector_;
  std::vector<std::string> target_names_;
  std::vector<float> targets_;
  std::size_t n_classes_ = 0;
};

// The struct's defaults are the lectures' 70/30 shuffled cut; split_keys_from gives a
// config's: 60/20/20, keyed by event id.
struct SplitConfig {
  double train_fraction = 0.7;
  double validation_fraction = 0.3;
  double test_fraction = 0.0;
  // Stratify by this target column (its values rounded to classes); -1: no stratification.
  int stratify_target = -1;
  // Keyed split (core/split.hpp): parts follow from each event's id (or its detector or
  // run) and the seed, so every model family sees the same test events. false: the
  // lectures' shuffled cut by row (also what stratification uses).
  bool keyed = false;
  core::GroupBy group_by = core::GroupBy::kEvent;
};

// Reads [data]: train_fraction, validation_fraction, test_fraction (default 0.6/0.2/0.2:
// held-out test events), group_by ("event" | "detector" | "run" | "file"; a keyed split),
// stratify (a target name or "" for none; `true` means the first target; the lectures'
// shuffled cut, not combinable with group_by). Fractions must be >= 0 with sum <= 1.
SplitConfig split_config_from(const core::Config& config, const Dataset& dataset);
// The same in two steps: the keys (no dataset needed; stratify_by "" means none, "*first*"
// the first target), then the stratify target's index in a dataset (-1 for none).
SplitConfig split_keys_from(const core::Config& config, std::string& stratify_by);
int stratify_index(const Dataset& dataset, const std::string& stratify_by);

// Dataset rows of each part, each list shuffled. Keyed (the default from a config): the
// part of each row is core::assign_parts of its event id, detector or run number. Else like
// the lectures: rows are shuffled once with the seed, then [0, f_train N) is training, the next f_val N validation, the next
// f_test N test; with stratification the same is done within each class and the parts are
// merged and reshuffled. Disjoint; a pure function of (dataset, config, seed).
struct Split {
  std::vector<std::size_t> train, validation, test;
};
Split make_split(const Dataset& dataset, const SplitConfig& config, std::uint64_t seed);

// Training on part of the labelled training events (label-efficiency studies, docs/
// pretraining.md): data.label_fraction in (0, 1], data.max_labelled_events >= 1 (a cap; both
// may be given, the smaller count wins) and data.label_seed (default: the top-level seed).
// Only the training part shrinks: validation and test events are the same as without it.
struct LabelSubset {
  double fraction = 1.0;
  std::size_t max_events = 0;  // 0: no cap
  std::uint64_t seed = 42;
  bool active() const { return fraction < 1.0 || max_events > 0; }
};
// Reads the keys only when given (a run without them records none). InputError naming the key.
LabelSubset label_subset_from(const core::Config& config, std::uint64_t default_seed);
// Keeps round(fraction * n) events of `train` (at least 1, at most max_events), chosen by a
// seeded hash of each event's id: reproducible, independent of the rows' order, and nested
// (for one seed a smaller fraction keeps a subset of a larger one's events). The kept rows
// stay in their order.
void keep_label_subset(std::vector<std::size_t>& train, const Dataset& dataset, const LabelSubset& subset);

}  // namespace wl::data
