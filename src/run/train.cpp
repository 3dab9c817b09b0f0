#include "wavelearn/run/train.hpp"

#include <cstdio>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/tabular/model.hpp"

namespace wl::run {

bool is_tabular_config(const core::Config& config) {
  return config.has("model.type") && tabular::is_tabular_type(config.get<std::string>("model.type"));
}

TrainResult train_run(core::Config config, const TrainOptions& o) {
  const bool tabular = is_tabular_config(config);
  if (tabular && o.data.empty())
    throw core::InputError("train: model.type = \"" + config.get<std::string>("model.type") +
                           "\" needs --data FEATURES.h5 (from `wavelearn dsp FILE --out FEATURES.h5`)");
  if (tabular && o.resume)
    throw core::InputError("train: --resume applies to neural networks; model.type = \"" +
                           config.get<std::string>("model.type") + "\" trains in one pass");
  // Read before training, so an unknown key still fails before any work.
  const int replicas = config.get<int>("eval.bootstrap_replicas", 200);
  const auto dir = RunDir::claim_for_training(o.out, o.force, o.resume);
  TrainResult r;
  r.summary = tabular ? train_tabular(config, dir, o) : train_neural(config, dir, o);
  // The model is saved: a failing report only warns, and evaluate can be rerun.
  try {
    EvaluateOptions eo;
    eo.force = true;  // the run directory was claimed above
    eo.quiet = o.quiet;
    eo.threads = o.threads;
    eo.bootstrap_replicas = replicas;
    r.evaluation = evaluate_run(o.out, "", eo);
    r.evaluated = true;
  } catch (const core::InputError& e) {
    std::fprintf(stderr, "warning: %s: the model is saved but its evaluation failed: %s (retry with `wavelearn "
                 "evaluate --model %s`)\n", o.out.string().c_str(), e.what(), o.out.string().c_str());
  }
  return r;
}

}  // namespace wl::run
