#pragma once
// `wavelearn evaluate`: a trained run directory applied to a data file, every metric the
// project reports for its task, and the run report (plots/, report.html, MODEL_CARD.md,
// metrics.json merged with the trainer's). Also called at the end of `wavelearn train`.
//
// Which events: on the run's own training file, the validation events (the test events
// when the run has a test split) of the split the run used, rebuilt from its config seed;
// on any other file every selected event. The training events are scored as well (at most
// max_train_events of them, a seeded subset) for the train-vs-test overtraining check.
// No libtorch in this header.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace wl::data {
class Dataset;
class Preprocessor;
}  // namespace wl::data

namespace wl::train {

struct EvaluateOptions {
  std::filesystem::path out;  // report directory; empty: the run directory
  bool force = false;         // replace an existing report (plots/, report.html, ...)
  bool all_events = false;    // on the training file too: every selected event
  std::size_t batch_size = 1024;
  std::size_t max_train_events = 20000;  // training events scored for the KS check; 0: none
  int bootstrap_replicas = 200;          // AUC interval
  std::size_t waveforms_per_class = 3;   // example waveforms in the report
  bool quiet = false;
  int threads = 0;  // 0: all cores
};

struct EvaluateSummary {
  std::filesystem::path report_dir;
  std::vector<std::filesystem::path> files;  // every file written
  std::string model_type, task_kind;
  std::string events;  // "validation", "test" or "all"
  std::size_t n_events = 0, n_train_scored = 0;
  // (name, value) of the headline numbers, in print order (e.g. "auc", 0.93).
  std::vector<std::pair<std::string, double>> key_numbers;
  nlohmann::json metrics;  // what metrics.json now holds
  double seconds = 0.0;
};

// data_file empty: the run's training file. Throws InputError naming the path for a missing
// run directory, model.pt, config.toml or preprocess.json, and for a data file without the
// run's target fields.
EvaluateSummary evaluate_run(const std::filesystem::path& run_dir, const std::string& data_file,
                             const EvaluateOptions& options = {});

// The lines `wavelearn evaluate` prints: a small table of the key numbers and the paths.
std::string format_evaluation(const EvaluateSummary& summary);

// Scores of the given dataset rows (in that order) from a TorchScript model: its `score`
// method when it has one, else forward. Row-major (rows.size() x n_scores) doubles; n_scores
// is set. Batches of batch_size, memory bounded by the batch.
std::vector<double> score_rows(const std::filesystem::path& model_pt,
                               std::shared_ptr<data::Dataset> dataset,
                               const std::vector<std::size_t>& rows,
                               std::shared_ptr<const data::Preprocessor> preprocessor,
                               std::size_t batch_size, std::size_t& n_scores);

}  // namespace wl::train
