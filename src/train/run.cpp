#include "wavelearn/train/run.hpp"
#include "wavelearn/train/evaluate.hpp"

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
#include "wavelearn/io/table.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"
#include "wavelearn/train/interrupt.hpp"
#include "wavelearn/train/trainer.hpp"

namespace fs = std::filesystem;

namespace wl::train {

namespace {

void prepare_directory(const RunOptions& o) {
  if (fs::exists(o.out)) {
    if (!fs::is_directory(o.out)) throw core::InputError(o.out.string() + ": exists and is not a directory");
    if (o.resume) return;
    if (!o.force && !fs::is_empty(o.out))
      throw core::InputError(o.out.string() + ": run directory exists (use --force to replace its files, or --resume)");
  } else {
    if (o.resume) throw core::InputError(o.out.string() + ": no run directory to resume");
    fs::create_directories(o.out);
  }
}

torch::Tensor rows_targets(const data::Dataset& ds, const std::vector<std::size_t>& rows) {
  const auto t = static_cast<int64_t>(ds.n_targets());
  auto out = torch::empty({static_cast<int64_t>(rows.size()), t});
  auto* p = out.data_ptr<float>();
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::copy(ds.targets(rows[i]), ds.targets(rows[i]) + t, p + static_cast<int64_t>(i) * t);
  return out;
}

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

RunSummary run_training(const core::Config& config, const RunOptions& o) {
  prepare_directory(o);
  at::set_num_threads(core::resolve_threads(o.threads));

  auto data = data::prepare_training_data(config);
  const auto& ds = *data.dataset;
  const auto model_spec = nn::model_spec_from(config);
  nn::Head head(nn::head_spec_from(config, ds.target_names(), static_cast<int64_t>(ds.n_classes()),
                                   ds.config().open.fields.energy));
  const auto train_spec = train_spec_from(config);
  config.check_all_used();

  const auto input_samples = static_cast<int64_t>(data.preprocessor->window_length_samples());
  head.fit_target_scaling(rows_targets(ds, data.split.train));
  torch::manual_seed(train_spec.seed);
  auto model = nn::build_model(model_spec, input_samples, head.n_outputs());
  nn::attach_head(model, head);
  Trainer trainer(model, head, train_spec, o.quiet);

  const auto ckpt = o.out / "checkpoint.pt";
  if (o.resume) trainer.load_checkpoint(ckpt);
  config.write(o.out / "config.toml", true);
  data.preprocessor->save(o.out / "preprocess.json", true);

  LoaderSource train_src(*data.train), val_src(*data.validation);
  const int64_t first_epoch = trainer.state().epochs_done;
  const auto t0 = std::chrono::steady_clock::now();
  auto on_epoch = [&](const Trainer& t) {
    t.save_checkpoint(ckpt);
    core::write_text_atomically(o.out / "history.csv", history_csv(t.state(), head.metric_name()));
  };
  try {
    trainer.fit(train_src, data.split.validation.empty() ? nullptr : &val_src, on_epoch);
  } catch (const core::Interrupted&) {
    if (!fs::exists(ckpt)) trainer.save_checkpoint(ckpt);
    throw;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (trainer.state().epochs_done == first_epoch && !fs::exists(o.out / "history.csv")) on_epoch(trainer);

  RunSummary s;
  s.out = o.out;
  s.model_type = model_spec.type;
  s.task_kind = head.spec().kind;
  s.metric_name = head.metric_name();
  s.parameters = nn::count_parameters(model);
  s.epochs_done = trainer.state().epochs_done;
  s.best_epoch = trainer.state().best_epoch;
  s.stopped_early = trainer.state().stopped_early;
  s.n_train = data.split.train.size();
  s.n_validation = data.split.validation.size();
  s.train_seconds = seconds;
  const auto epochs_run = trainer.state().epochs_done - first_epoch;
  s.train_samples_per_s = seconds > 0 ? static_cast<double>(epochs_run) *
                                            static_cast<double>(data.train->n_batches() *
                                                                data.train->options().batch_size) /
                                            seconds
                                      : 0.0;

  // Export the best epoch's weights; evaluate them on every validation event, in order.
  trainer.restore_best();
  nlohmann::json meta;
  meta["format"] = "wavelearn-model";
  meta["version"] = 1;
  meta["model_type"] = model_spec.type;
  meta["input_samples"] = input_samples;
  meta["n_outputs"] = head.n_outputs();
  meta["head"] = nlohmann::json::parse(head.to_json());
  meta["seed"] = train_spec.seed;
  nn::save_model(trainer.model(), o.out / "model.pt", meta.dump(), data.preprocessor->to_json(), true);

  data.train.reset();
  auto lo = data::loader_options_from(config);
  lo.shuffle = false;
  lo.drop_last = false;
  lo.seed = data.seed;
  io::Table table;
  Evaluation ev;
  if (!data.split.validation.empty()) {
    data::BatchLoader all_val(data.dataset, data.split.validation, data.preprocessor, lo);
    LoaderSource src(all_val);
    ev = trainer.evaluate(src);
    s.inference_samples_per_s = ev.seconds > 0 ? static_cast<double>(ev.scores.size(0)) / ev.seconds : 0.0;
    s.val_loss = ev.loss;
    s.val_metric = ev.metric;
    std::vector<double> ids, rows;
    const auto* r = ev.rows.data_ptr<int64_t>();
    for (int64_t i = 0; i < ev.rows.numel(); ++i) {
      ids.push_back(static_cast<double>(ds.event_id(static_cast<std::size_t>(r[i]))));
      rows.push_back(static_cast<double>(ds.file_event(static_cast<std::size_t>(r[i]))));
    }
    table.add("id", ids);
    table.add("event_index", rows);
    const auto names = head.score_names();
    const auto sc = ev.scores.to(torch::kDouble).contiguous();
    for (std::size_t c = 0; c < names.size(); ++c) {
      const auto col = sc.select(1, static_cast<int64_t>(c)).contiguous();
      table.add(names[c], std::vector<double>(col.data_ptr<double>(), col.data_ptr<double>() + col.numel()));
    }
    const auto tg = ev.targets.to(torch::kDouble).contiguous();
    for (std::size_t c = 0; c < ds.target_names().size() && tg.numel() > 0; ++c) {
      const auto col = tg.select(1, static_cast<int64_t>(c)).contiguous();
      std::vector<double> v(col.data_ptr<double>(), col.data_ptr<double>() + col.numel());
      if (c == 0 && head.label_column() == 0) table.add("label", v);
      table.add("true_" + ds.target_names()[c], std::move(v));
    }
    table.attributes["model"] = model_spec.type;
    table.attributes["task"] = head.spec().kind;
    table.attributes["split"] = "validation";
    io::write_table_h5((o.out / "predictions.h5").string(), table, true);
  }

  nlohmann::json m;
  m["model_type"] = model_spec.type;
  m["task"] = head.spec().kind;
  m["metric"] = head.metric_name();
  m["val_loss"] = number(s.val_loss);
  m["val_" + head.metric_name()] = number(s.val_metric);
  m["best_epoch"] = s.best_epoch;
  m["epochs_done"] = s.epochs_done;
  m["stopped_early"] = s.stopped_early;
  m["parameters"] = s.parameters;
  m["n_train"] = s.n_train;
  m["n_validation"] = s.n_validation;
  m["train_seconds"] = seconds;
  m["train_samples_per_s"] = s.train_samples_per_s;
  m["inference_samples_per_s"] = number(s.inference_samples_per_s);
  m["inference_batch_size"] = lo.batch_size;
  m["seed"] = train_spec.seed;
  m["threads"] = at::get_num_threads();
  m["torch_version"] = TORCH_VERSION;
  m["data_file"] = ds.config().path;
  m["data_file_bytes"] = fs::file_size(ds.config().path);
  m["data_selected_events"] = ds.size();
  if (!trainer.state().history.empty()) {
    m["final_train_loss"] = number(trainer.state().history.back().train_loss);
    m["final_epoch_val_loss"] = number(trainer.state().history.back().val_loss);
  }
  core::write_text_atomically(o.out / "metrics.json", m.dump(2) + "\n");

  // The run report (plots/, report.html, MODEL_CARD.md, metrics merged into metrics.json) on
  // the validation events. The model is already written, so a report failure only warns.
  try {
    EvaluateOptions eo;
    eo.force = true;
    eo.quiet = o.quiet;
    eo.threads = o.threads;
    s.report = evaluate_run(o.out, "", eo).report_dir / "report.html";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "warning: %s: the model is saved but its report failed: %s "
                 "(retry with `wavelearn evaluate --model %s`)\n",
                 o.out.string().c_str(), e.what(), o.out.string().c_str());
  }
  return s;
}

std::string format_summary(const RunSummary& s) {
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "trained %s (%lld parameters, task %s) for %lld epochs%s; best epoch %lld\n"
                "validation: loss %.5g, %s %.4f on %zu events (%zu training events)\n"
                "speed: %.0f training samples/s over %.1f s; %.0f inference samples/s\n"
                "wrote %s/{model.pt, preprocess.json, config.toml, checkpoint.pt, history.csv, "
                "metrics.json, predictions.h5}\n%s%s%s",
                s.model_type.c_str(), static_cast<long long>(s.parameters), s.task_kind.c_str(),
                static_cast<long long>(s.epochs_done), s.stopped_early ? " (stopped early)" : "",
                static_cast<long long>(s.best_epoch), s.val_loss, s.metric_name.c_str(),
                s.val_metric, s.n_validation, s.n_train, s.train_samples_per_s, s.train_seconds,
                s.inference_samples_per_s,
                s.out.string().c_str(), s.report.empty() ? "" : "report: ",
                s.report.string().c_str(), s.report.empty() ? "" : "\n");
  return buf;
}

}  // namespace wl::train
