// `wavelearn train` for the generator family: the run layer's directory, split, resume and
// records around GeneratorModel (docs/generative.md).
#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "gen_run.hpp"
#include "translation.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/data/target_file.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/train/interrupt.hpp"
#include "wavelearn/train/resume_guard.hpp"

namespace wl::gen {

namespace fs = std::filesystem;
using core::InputError;

namespace detail {

uint64_t step_seed(uint64_t seed, int64_t epoch, int64_t batch) {
  uint64_t x = seed ^ (static_cast<uint64_t>(epoch) * 0x9E3779B97F4A7C15ULL) ^
               (static_cast<uint64_t>(batch) * 0xD1B54A32D192ED03ULL);
  return core::splitmix64(x);
}

Tensors to_tensors(const PreparedShapes& p, int64_t L, int64_t C) {
  const auto n = static_cast<int64_t>(p.size());
  Tensors t;
  t.x = torch::from_blob(const_cast<float*>(p.shapes.data()), {n, L}, torch::kFloat).clone();
  t.c = torch::from_blob(const_cast<float*>(p.conditions.data()), {n, C}, torch::kFloat).clone();
  return t;
}

}  // namespace detail

namespace {

using detail::EpochRow;

// Adds a batch's losses, weighted by its size, into sums.
void accumulate(const StepLosses& s, double w, EpochRow& sums, bool train) {
  (train ? sums.train_loss : sums.val_loss) += w * s.loss;
  for (const auto& [k, v] : s.parts) sums.parts[(train ? "train_" : "val_") + k] += w * v;
}

void normalise(EpochRow& row, double n_train, double n_val) {
  row.train_loss /= n_train;
  row.val_loss = n_val > 0 ? row.val_loss / n_val : std::nan("");
  for (auto& [k, v] : row.parts) v /= k.rfind("train_", 0) == 0 ? n_train : n_val;
}

// The validation events in fixed batches with fixed seeds: comparable from epoch to epoch.
void validate(GeneratorModel& model, const detail::Tensors& val, uint64_t seed, EpochRow& row) {
  const int64_t n = val.x.size(0), batch = 512;
  for (int64_t b = 0; b * batch < n; ++b) {
    const int64_t len = std::min(batch, n - b * batch);
    const auto s = model.evaluate(val.x.narrow(0, b * batch, len), val.c.narrow(0, b * batch, len),
                                  detail::step_seed(seed, -1, b));
    accumulate(s, static_cast<double>(len), row, false);
  }
}

// One epoch: a permutation that is a pure function of (seed, epoch), so a resumed run
// repeats the uninterrupted one; the last partial batch is kept when it holds 2+ events.
EpochRow run_epoch(GeneratorModel& model, const detail::Tensors& train, const detail::Tensors& val,
                   const detail::GenConfig& g, int64_t epoch) {
  const auto t0 = std::chrono::steady_clock::now();
  const int64_t n = train.x.size(0);
  std::vector<int64_t> order(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  core::Rng rng(g.init_seed, static_cast<uint64_t>(epoch) + 1);
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[rng.below(i + 1)]);
  const auto perm = torch::from_blob(order.data(), {n}, torch::kLong);
  EpochRow row;
  row.epoch = epoch + 1;
  double seen = 0;
  for (int64_t b = 0; b * g.batch_size < n; ++b) {
    const int64_t len = std::min(g.batch_size, n - b * g.batch_size);
    if (len < 2 && b > 0) break;
    if (train::interrupt_requested())
      throw core::Interrupted("interrupted: train stopped; the checkpoint of the last completed epoch is kept (--resume)");
    const auto idx = perm.narrow(0, b * g.batch_size, len);
    const auto s = model.train_step(train.x.index_select(0, idx), train.c.index_select(0, idx),
                                    detail::step_seed(g.init_seed, epoch, b));
    if (!std::isfinite(s.loss))
      throw InputError("train: the loss became " + std::to_string(s.loss) + " in epoch " + std::to_string(epoch + 1) +
                       " (lower train.lr)");
    accumulate(s, static_cast<double>(len), row, true);
    seen += static_cast<double>(len);
  }
  validate(model, val, g.init_seed, row);
  normalise(row, seen, static_cast<double>(val.x.size(0)));
  row.samples = seen;
  row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return row;
}

void print_epoch(const EpochRow& r, int64_t epochs) {
  std::string parts;
  for (const auto& [k, v] : r.parts) parts += " " + k + " " + std::to_string(v);
  std::fprintf(stderr, "epoch %lld/%lld: train loss %.6g, validation loss %.6g;%s (%.1f s)\n",
               static_cast<long long>(r.epoch), static_cast<long long>(epochs), r.train_loss, r.val_loss,
               parts.c_str(), r.seconds);
}

// Loads the checkpoint on --resume (refusing a changed config or data), records the start.
void start_or_resume(GeneratorModel& model, const detail::GenConfig& g, const core::Config& config,
                     const GenTrainOptions& o, std::vector<EpochRow>& history) {
  const auto ckpt = o.out / "checkpoint.pt";
  const bool has = fs::exists(ckpt);
  if (o.resume && !has && fs::exists(o.out / "history.csv"))
    throw InputError(ckpt.string() + ": missing, but history.csv records finished epochs; the run cannot continue "
                     "(start again with --force)");
  if (o.resume && has) {
    const auto s = detail::load_state_file(ckpt);
    model.load_state(s.tensors);
    history = detail::history_from_text(s.text.count("history") ? s.text.at("history") : "", ckpt);
  }
  if (o.resume)
    train::check_resume(o.out, config, g.data_file, o.resume_with_changes, static_cast<int64_t>(history.size()));
  if (!o.resume || !fs::exists(o.out / "resume.json")) train::record_start(o.out, g.data_file);
  config.write(o.out / "config.toml", true);
}

// Epochs until train.epochs; the checkpoint and history.csv after every epoch.
double fit(GeneratorModel& model, const detail::Prepared& d, const detail::GenConfig& g, const GenTrainOptions& o,
           std::vector<EpochRow>& history) {
  double seconds = 0;
  for (auto e = static_cast<int64_t>(history.size()); e < g.epochs; ++e) {
    history.push_back(run_epoch(model, d.train, d.val, g, e));
    seconds += history.back().seconds;
    if (!o.quiet) print_epoch(history.back(), g.epochs);
    detail::StateFile ckpt;
    ckpt.tensors = model.state();
    ckpt.text["history"] = detail::history_csv(history);
    detail::save_state_file(ckpt, o.out / "checkpoint.pt");
    detail::write_history(history, o.out / "history.csv");
  }
  return seconds;
}

}  // namespace

namespace detail {

Prepared prepare_run_data(const GenConfig& g, const GenTrainOptions& o) {
  auto reader = io::open_reader(g.data_file);
  const auto parts = file_parts(*reader, g.fractions, g.seed, g.group_by);
  Prepared d;
  std::vector<std::size_t> train, val;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == core::kTrainPart) train.push_back(i);
    if (parts[i] == core::kValidationPart) val.push_back(i);
    if (parts[i] == core::kTestPart) ++d.n_test;
  }
  if (train.empty()) throw InputError(g.data_file + ": no training events (data.train_fraction)");
  if (!o.quiet) std::fprintf(stderr, "preparing %zu training and %zu validation events\n", train.size(), val.size());
  d.render = fit_render_model(*reader, train, g.prep);
  const auto tr = prepare_shapes(*reader, train, d.render);
  const auto va = prepare_shapes(*reader, val, d.render);
  if (tr.size() < 2) throw InputError(g.data_file + ": fewer than 2 usable training events");
  d.train = to_tensors(tr, d.render.window_samples, d.render.conditions());
  d.val = to_tensors(va, d.render.window_samples, d.render.conditions());
  return d;
}

}  // namespace detail

