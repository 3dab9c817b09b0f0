// Event selection and per-event scalars (targets, ids, tp0) of one file. Scalars are read
// as whole columns (8 bytes per event); waveforms are read later, by window only.
#include "wavelearn/data/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"

namespace wl::data {

using core::InputError;

const char* to_string(Multiclass mode) {
  switch (mode) {
    case Multiclass::FirstFail: return "first_fail";
    case Multiclass::Bits: return "bits";
    default: return "none";
  }
}

namespace {

io::Format parse_format(const std::string& s) {
  if (s == "auto") return io::Format::Auto;
  if (s == "mjd") return io::Format::Mjd;
  if (s == "lh5") return io::Format::Lh5;
  if (s == "generic") return io::Format::Generic;
  throw InputError("config key 'data.format' = \"" + s +
                   "\": expected \"auto\", \"mjd\", \"lh5\" or \"generic\"");
}

}  // namespace

Multiclass multiclass_from_string(const std::string& s) {
  if (s == "none") return Multiclass::None;
  if (s == "first_fail") return Multiclass::FirstFail;
  if (s == "bits") return Multiclass::Bits;
  throw InputError("config key 'data.multiclass' = \"" + s +
                   "\": expected \"none\", \"first_fail\" or \"bits\"");
}

namespace {

bool is_label_field(const io::FieldMap& fields, const std::string& name) {
  return std::find(fields.labels.begin(), fields.labels.end(), name) != fields.labels.end() ||
         name.rfind("psd_label", 0) == 0;
}

std::string field_list(const io::WaveformReader& reader) {
  std::string out;
  for (const auto& f : reader.scalar_fields()) out += (out.empty() ? "" : ", ") + f;
  return out.empty() ? "none" : out;
}

}  // namespace

namespace {

// data.file (one path, a pattern or a comma list) or data.files (a list): one spec string,
// checked here so a pattern that matches nothing is named with its key.
std::string data_files_from(const core::Config& config) {
  if (config.has("data.files")) {
    if (config.has("data.file"))
      throw InputError("config: data.file and data.files cannot both be given (data.files lists every file)");
    const auto entries = config.get<std::vector<std::string>>("data.files");
    if (entries.empty()) throw InputError("config key 'data.files' is an empty list");
    core::expand_file_list(entries, "data.files");
    return core::join_file_list(entries);
  }
  const auto spec = config.get<std::string>("data.file");
  core::expand_file_list(spec, "data.file");
  return spec;
}

}  // namespace

DatasetConfig dataset_config_from(const core::Config& config) {
  DatasetConfig c;
  c.path = data_files_from(config);
  auto& open = c.open;
  open.format = parse_format(config.get<std::string>("data.format", "auto"));
  open.lh5_channel = config.get<std::string>("data.lh5_channel", open.lh5_channel);
  // LEGEND-200 raw files hold several waveform streams (windowed, presummed): docs/io.md.
  open.lh5_stream = config.get<std::string>("data.lh5_stream", open.lh5_stream);
  open.chunk_events = config.get<std::size_t>("data.chunk_events", open.chunk_events);
  if (open.chunk_events == 0) throw InputError("config key 'data.chunk_events' must be > 0");
  auto& f = open.fields;
  f.waveform = config.get<std::string>("data.fields.waveform", f.waveform);
  f.energy = config.get<std::string>("data.fields.energy", f.energy);
  f.tp0 = config.get<std::string>("data.fields.tp0", f.tp0);
  f.id = config.get<std::string>("data.fields.id", f.id);
  f.detector = config.get<std::string>("data.fields.detector", f.detector);
  f.run = config.get<std::string>("data.fields.run", f.run);
  f.labels = config.get<std::vector<std::string>>("data.fields.labels", f.labels);
  for (const char* key : {"energy", "tp0", "id", "detector", "run"})
    if (config.has(std::string("data.fields.") + key))
      c.named_fields.push_back({config.get<std::string>(std::string("data.fields.") + key), std::string("data.fields.") + key});
  if (config.has("data.fields.labels"))
    for (const auto& l : f.labels) c.named_fields.push_back({l, "data.fields.labels"});
  if (config.has("data.sample_period_ns")) {
    f.sample_period_ns = config.get<double>("data.sample_period_ns");
    f.sample_period_given = true;
    if (!(f.sample_period_ns > 0)) throw InputError("config key 'data.sample_period_ns' must be > 0");
  }
  const double threshold = config.get<double>("data.energy_threshold_kev", -1.0);
  c.has_threshold = threshold >= 0.0;
  c.energy_threshold_kev = c.has_threshold ? threshold : 0.0;
  c.targets = config.get<std::vector<std::string>>("data.targets", c.targets);
  c.multiclass = multiclass_from_string(config.get<std::string>("data.multiclass", "none"));
  c.max_events = config.get<std::size_t>("data.max_events", 0);
  return c;
}

namespace {

// Rows of the file the dataset keeps: energy above the threshold (or all), at most max_events.
std::vector<std::size_t> selected_events(io::WaveformReader& reader, const DatasetConfig& c) {
  std::vector<std::size_t> rows;
  if (c.has_threshold) {
    rows = io::select_by_energy(reader, c.energy_threshold_kev);
  } else {
    rows.resize(reader.n_events());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  }
  if (c.max_events > 0 && rows.size() > c.max_events) rows.resize(c.max_events);
  if (rows.empty()) throw InputError(c.path + ": no events selected");
  return rows;
}

// A scalar column read whole once and picked at the selected events.
std::vector<double> pick(io::WaveformReader& reader, const std::string& name, const std::vector<std::size_t>& rows) {
  const auto column = reader.read_scalar(name);
  std::vector<double> out(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) out[r] = column[rows[r]];
  return out;
}

// The class code of each event from the PSD labels (see Multiclass).
std::vector<float> class_codes(const std::vector<std::vector<double>>& labels, Multiclass mode, std::size_t n) {
  std::vector<float> column(n);
  for (std::size_t r = 0; r < n; ++r) {
    std::size_t code = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const bool fails = !(labels[i][r] > 0.5);
      if (mode == Multiclass::Bits) {
        code |= static_cast<std::size_t>(fails) << i;
      } else if (fails) {
        code = i + 1;
        break;
      }
    }
    column[r] = static_cast<float>(code);
  }
  return column;
}

}  // namespace

