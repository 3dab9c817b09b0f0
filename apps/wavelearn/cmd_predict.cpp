// `wavelearn predict`: per-event scores of a trained model (ours or any TorchScript file).
#include <cstdio>
#include <string>

#include "command.hpp"
#include "wavelearn/train/predict.hpp"

namespace {

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::train::PredictOptions>();
  auto model = std::make_shared<std::string>();
  auto pre = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand("predict", "apply a trained model to a waveform file");
  cmd->add_option("-m,--model", *model, "run directory or TorchScript model.pt")->required();
  cmd->add_option("--preprocess", *pre, "preprocess.json (default: the model's own)");
  cmd->add_option("--data", o->data, "waveform file")->required();
  cmd->add_option("-o,--out", *out, "output HDF5 table (id + score columns)")->required();
  cmd->add_option("--batch-size", o->batch_size, "events per batch")->check(CLI::PositiveNumber);
  cmd->add_flag("--all-events", o->all_events, "ignore the training energy threshold");
  cmd->add_flag("--force", o->force, "overwrite the output");
  cmd->callback([o, model, pre, out] {
    o->model = *model;
    o->preprocess = *pre;
    o->out = *out;
    o->quiet = wl::app::global_options().quiet;
    o->threads = wl::app::global_options().threads;
    const auto s = wl::train::run_prediction(*o);
    std::string cols;
    for (const auto& c : s.columns) cols += (cols.empty() ? "" : ", ") + c;
    // The rate covers batching and the forward passes (not start-up, the file's open or the write).
    std::printf("predicted %zu events in %.2f s (%.0f events/s)%s\nwrote %s (%s)\n", s.n_events, s.seconds,
                s.seconds > 0 ? static_cast<double>(s.n_events) / s.seconds : 0.0,
                s.used_score_method ? "" : " (raw model outputs: no task head in the model)",
                out->c_str(), cols.c_str());
  });
}

}  // namespace

WL_REGISTER_COMMAND(predict, setup);