namespace {

// cyclegan: data.target_file (required) and energy-only conditions, read before the
// config's keys are checked; "" for the other generators (which leave the key unread, so a
// data.target_file given to them is refused as unknown).
std::string translation_target(const core::Config& config, const GeneratorSpec& spec, const detail::GenConfig& g) {
  if (spec.type != "cyclegan") return "";
  const auto path = data::target_file_from(config);
  if (path.empty())
    throw InputError("model.type = cyclegan needs data.target_file, the unlabelled target-domain file "
                     "(--set data.target_file=FILE)");
  detail::check_translation_prep(g.prep);
  return path;
}

std::string train_claimed(core::Config config, const run::RunDir& dir, const GenTrainOptions& o) {
  if (o.data.empty() && o.resume && !config.has("data.file") && dir.has("config.toml")) {
    const auto saved = core::Config::load(dir.file("config.toml"));
    if (saved.has("data.file")) config.set_string("data.file", saved.get<std::string>("data.file"), "config.toml");
  }
  at::set_num_threads(core::resolve_threads(o.threads));
  const auto g = detail::read_gen_config(config);
  auto spec = generator_spec_from(config, g.prep.window_samples, 1);
  const auto target_file = translation_target(config, spec, g);
  config.check_all_used();
  detail::check_noise_choice(spec.type, g.noise);
  auto d = detail::prepare_run_data(g, o);
  spec.conditions = d.render.conditions();
  std::optional<detail::TargetDomain> target;
  if (!target_file.empty()) target = detail::prepare_target(target_file, g, d.render, o.quiet);
  torch::manual_seed(g.init_seed);
  auto model = make_generator(spec);
  if (target) model->set_target_domain(target->train.x, target->train.c, target->val.x, target->val.c);
  std::vector<EpochRow> history;
  start_or_resume(*model, g, config, o, history);
  const auto first = static_cast<int64_t>(history.size());
  const double seconds = fit(*model, d, g, o, history);
  auto text = detail::finish_run(*model, d, g, spec, dir, history, first, seconds);
  if (target) {
    detail::save_target(*target, dir);
    text += "translate: wavelearn translate --model " + dir.path().string() + " --data sim.h5 --out translated.h5\n";
  }
  return text;
}

}  // namespace

std::string train_generator(core::Config config, const GenTrainOptions& o) {
  if (!o.data.empty()) config.set_string("data.file", o.data, "--data");
  auto dir = std::make_unique<run::RunDir>(run::RunDir::claim_for_training(o.out, o.force, o.resume));
  try {
    return train_claimed(std::move(config), *dir, o);
  } catch (const core::Interrupted&) {
    throw;  // its checkpoint stays for --resume
  } catch (...) {
    discard_failed_start(std::move(dir));
    throw;
  }
}

}  // namespace wl::gen