Dataset::Dataset(const DatasetConfig& config) : config_(config) {
  reader_ = io::open_reader(config_.path, config_.open);
  io::require_named_fields(*reader_, config_.named_fields);
  file_events_ = selected_events(*reader_, config_);
  read_event_scalars();
  std::vector<std::vector<float>> columns = read_target_columns();
  if (config_.multiclass != Multiclass::None) columns.push_back(read_class_column());
  const std::size_t n = file_events_.size(), t = columns.size();
  targets_.resize(n * t);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t j = 0; j < t; ++j) targets_[r * t + j] = columns[j][r];
}

void Dataset::read_event_scalars() {
  const auto& fields = reader_->fields();
  const std::size_t n = file_events_.size();
  event_ids_.resize(n);
  if (!fields.id.empty() && reader_->has_field(fields.id)) {
    const auto ids = pick(*reader_, fields.id, file_events_);
    for (std::size_t r = 0; r < n; ++r) event_ids_[r] = io::event_id_number(ids[r], config_.path, fields.id, file_events_[r]);
    if (reader_->n_files() > 1) check_ids_across_files();
  } else {
    for (std::size_t r = 0; r < n; ++r) event_ids_[r] = static_cast<std::int64_t>(file_events_[r]);
  }
  detector_.assign(n, 0);
  if (!fields.detector.empty() && reader_->has_field(fields.detector)) {
    const auto det = pick(*reader_, fields.detector, file_events_);
    for (std::size_t r = 0; r < n; ++r)
      detector_[r] = io::detector_number(det[r], config_.path, fields.detector, file_events_[r]);
  }
  if (!fields.tp0.empty() && reader_->has_field(fields.tp0)) {
    tp0_ = pick(*reader_, fields.tp0, file_events_);
  } else {
    tp0_.assign(n, std::numeric_limits<double>::quiet_NaN());
  }
}

bool has_target_field(const io::WaveformReader& reader, const std::string& name) {
  if (reader.has_field(name)) return true;
  if (name != kPsdPassTarget || reader.fields().labels.empty()) return false;
  for (const auto& label : reader.fields().labels)
    if (!reader.has_field(label)) return false;
  return true;
}

