// Event selection and per-event scalars (targets, ids, tp0) of one file. Scalars are read
// as whole columns (8 bytes per event); waveforms are read later, by window only.
#include "wavelearn/data/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

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

DatasetConfig dataset_config_from(const core::Config& config) {
  DatasetConfig c;
  c.path = config.get<std::string>("data.file");
  auto& open = c.open;
  open.format = parse_format(config.get<std::string>("data.format", "auto"));
  open.lh5_channel = config.get<std::string>("data.lh5_channel", open.lh5_channel);
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
  f.sample_period_ns = config.get<double>("data.sample_period_ns", f.sample_period_ns);
  const double threshold = config.get<double>("data.energy_threshold_kev", -1.0);
  c.has_threshold = threshold >= 0.0;
  c.energy_threshold_kev = c.has_threshold ? threshold : 0.0;
  c.targets = config.get<std::vector<std::string>>("data.targets", c.targets);
  c.multiclass = multiclass_from_string(config.get<std::string>("data.multiclass", "none"));
  c.max_events = config.get<std::size_t>("data.max_events", 0);
  return c;
}

Dataset::Dataset(const DatasetConfig& config) : config_(config) {
  reader_ = io::open_reader(config_.path, config_.open);
  const auto& fields = reader_->fields();
  const std::string& file = config_.path;

  if (config_.has_threshold) {
    file_events_ = io::select_by_energy(*reader_, config_.energy_threshold_kev);
  } else {
    file_events_.resize(reader_->n_events());
    for (std::size_t i = 0; i < file_events_.size(); ++i) file_events_[i] = i;
  }
  if (config_.max_events > 0 && file_events_.size() > config_.max_events) {
    file_events_.resize(config_.max_events);
  }
  if (file_events_.empty()) throw InputError(file + ": no events selected");
  const std::size_t n = file_events_.size();

  // Columns are read whole once and picked at the selected events.
  auto pick = [&](const std::string& name) {
    const auto column = reader_->read_scalar(name);
    std::vector<double> out(n);
    for (std::size_t r = 0; r < n; ++r) out[r] = column[file_events_[r]];
    return out;
  };

  event_ids_.resize(n);
  if (!fields.id.empty() && reader_->has_field(fields.id)) {
    const auto ids = pick(fields.id);
    for (std::size_t r = 0; r < n; ++r) event_ids_[r] = static_cast<std::int64_t>(ids[r]);
  } else {
    for (std::size_t r = 0; r < n; ++r) event_ids_[r] = static_cast<std::int64_t>(file_events_[r]);
  }
  detector_.assign(n, 0);
  if (!fields.detector.empty() && reader_->has_field(fields.detector)) {
    const auto det = pick(fields.detector);
    for (std::size_t r = 0; r < n; ++r) detector_[r] = io::detector_number(det[r], file, fields.detector, file_events_[r]);
  }
  if (!fields.tp0.empty() && reader_->has_field(fields.tp0)) {
    tp0_ = pick(fields.tp0);
  } else {
    tp0_.assign(n, std::numeric_limits<double>::quiet_NaN());
  }

  std::vector<std::vector<float>> columns;
  for (const auto& requested : config_.targets) {
    const std::string name = requested == "energy" ? fields.energy : requested;
    if (name.empty() || !reader_->has_field(name)) {
      throw InputError(file + ": target field '" + requested + "' not found (fields: " +
                       field_list(*reader_) + ")");
    }
    const auto values = pick(name);
    std::vector<float> column(n);
    const bool label = is_label_field(fields, name);
    for (std::size_t r = 0; r < n; ++r) {
      column[r] = label ? (values[r] > 0.5 ? 1.0f : 0.0f) : static_cast<float>(values[r]);
    }
    target_names_.push_back(name);
    columns.push_back(std::move(column));
  }

  if (config_.multiclass != Multiclass::None) {
    if (fields.labels.empty()) throw InputError(file + ": data.multiclass needs label fields");
    std::vector<std::vector<double>> labels;
    for (const auto& name : fields.labels) {
      if (!reader_->has_field(name)) {
        throw InputError(file + ": data.multiclass needs label field '" + name + "'");
      }
      labels.push_back(pick(name));
    }
    const std::size_t k = labels.size();
    n_classes_ = config_.multiclass == Multiclass::FirstFail ? k + 1 : (std::size_t{1} << k);
    std::vector<float> column(n);
    for (std::size_t r = 0; r < n; ++r) {
      std::size_t code = 0;
      for (std::size_t i = 0; i < k; ++i) {
        const bool fails = !(labels[i][r] > 0.5);
        if (config_.multiclass == Multiclass::Bits) {
          code |= static_cast<std::size_t>(fails) << i;
        } else if (fails) {
          code = i + 1;
          break;
        }
      }
      column[r] = static_cast<float>(code);
    }
    target_names_.push_back("psd_class");
    columns.push_back(std::move(column));
  }

  const std::size_t t = columns.size();
  targets_.resize(n * t);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < t; ++j) targets_[r * t + j] = columns[j][r];
  }
}

Dataset::~Dataset() = default;

double Dataset::sample_period_ns() const { return reader_->sample_period_ns(); }
std::size_t Dataset::record_length_samples() const { return reader_->n_samples(); }

std::unique_ptr<io::WaveformReader> Dataset::open_another_reader() const {
  return io::open_reader(config_.path, config_.open);
}

}  // namespace wl::data
