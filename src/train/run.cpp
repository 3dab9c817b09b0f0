#include "wavelearn/train/run.hpp"

#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/data/loader.hpp"
#include "wavelearn/data/pipeline.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"
#include "wavelearn/train/dann.hpp"
#include "wavelearn/train/device.hpp"
#include "wavelearn/train/init_from.hpp"
#include "wavelearn/train/interrupt.hpp"
#include "wavelearn/train/resume_guard.hpp"
#include "wavelearn/train/trainer.hpp"

namespace fs = std::filesystem;

namespace wl::train {

namespace {

torch::Tensor rows_targets(const data::Dataset& ds, const std::vector<std::size_t>& rows) {
  const auto t = static_cast<int64_t>(ds.n_targets());
  auto out = torch::empty({static_cast<int64_t>(rows.size()), t});
  auto* p = out.data_ptr<float>();
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::copy(ds.targets(rows[i]), ds.targets(rows[i]) + t, p + static_cast<int64_t>(i) * t);
  return out;
}

// Epochs until the end or an interrupt; the checkpoint and history.csv after every epoch.
double fit_epochs(Trainer& trainer, const data::TrainingData& data, const nn::Head& head, const RunOptions& o) {
  const auto ckpt = o.out / "checkpoint.pt";
  LoaderSource train_src(*data.train), val_src(*data.validation);
  const int64_t first_epoch = trainer.state().epochs_done;
  const auto t0 = std::chrono::steady_clock::now();
  auto on_epoch = [&](const Trainer& t) {
    if (o.dist.rank != 0) return;  // one writer: rank 0
    t.save_checkpoint(ckpt);
    core::write_text_atomically(o.out / "history.csv", history_csv(t.state(), head.metric_name()));
  };
  // An interrupt leaves the checkpoint of the last completed epoch: the weights of a
  // half-done epoch are never saved, so a resume repeats the uninterrupted run exactly (before
  // the first checkpoint it starts again from epoch 0).
  trainer.fit(train_src, data.split.validation.empty() ? nullptr : &val_src, on_epoch);
  if (trainer.state().epochs_done == first_epoch && !fs::exists(o.out / "history.csv")) on_epoch(trainer);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The run's training time, also when it was resumed: the epochs before this process from
// the history (a study's time column would otherwise count only the resumed part).
double whole_run_seconds(const Trainer& trainer, int64_t first_epoch, double fit_seconds) {
  double seconds = fit_seconds;
  for (const auto& r : trainer.state().history)
    if (r.epoch <= first_epoch) seconds += r.seconds;
  return seconds;
}

void export_model(Trainer& trainer, const data::TrainingData& data, const nn::Head& head,
                  const std::string& model_type, int64_t input_samples, uint64_t seed, const fs::path& out) {
  trainer.restore_best();
  nlohmann::json meta;
  meta["format"] = "wavelearn-model";
  meta["version"] = 1;
  meta["model_type"] = model_type;
  meta["input_samples"] = input_samples;
  meta["n_outputs"] = head.n_outputs();
  meta["head"] = nlohmann::json::parse(head.to_json());
  meta["seed"] = seed;
  // model.pt holds CPU tensors, whatever device trained: it loads anywhere (also in Python
  // without a map_location). Module::to moves the parameters in place, so the trainer's
  // optimizer still holds them when they come back.
  const auto device = trainer.device();
  if (!device.is_cpu()) trainer.model().to(torch::kCPU);
  nn::save_model(trainer.model(), out / "model.pt", meta.dump(), data.preprocessor->to_json(), true);
  if (!device.is_cpu()) trainer.model().to(device);
}

// The exported weights on every validation event, in order: the loss and metric the summary
// reports, and the inference rate.
void validate_best(Trainer& trainer, data::TrainingData& data, const core::Config& config, RunSummary& s) {
  if (data.split.validation.empty()) return;
  auto lo = data::loader_options_from(config);
  lo.shuffle = false;
  lo.drop_last = false;
  lo.seed = data.seed;
  data::BatchLoader all_val(data.dataset, data.split.validation, data.preprocessor, lo);
  LoaderSource src(all_val);
  const auto ev = trainer.evaluate(src);
  s.inference_samples_per_s = ev.seconds > 0 ? static_cast<double>(ev.scores.size(0)) / ev.seconds : 0.0;
  s.inference_batch_size = lo.batch_size;
  s.val_loss = ev.loss;
  s.val_metric = ev.metric;
}

void describe_data(const data::TrainingPlan& plan, const data::TrainingData& data, RunSummary& s) {
  const auto& ds = *data.dataset;
  s.targets = ds.target_names();
  s.data_file = ds.config().path;
  s.energy_threshold_kev = ds.config().has_threshold ? ds.config().energy_threshold_kev : -1.0;
  s.fractions = {plan.split.train_fraction, plan.split.validation_fraction, plan.split.test_fraction};
  s.group_by = plan.split.group_by;
  s.keyed_split = plan.split.keyed;
  s.seed = plan.seed;
  s.n_train = data.split.train.size();
  s.n_validation = data.split.validation.size();
  s.n_test = data.split.test.size();
}

// On --resume every rank reads the checkpoint; rank 0 alone checks and records the start and
// writes the resolved configuration and preprocessing (the other ranks write nothing).
void resume_or_start(Trainer& trainer, const core::Config& config, const data::TrainingData& data,
                     const RunOptions& o) {
  const auto& data_file = data.dataset->config().path;
  // A run killed before its first checkpoint resumes from epoch 0: nothing was trained yet,
  // and the seeds make that the uninterrupted run.
  const bool has_checkpoint = fs::exists(o.out / "checkpoint.pt");
  if (o.resume && !has_checkpoint && fs::exists(o.out / "history.csv"))
    throw core::InputError((o.out / "checkpoint.pt").string() + ": missing, but history.csv records finished "
                           "epochs; the run cannot continue (start again with --force)");
  if (o.resume && has_checkpoint) trainer.load_checkpoint(o.out / "checkpoint.pt");
  if (o.dist.rank != 0) return;
  if (o.resume) check_resume(o.out, config, data_file, o.resume_with_changes, trainer.state().epochs_done);
  if (!o.resume || !fs::exists(o.out / "resume.json")) record_start(o.out, data_file);
  config.write(o.out / "config.toml", true);
  data.preprocessor->save(o.out / "preprocess.json", true);
}

}  // namespace

RunSummary run_training(const core::Config& config, const RunOptions& o) {
  at::set_num_threads(core::resolve_threads(o.threads));
  // A device this machine lacks is refused before anything is read.
  torch_device(train_spec_from(config).device, "train.device");
  auto plan = data::plan_training_data(config);
  plan.loader.shard_rank = static_cast<std::size_t>(o.dist.rank);
  plan.loader.shard_count = static_cast<std::size_t>(o.dist.world_size);
  const auto model_spec = nn::model_spec_from(config);
  const auto train_spec = train_spec_from(config);
  // Before minutes of reading: a missing or incompatible run is a one-line refusal, and so
  // is a rank that cannot reach the others.
  if (!train_spec.init_from.empty()) check_encoder_config(config, train_spec.init_from);
  const auto dann = dann_spec_from(config);
  std::unique_ptr<ProcessGroup> group;
  if (o.dist.active()) group = std::make_unique<ProcessGroup>(o.dist);
  auto data = data::prepare_training_data(plan);
  const auto& ds = *data.dataset;
  nn::Head head(nn::head_spec_from(config, ds.target_names(), static_cast<int64_t>(ds.n_classes()),
                                   ds.config().open.fields.energy));
  config.check_all_used();

  const auto input_samples = static_cast<int64_t>(data.preprocessor->window_length_samples());
  head.fit_target_scaling(rows_targets(ds, data.split.train));
  if (train_spec.ensemble > 1)
    throw core::InputError("train.ensemble = " + std::to_string(train_spec.ensemble) +
                           ": an ensemble is trained member by member (wavelearn train), not in one call");
  torch::manual_seed(train_spec.init_seed);
  const bool pretraining = nn::is_pretraining_kind(head.spec().kind);
  auto model = pretraining ? nn::build_pretrain_model(model_spec, input_samples, head.spec())
                           : nn::build_model(model_spec, input_samples, head.n_outputs());
  nn::attach_head(model, head);
  std::optional<EncoderInit> init;
  if (!train_spec.init_from.empty()) {
    init = load_encoder(config, train_spec.init_from, model, input_samples);
    init->freeze_encoder = train_spec.freeze_encoder;
    init->encoder_lr = train_spec.encoder_lr;
  }
  Trainer trainer(model, head, train_spec, o.quiet || o.dist.rank != 0,
                  init ? init->parameters : std::vector<std::string>{});
  if (dann.enabled) {
    if (pretraining || o.dist.active())
      throw core::InputError("train.domain_adversarial: trains a classifier in one process (not with task.kind = \"" +
                             head.spec().kind + "\" or several ranks)");
    attach_domain_adversarial(trainer, dann, plan, *data.preprocessor, input_samples);
  }
  resume_or_start(trainer, config, data, o);
  trainer.set_process_group(group.get());

  const int64_t first_epoch = trainer.state().epochs_done;
  RunSummary s;
  const double fit_seconds = fit_epochs(trainer, data, head, o);
  const auto epochs_run = trainer.state().epochs_done - first_epoch;
  const double samples = static_cast<double>(data.train->n_batches() * data.train->options().batch_size);
  s.train_samples_per_s = fit_seconds > 0 ? static_cast<double>(epochs_run) * samples / fit_seconds : 0.0;
  s.train_seconds = whole_run_seconds(trainer, first_epoch, fit_seconds);
  s.world_size = o.dist.world_size;
  if (group && group->all_reduce_calls() > 0)
    s.all_reduce_ms_per_step = 1e3 * group->all_reduce_seconds() / static_cast<double>(group->all_reduce_calls());
  if (o.dist.rank != 0) return s;  // rank 0 exports, validates and reports
  export_model(trainer, data, head, model_spec.type, input_samples, train_spec.init_seed, o.out);
  data.train.reset();
  validate_best(trainer, data, config, s);

  s.out = o.out;
  s.model_type = model_spec.type;
  s.task_kind = head.spec().kind;
  s.metric_name = head.metric_name();
  s.parameters = nn::count_parameters(model);
  s.max_epochs = train_spec.epochs;
  s.epochs_done = trainer.state().epochs_done;
  s.best_epoch = trainer.state().best_epoch;
  s.stopped_early = trainer.state().stopped_early;
  s.threads = at::get_num_threads();
  s.device = train_spec.device;
  s.mixed_precision = train_spec.mixed_precision;
  s.pretraining = pretraining;
  s.init_from = init;
  describe_data(plan, data, s);
  return s;
}

std::string format_summary(const RunSummary& s) {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "trained %s (%lld parameters, task %s) for %lld epochs%s; best epoch %lld\n"
                "validation: loss %.5g, %s %.4f on %zu events (%zu training, %zu held-out test events)\n"
                "speed: %.0f training samples/s over %.1f s; %.0f inference samples/s\n",
                s.model_type.c_str(), static_cast<long long>(s.parameters), s.task_kind.c_str(),
                static_cast<long long>(s.epochs_done), s.stopped_early ? " (stopped early)" : "",
                static_cast<long long>(s.best_epoch), s.val_loss, s.metric_name.c_str(), s.val_metric,
                s.n_validation, s.n_train, s.n_test, s.train_samples_per_s, s.train_seconds,
                s.inference_samples_per_s);
  return buf;
}

}  // namespace wl::train