// psd_pass from the file's PSD labels: 1 when every label is 1.
std::vector<float> Dataset::read_psd_pass_column() {
  const auto& labels = reader_->fields().labels;
  if (labels.empty()) throw InputError(config_.path + ": target 'psd_pass' needs label fields");
  std::vector<float> pass(file_events_.size(), 1.0f);
  for (const auto& name : labels) {
    if (!reader_->has_field(name))
      throw InputError(config_.path + ": target 'psd_pass' needs label field '" + name + "' (fields: " +
                       field_list(*reader_) + ")");
    const auto values = pick(*reader_, name, file_events_);
    check_binary_labels(values, name);
    for (std::size_t r = 0; r < values.size(); ++r)
      if (values[r] != 1.0) pass[r] = 0.0f;
  }
  return pass;
}

// The split, the label subset and the prediction tables match events by id: an id held by
// two files would merge two events. Ids may repeat within one file (as they always could).
void Dataset::check_ids_across_files() const {
  std::unordered_map<std::int64_t, std::size_t> file_of_id;
  file_of_id.reserve(event_ids_.size());
  for (std::size_t r = 0; r < event_ids_.size(); ++r) {
    const std::size_t f = file_index(r);
    const auto [it, added] = file_of_id.emplace(event_ids_[r], f);
    if (!added && it->second != f)
      throw InputError(reader_->file_path(it->second) + " and " + reader_->file_path(f) + " both hold event id " +
                       std::to_string(event_ids_[r]) + " (field '" + reader_->fields().id +
                       "'): the files of one dataset need distinct ids; set data.fields.id = \"\" to number "
                       "events by position");
  }
}

std::vector<std::vector<float>> Dataset::read_target_columns() {
  const auto& fields = reader_->fields();
  std::vector<std::vector<float>> columns;
  for (const auto& requested : config_.targets) {
    if (requested == kPsdPassTarget && !reader_->has_field(requested)) {
      target_names_.push_back(requested);
      columns.push_back(read_psd_pass_column());
      continue;
    }
    const std::string name = requested == "energy" ? fields.energy : requested;
    if (name.empty() || !reader_->has_field(name))
      throw InputError(config_.path + ": target field '" + requested + "' not found (fields: " +
                       field_list(*reader_) + ")");
    const auto values = pick(*reader_, name, file_events_);
    std::vector<float> column(values.size());
    const bool label = is_label_field(fields, name);
    if (label) check_binary_labels(values, name);
    for (std::size_t r = 0; r < values.size(); ++r) column[r] = static_cast<float>(values[r]);
    target_names_.push_back(name);
    columns.push_back(std::move(column));
  }
  return columns;
}

// A PSD label is a cut's decision, 0 or 1: anything else (7, 255, 0.5, NaN) is a file that
// means something else, and thresholding it would train on a silent guess.
void Dataset::check_binary_labels(const std::vector<double>& values, const std::string& name) const {
  for (std::size_t r = 0; r < values.size(); ++r)
    if (values[r] != 0.0 && values[r] != 1.0)
      throw InputError(config_.path + ": label '" + name + "' of event " + std::to_string(file_events_[r]) + " is " +
                       (std::isnan(values[r]) ? std::string("NaN") : std::to_string(values[r])) +
                       ", not 0 or 1");
}

std::vector<float> Dataset::read_class_column() {
  const auto& fields = reader_->fields();
  if (fields.labels.empty()) throw InputError(config_.path + ": data.multiclass needs label fields");
  std::vector<std::vector<double>> labels;
  for (const auto& name : fields.labels) {
    if (!reader_->has_field(name)) throw InputError(config_.path + ": data.multiclass needs label field '" + name + "'");
    labels.push_back(pick(*reader_, name, file_events_));
    check_binary_labels(labels.back(), name);
  }
  const std::size_t k = labels.size();
  n_classes_ = config_.multiclass == Multiclass::FirstFail ? k + 1 : (std::size_t{1} << k);
  target_names_.push_back("psd_class");
  return class_codes(labels, config_.multiclass, file_events_.size());
}

Dataset::~Dataset() = default;

double Dataset::sample_period_ns() const { return reader_->sample_period_ns(); }
std::size_t Dataset::record_length_samples() const { return reader_->n_samples(); }

std::size_t Dataset::file_index(std::size_t row) const { return reader_->file_of_event(file_events_[row]); }
std::size_t Dataset::n_files() const { return reader_->n_files(); }
const std::string& Dataset::file_path(std::size_t file) const { return reader_->file_path(file); }

std::unique_ptr<io::WaveformReader> Dataset::open_another_reader() const {
  return io::open_reader(config_.path, config_.open);
}

}  // namespace wl::data
