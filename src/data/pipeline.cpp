// From configuration to loaders: the order matters (split before fit, fit on training rows
// only), so it lives in one place.
#include "wavelearn/data/pipeline.hpp"

#include <set>

#include <algorithm>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/loader.hpp"

namespace wl::data {

using core::InputError;

namespace {

// Loader streams: each loader of a run shuffles with its own random stream.
constexpr std::uint64_t kTrainStream = 1, kValidationStream = 2, kTestStream = 3;

std::vector<std::string> resolved_targets(const DatasetConfig& c) {
  std::vector<std::string> names;
  for (const auto& t : c.targets) names.push_back(t == "energy" ? c.open.fields.energy : t);
  return names;
}

// Memory budget shared by the loaders, training first: each part goes in memory while the
// remaining budget holds it, otherwise it streams.
StorageMode take_budget(StorageMode requested, const Preprocessor& pre, std::size_t rows,
                        std::size_t& budget_bytes) {
  if (requested != StorageMode::Auto) return requested;
  const std::size_t bytes = in_memory_bytes(pre, rows);
  if (bytes <= budget_bytes) {
    budget_bytes -= bytes;
    return StorageMode::Memory;
  }
  return StorageMode::Stream;
}

}  // namespace

TrainingPlan plan_training_data(const core::Config& config) {
  TrainingPlan plan;
  plan.seed = config.get<std::uint64_t>("seed", plan.seed);
  plan.shuffle_seed = config.get<std::uint64_t>("train.init_seed", plan.seed);
  plan.dataset = dataset_config_from(config);
  plan.preprocess = preprocess_config_from(config);
  plan.loader = loader_options_from(config);
  plan.split = split_keys_from(config, plan.stratify_by);
  plan.validation_drop_last = config.get<bool>("data.validation_drop_last", true);
  plan.labels = label_subset_from(config, plan.seed);
  // Fail on the energy/min-max trap before touching the file.
  check_targets_compatible(plan.preprocess, resolved_targets(plan.dataset),
                           plan.dataset.open.fields.energy);
  return plan;
}

TrainingData prepare_training_data(const core::Config& config) {
  return prepare_training_data(plan_training_data(config));
}

TrainingData prepare_training_data(const TrainingPlan& plan) {
  TrainingData out;
  out.seed = plan.seed;
  out.shuffle_seed = plan.shuffle_seed;
  const DatasetConfig& dcfg = plan.dataset;
  const PreprocessConfig& pcfg = plan.preprocess;
  const LoaderOptions& lopt = plan.loader;
  const bool validation_drop_last = plan.validation_drop_last;
  check_targets_compatible(pcfg, resolved_targets(dcfg), dcfg.open.fields.energy);

  out.dataset = std::make_shared<Dataset>(dcfg);
  Dataset& dataset = *out.dataset;
  SplitConfig split = plan.split;
  split.stratify_target = stratify_index(dataset, plan.stratify_by);
  out.split = make_split(dataset, split, out.seed);
  if (out.split.train.empty()) {
    // A keyed split hashes the event id: a file whose ids repeat puts them all on one side.
    std::set<std::int64_t> ids;
    for (std::size_t r = 0; r < dataset.size(); ++r) ids.insert(dataset.event_id(r));
    throw InputError(dcfg.path + ": the training split is empty (" + std::to_string(dataset.size()) +
                     " selected events, " + std::to_string(ids.size()) + " distinct ids in '" +
                     dcfg.open.fields.id + "'; the split is by id)");
  }

  keep_label_subset(out.split.train, dataset, plan.labels);

  out.preprocessor = std::make_shared<Preprocessor>(pcfg, dataset.sample_period_ns(),
                                                    dataset.record_length_samples());
  auto& state = out.preprocessor->mutable_state();
  state.has_energy_threshold = dcfg.has_threshold;
  state.energy_threshold_kev = dcfg.energy_threshold_kev;
  state.waveform_field = dcfg.open.fields.waveform;
  state.energy_field = dcfg.open.fields.energy;
  state.tp0_field = dcfg.open.fields.tp0;
  state.detector_field = dcfg.open.fields.detector;
  state.target_names = dataset.target_names();
  state.multiclass = to_string(dcfg.multiclass);
  fit_preprocessor(dataset, dataset.reader(), *out.preprocessor, out.split.train);

  std::size_t budget = lopt.max_memory_mb * (std::size_t{1} << 20);
  auto make = [&](const std::vector<std::size_t>& rows, bool shuffle, bool drop_last,
                  std::uint64_t stream) {
    LoaderOptions o = lopt;
    o.shuffle = shuffle;
    o.drop_last = drop_last;
    o.seed = out.shuffle_seed;
    o.stream = stream;
    // Only the training batches are shared out among the ranks of a distributed run.
    if (stream != kTrainStream) {
      o.shard_rank = 0;
      o.shard_count = 1;
    }
    o.storage = take_budget(lopt.storage, *out.preprocessor, rows.size(), budget);
    return std::make_shared<BatchLoader>(out.dataset, rows, out.preprocessor, o);
  };
  out.train = make(out.split.train, true, true, kTrainStream);
  out.validation = make(out.split.validation, true, validation_drop_last, kValidationStream);
  if (!out.split.test.empty()) out.test = make(out.split.test, false, false, kTestStream);
  return out;
}

PredictionData prepare_prediction_data(const std::string& path,
                                       const std::filesystem::path& preprocess_json,
                                       std::size_t batch_size, bool apply_threshold,
                                       bool with_targets) {
  return prepare_prediction_data(path, Preprocessor::load(preprocess_json), preprocess_json.string(),
                                 batch_size, apply_threshold, with_targets);
}

PredictionData prepare_prediction_data(const std::string& path, Preprocessor preprocessor,
                                       const std::string& preprocess_json, std::size_t batch_size,
                                       bool apply_threshold, bool with_targets) {
  PredictionData out;
  auto pre = std::make_shared<Preprocessor>(std::move(preprocessor));
  const PreprocessState& saved = pre->state();

  DatasetConfig dcfg;
  dcfg.path = path;
  dcfg.open.fields.waveform = saved.waveform_field;
  dcfg.open.fields.energy = saved.energy_field;
  dcfg.open.fields.tp0 = saved.tp0_field;
  dcfg.open.fields.detector = saved.detector_field;
  dcfg.open.fields.sample_period_ns = saved.sample_period_ns;
  // Unlabelled files (NPML challenge) have no energy and no labels: predict every event.
  {
    auto probe = io::open_reader(path, dcfg.open);
    const bool has_energy = !saved.energy_field.empty() && probe->has_field(saved.energy_field);
    dcfg.has_threshold = apply_threshold && saved.has_energy_threshold && has_energy;
    dcfg.energy_threshold_kev = saved.energy_threshold_kev;
    dcfg.targets.clear();
    dcfg.multiclass = Multiclass::None;
    if (with_targets) {
      std::vector<std::string> plain;
      bool all_present = true;
      for (const auto& name : saved.target_names) {
        if (name == "psd_class") continue;
        plain.push_back(name);
        all_present = all_present && has_target_field(*probe, name);
      }
      const Multiclass mc = multiclass_from_string(saved.multiclass);
      if (mc != Multiclass::None) {
        for (const auto& label : dcfg.open.fields.labels) {
          all_present = all_present && probe->has_field(label);
        }
      }
      if (all_present) {
        dcfg.targets = plain;
        dcfg.multiclass = mc;
      }
    }
  }
  out.dataset = std::make_shared<Dataset>(dcfg);

  // The saved window is in samples: the file must be sampled the same way and long enough.
  auto& state = pre->mutable_state();
  if (std::abs(out.dataset->sample_period_ns() - state.sample_period_ns) >
      1e-6 * state.sample_period_ns) {
    throw InputError(path + ": sampled every " + std::to_string(out.dataset->sample_period_ns()) +
                     " ns, but the model was trained on " +
                     std::to_string(state.sample_period_ns) + " ns samples");
  }
  const std::size_t record = out.dataset->record_length_samples();
  const bool fits =
      state.window_length_samples <= record &&
      (state.config.window != WindowMode::Fixed ||
       state.window_start_samples + state.window_length_samples <= record) &&
      (state.config.baseline != BaselineMode::Pretrigger ||
       state.pretrigger_start_samples + state.pretrigger_length_samples <= record);
  if (!fits) {
    throw InputError(path + ": records of " + std::to_string(record) +
                     " samples are too short for the trained window (" + preprocess_json +
                     ")");
  }
  state.record_length_samples = record;
  state.window_start_samples =
      std::min(state.window_start_samples, record - state.window_length_samples);
  out.preprocessor = pre;

  LoaderOptions o;
  o.batch_size = batch_size;
  o.shuffle = false;
  o.drop_last = false;
  std::vector<std::size_t> rows(out.dataset->size());
  for (std::size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  out.loader = std::make_shared<BatchLoader>(out.dataset, std::move(rows), pre, o);
  return out;
}

}  // namespace wl::data
