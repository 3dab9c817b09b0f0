// `wavelearn predict`: per-event scores of a trained run of any family (or any TorchScript
// file with its preprocessing).
#include <cstdio>
#include <string>

#include "command.hpp"
#include "wavelearn/run/predict.hpp"

namespace {

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::run::PredictOptions>();
  auto model = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto pre = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand("predict", "apply a trained model to a waveform file or feature table");
  cmd->add_option("-m,--model", *model, "run directory, or a TorchScript model.pt")->required()->check(wl::app::path_given());
  cmd->add_option("--preprocess", *pre, "preprocess.json for a TorchScript file without its own")->check(wl::app::path_given());
  cmd->add_option("--data", o->data, "waveform file(s) (neural runs: a glob, a comma list or --data repeated) or "
                  "feature table (bdt/svm/logistic runs)")->required()->check(wl::app::path_given())->join(',');
  cmd->add_option("-o,--out", *out, "output HDF5 table (id, event_index, energy_kev, score columns); an .lh5 path writes a LEGEND LH5 table predictions/")->required()->check(wl::app::path_given());
  cmd->add_option("--batch-size", o->batch_size, "events per batch")->check(wl::app::batch_size_range());
  cmd->add_option("--mc-samples", o->mc_samples,
                  "Monte Carlo dropout: score each event N times with dropout on; writes the mean and "
                  "<score>_std (networks trained with model.dropout > 0)")
      ->check(wl::app::count_range(2, 10000));
  cmd->add_option("--mc-seed", o->mc_seed, "seed of the dropout masks (default 42)");
  cmd->add_flag("--all-events", o->all_events, "ignore the training energy threshold");
  wl::app::add_device_option(cmd, o->device);
  cmd->add_flag("--force", o->force, "overwrite the output");
  cmd->callback([o, model, out, pre] {
    o->model = *model;
    o->preprocess = *pre;
    o->out = *out;
    o->threads = wl::app::global_options().threads;
    const auto s = wl::run::run_prediction(*o);
    std::string cols;
    for (const auto& c : s.columns) cols += (cols.empty() ? "" : ", ") + c;
    // The rate covers batching and scoring (not start-up, the file's open or the write).
    std::printf("predicted %zu events in %.2f s (%.0f events/s)\nwrote %s (%s)\n", s.n_events, s.seconds,
                s.seconds > 0 ? static_cast<double>(s.n_events) / s.seconds : 0.0, out->c_str(), cols.c_str());
  });
}

}  // namespace

WL_REGISTER_COMMAND(predict, setup);
