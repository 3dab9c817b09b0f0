#include "wavelearn/run/train.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/tabular/model.hpp"

namespace wl::run {

bool is_tabular_config(const core::Config& config) {
  return config.has("model.type") && tabular::is_tabular_type(config.get<std::string>("model.type"));
}

bool is_pretraining_config(const core::Config& config) {
  const core::Config probe = config;  // reads no key of the caller's
  return probe.get<std::string>("task.kind", "") == "masked_patches";
}

void check_data_parallel(const core::Config& config, int world_size) {
  const core::Config probe = config;  // reads no key of the caller's
  const std::string leave_out = ": leave out --nproc (and WORLD_SIZE)";
  if (is_tabular_config(probe))
    throw core::InputError("model.type = \"" + probe.get<std::string>("model.type") + "\" trains in one process" +
                           leave_out);
  const int members = probe.get<int>("train.ensemble", 1);
  if (members > 1)
    throw core::InputError("train.ensemble = " + std::to_string(members) +
                           ": an ensemble trains its members one after another" + leave_out);
  const auto batch = probe.get<std::size_t>("data.batch_size", 64);
  if (world_size > 0 && batch % static_cast<std::size_t>(world_size) != 0)
    throw core::InputError("data.batch_size = " + std::to_string(batch) + " does not divide into " +
                           std::to_string(world_size) + " equal shares (one per rank of the distributed run)");
}

TrainResult train_run(core::Config config, const TrainOptions& o) {
  const bool tabular = is_tabular_config(config);
  if (o.dist.active()) check_data_parallel(config, o.dist.world_size);
  if (tabular && o.data.empty())
    throw core::InputError("train: model.type = \"" + config.get<std::string>("model.type") +
                           "\" needs --data FEATURES.h5 (from `wavelearn dsp FILE --out FEATURES.h5`)");
  if (tabular && config.has("train.ensemble"))
    throw core::InputError("train.ensemble applies to neural networks; model.type = \"" +
                           config.get<std::string>("model.type") + "\" is one model");
  if (tabular && o.resume)
    throw core::InputError("train: --resume applies to neural networks; model.type = \"" +
                           config.get<std::string>("model.type") + "\" trains in one pass");
  // Read before training, so an unknown key still fails before any work.
  const int replicas = config.get<int>("eval.bootstrap_replicas", 200);
  if (replicas < 0 || replicas > 100000)
    throw core::InputError("config key 'eval.bootstrap_replicas' must be from 0 to 100000");
  TrainResult r;
  if (o.dist.rank != 0) {  // rank 0 claims, records and evaluates the run
    train_neural_rank(config, o);
    return r;
  }
  {
    auto dir = std::make_unique<RunDir>(RunDir::claim_for_training(o.out, o.force, o.resume));
    try {
      r.summary = tabular ? train_tabular(config, *dir, o) : train_neural(config, *dir, o);
    } catch (const core::Interrupted&) {
      throw;  // its checkpoint stays for --resume
    } catch (...) {
      discard_failed_start(std::move(dir));
      throw;
    }
  }
  // A pretraining run has no scores to evaluate: its use is train.init_from.
  if (!tabular && is_pretraining_config(config)) return r;
  // The model is saved: a failing report only warns, and evaluate can be rerun.
  try {
    EvaluateOptions eo;
    eo.force = true;  // the run directory was claimed above
    eo.quiet = o.quiet;
    eo.threads = o.threads;
    eo.bootstrap_replicas = replicas;
    if (!tabular) eo.device = config.get<std::string>("train.device", eo.device);  // scored where it trained
    r.evaluation = evaluate_run(o.out, "", eo);
    r.evaluated = true;
  } catch (const core::InputError& e) {
    std::fprintf(stderr, "warning: %s: the model is saved but its evaluation failed: %s (retry with `wavelearn "
                 "evaluate --model %s`)\n", o.out.string().c_str(), e.what(), o.out.string().c_str());
  }
  return r;
}

}  // namespace wl::run
