#pragma once
// One call from a configuration to ready loaders, for `wavelearn train` and `predict`:
// dataset -> split -> preprocessor fitted on the training split -> loaders.
// The loaders need libtorch (data/loader.hpp); this header does not.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "wavelearn/data/dataset.hpp"
#include "wavelearn/data/loader_options.hpp"
#include "wavelearn/data/preprocess.hpp"

namespace wl::core {
class Config;
}

namespace wl::data {

class BatchLoader;

struct TrainingData {
  std::shared_ptr<Dataset> dataset;
  Split split;
  std::shared_ptr<Preprocessor> preprocessor;  // fitted; save() it as preprocess.json
  std::shared_ptr<BatchLoader> train;          // shuffled, drop_last
  std::shared_ptr<BatchLoader> validation;     // shuffled, drop_last (as the lectures)
  std::shared_ptr<BatchLoader> test;           // null when test_fraction is 0; in order
  std::uint64_t seed = 0;          // the split
  std::uint64_t shuffle_seed = 0;  // the loaders' shuffles
};

// Everything the data side reads from the configuration, read without touching the file:
// read the plan (and every other section), call Config::check_all_used(), then prepare, so a
// typo in a key fails before minutes of reading.
struct TrainingPlan {
  std::uint64_t seed = 42;          // the split
  std::uint64_t shuffle_seed = 42;  // the loaders: `train.init_seed`, by default `seed`
  DatasetConfig dataset;
  PreprocessConfig preprocess;
  LoaderOptions loader;
  SplitConfig split;          // stratify_target resolved from stratify_by when preparing
  std::string stratify_by;    // "" none, "*first*" the first target, or a target name
  bool validation_drop_last = true;
  LabelSubset labels;  // data.label_fraction / max_labelled_events / label_seed
};

// Reads `seed` (top level, default 42) and sections [data] and [preprocess]; checks the
// split fractions and the energy/min-max trap (InputError) without opening the file.
TrainingPlan plan_training_data(const core::Config& config);

// Opens the file, splits, fits the preprocessor on the training rows only, builds loaders.
TrainingData prepare_training_data(const TrainingPlan& plan);
// plan_training_data + prepare_training_data.
TrainingData prepare_training_data(const core::Config& config);

struct PredictionData {
  std::shared_ptr<Dataset> dataset;
  std::shared_ptr<Preprocessor> preprocessor;  // as saved by training
  std::shared_ptr<BatchLoader> loader;         // every selected event, in file order, no drop
};

// Prediction on `path` with a saved preprocess.json: same field names, window, scaling and
// energy threshold (apply_threshold false: every event). Targets present in the file are
// read (for evaluation) when with_targets is true; NPML-style files without labels work.
PredictionData prepare_prediction_data(const std::string& path,
                                       const std::filesystem::path& preprocess_json,
                                       std::size_t batch_size, bool apply_threshold = true,
                                       bool with_targets = true);
// The same with the saved preprocessing already loaded (e.g. from inside model.pt); `source`
// names it in errors.
PredictionData prepare_prediction_data(const std::string& path, Preprocessor preprocessor,
                                       const std::string& source, std::size_t batch_size,
                                       bool apply_threshold = true, bool with_targets = true);

}  // namespace wl::data
