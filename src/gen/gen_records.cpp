// What a finished generator run writes: the model, the render model, the records and the
// model card.
#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "gen_run.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/report/model_card.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::gen::detail {

namespace {

constexpr int64_t kFinishEvents = 20000;  // training shapes the final fit sees
constexpr int64_t kSpeedEvents = 1024;    // shapes sampled to time generation

run::RunRecord generator_record(const GenConfig& g, const GeneratorSpec& spec, const std::string& name) {
  run::RunRecord r;
  r.family = "generator";
  r.model_type = spec.type;
  r.task = "generate";
  r.targets = {};
  r.training_file = core::absolute_file_spec(g.data_file);
  r.split = {g.fractions, g.group_by, g.seed, true};
  r.name = name;
  return r;
}

// Normalised shapes per second from the model alone (no rendering, no file).
double sampling_rate(GeneratorModel& model, const Tensors& t) {
  const int64_t n = std::min<int64_t>(kSpeedEvents, t.c.size(0));
  if (n == 0) return std::nan("");
  const auto t0 = std::chrono::steady_clock::now();
  if (model.type() == "cyclegan")
    model.translate(t.x.narrow(0, 0, n), t.c.narrow(0, 0, n));  // a translator's rate: shapes translated/s
  else
    model.sample(t.c.narrow(0, 0, n), 1);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s > 0 ? static_cast<double>(n) / s : std::nan("");
}

nlohmann::json training_block(const Prepared& d, const GenConfig& g, const GeneratorSpec& spec,
                              const std::vector<EpochRow>& history, int64_t first, double seconds,
                              int64_t parameters, double rate) {
  double samples = 0;
  for (std::size_t e = static_cast<std::size_t>(first); e < history.size(); ++e) samples += history[e].samples;
  const auto& last = history.back();
  nlohmann::json t = {{"family", "generator"}, {"model_type", spec.type}, {"parameters", parameters},
                      {"max_epochs", g.epochs}, {"epochs_done", history.size()},
                      {"train_loss", eval::finite_or_null(last.train_loss)},
                      {"val_loss", eval::finite_or_null(last.val_loss)},
                      {"n_train", d.train.x.size(0)}, {"n_validation", d.val.x.size(0)}, {"n_test", d.n_test},
                      {"window_samples", spec.samples}, {"conditions", spec.conditions},
                      {"train_seconds", seconds},
                      {"train_samples_per_s", seconds > 0 ? samples / seconds : 0.0},
                      {"sample_shapes_per_s", eval::finite_or_null(rate)}, {"noise", g.noise},
                      {"seed", g.seed}, {"threads", at::get_num_threads()}, {"torch_version", TORCH_VERSION},
                      {"data_file", g.data_file}, {"render", render_summary(d.render)}};
  for (const auto& [k, v] : last.parts) t[k] = eval::finite_or_null(v);
  return t;
}

}  // namespace

std::string finish_run(GeneratorModel& model, const Prepared& d, const GenConfig& g, const GeneratorSpec& spec,
                       const run::RunDir& dir, const std::vector<EpochRow>& history, int64_t first_epoch,
                       double seconds) {
  const int64_t n = std::min<int64_t>(kFinishEvents, d.train.x.size(0));
  model.finish_training(d.train.x.narrow(0, 0, n), d.train.c.narrow(0, 0, n));
  StateFile out;
  out.tensors = model.state();
  save_state_file(out, dir.file("model.pt"));
  save_render_model(d.render, dir.path());
  write_generator_info({spec, g.noise, g.data_file, g.seed}, dir);
  const std::string name = g.name.empty() ? dir.path().filename().string() : g.name;
  run::write_run_record(dir, generator_record(g, spec, name));
  const double rate = sampling_rate(model, d.val.x.size(0) > 0 ? d.val : d.train);
  const auto training = training_block(d, g, spec, history, first_epoch, seconds, model.parameter_count(), rate);
  dir.write_json("metrics.json", {{"training", training}});
  write_generator_card(training, spec, d.render, name, dir.file("MODEL_CARD.md"));
  char buf[768];
  std::snprintf(buf, sizeof buf,
                "trained %s generator (%lld parameters) for %zu epochs on %lld shapes of %lld samples\n"
                "last epoch: train loss %.6g, validation loss %.6g (%lld events; %zu held-out test events)\n"
                "speed: %.0f training samples/s; %.0f shapes/s sampled\n"
                "generate: wavelearn generate --model %s --events N --out gen.h5\n",
                spec.type.c_str(), static_cast<long long>(model.parameter_count()), history.size(),
                static_cast<long long>(d.train.x.size(0)), static_cast<long long>(spec.samples),
                history.back().train_loss, history.back().val_loss, static_cast<long long>(d.val.x.size(0)),
                d.n_test, training["train_samples_per_s"].get<double>(), std::isfinite(rate) ? rate : 0.0,
                dir.path().string().c_str());
  return buf;
}

}  // namespace wl::gen::detail
