// The neural family's training step: train/ does the epochs; this records the run.
#include <ATen/Parallel.h>

#include <cstdio>
#include <filesystem>

#include "data_quality.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/data/dataset.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/train/interrupt.hpp"
#include "wavelearn/train/resume_guard.hpp"
#include "wavelearn/train/run.hpp"
#include "wavelearn/train/train_spec.hpp"

namespace wl::run {

namespace {

RunRecord neural_record(const train::RunSummary& s, const std::string& name) {
  RunRecord r;
  r.family = s.pretraining ? "pretrain" : "neural";
  if (s.init_from) r.init_from = train::to_json(*s.init_from);
  r.model_type = s.model_type;
  r.task = s.task_kind;
  r.targets = s.targets;
  // Absolute, so `evaluate --model RUN` finds it from any working directory.
  r.training_file = core::absolute_file_spec(s.data_file);
  r.energy_threshold_kev = s.energy_threshold_kev;
  r.split = {s.fractions, s.group_by, s.seed, s.keyed_split};
  r.name = name;
  return r;
}

// Converged: the best epoch lies before the last one (the validation loss had stopped
// improving), or early stopping ended the run.
nlohmann::json training_block(const train::RunSummary& s) {
  const bool converged = s.stopped_early || (s.best_epoch > 0 && s.best_epoch < s.epochs_done);
  nlohmann::json t = {{"family", s.pretraining ? "pretrain" : "neural"}, {"model_type", s.model_type}, {"task", s.task_kind},
                      {"metric", s.metric_name}, {"parameters", s.parameters}, {"max_epochs", s.max_epochs},
                      {"epochs_done", s.epochs_done}, {"best_epoch", s.best_epoch},
                      {"stopped_early", s.stopped_early}, {"converged", converged},
                      {"val_loss", eval::finite_or_null(s.val_loss)},
                      {"val_" + s.metric_name, eval::finite_or_null(s.val_metric)},
                      {"n_train", s.n_train}, {"n_validation", s.n_validation}, {"n_test", s.n_test},
                      {"train_seconds", s.train_seconds}, {"train_samples_per_s", s.train_samples_per_s},
                      {"inference_samples_per_s", eval::finite_or_null(s.inference_samples_per_s)},
                      {"inference_batch_size", s.inference_batch_size}, {"seed", s.seed}, {"threads", s.threads},
                      {"device", s.device}, {"mixed_precision", s.mixed_precision},
                      {"torch_version", TORCH_VERSION}, {"data_file", s.data_file},
                      {"data_file_bytes", core::total_file_bytes(s.data_file)}};
  if (s.init_from) t["init_from"] = train::to_json(*s.init_from);
  t["world_size"] = s.world_size;
  if (s.world_size > 1) t["all_reduce_ms_per_step"] = s.all_reduce_ms_per_step;
  if (!converged)
    t["convergence"] = "the validation loss was still improving at the last epoch (best epoch " +
                       std::to_string(s.best_epoch) + " of " + std::to_string(s.epochs_done) +
                       "): train longer (train.epochs)";
  return t;
}

// The DSP chain's verdict on the first events of the training file, warned about when most
// are unusable. On a copy of the config, so the survey marks no key as read.
nlohmann::json survey_training_file(const core::Config& config) {
  const core::Config probe = config;
  const auto dataset = data::dataset_config_from(probe);
  const auto& open = dataset.open;
  const auto& path = dataset.path;
  try {
    const auto survey = detail::survey_quality(path, open);
    const auto warning = detail::quality_warning(survey);
    if (!warning.empty()) std::fprintf(stderr, "warning: %s\n", warning.c_str());
    return detail::quality_json(survey);
  } catch (const core::InputError& e) {
    return {{"error", std::string("not surveyed: ") + e.what()}};
  }
}

// The configuration with data.file from --data, or on resume from the run's config.toml.
core::Config with_data_file(const core::Config& config_in, const TrainOptions& o) {
  core::Config config = config_in;
  // Set verbatim: a path is not TOML (quotes and backslashes must survive).
  if (!o.data.empty()) config.set_string("data.file", o.data, "--data");
  // Resuming with a preset and no --data continues on the run's own file (its config.toml
  // is written before the first epoch, so an interrupted run has it).
  const auto saved_path = o.out / "config.toml";
  if (o.data.empty() && o.resume && !config.has("data.file") && std::filesystem::exists(saved_path)) {
    const auto saved = core::Config::load(saved_path);
    if (saved.has("data.file"))
      config.set_string("data.file", saved.get<std::string>("data.file"), saved_path.string());
  }
  return config;
}

}  // namespace

void train_neural_rank(const core::Config& config_in, const TrainOptions& o) {
  const core::Config config = with_data_file(config_in, o);
  (void)config.get<std::string>("name", "");  // rank 0 records it; read so it counts as known
  train::RunOptions ro{o.out, o.resume, o.resume_with_changes, true, o.threads, o.dist};
  train::install_interrupt_handler();
  train::run_training(config, ro);
}

std::string train_neural(const core::Config& config_in, const RunDir& dir, const TrainOptions& o) {
  core::Config config = with_data_file(config_in, o);
  {
    const core::Config probe = config;  // the members read every key themselves
    const int members = train::train_spec_from(probe).ensemble;
    if (members > 1) return train_ensemble(config, dir, o, members);
  }
  const std::string name = config.get<std::string>("name", dir.path().filename().string());
  train::RunOptions ro{dir.path(), o.resume, o.resume_with_changes, o.quiet, o.threads, o.dist};
  train::install_interrupt_handler();
  const auto s = train::run_training(config, ro);
  // After training, so that a config error is the only line a refused run prints.
  const auto quality = survey_training_file(config);
  write_run_record(dir, neural_record(s, name));
  auto training = training_block(s);
  const auto changes = train::recorded_changes(dir.path());
  if (!changes.empty()) training["resumed_with_changes"] = changes;
  training["data_quality"] = quality;
  dir.write_json("metrics.json", {{"training", training}});
  if (s.pretraining)
    return train::format_summary(s) + "pretraining run (no scores): fine-tune from it with --set train.init_from=" +
           dir.path().string() + "\n";
  return train::format_summary(s);
}

}  // namespace wl::run
