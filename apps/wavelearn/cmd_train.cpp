// `wavelearn train`: a preset (or any TOML config) plus --set overrides -> a run directory.
#include <ATen/Parallel.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/tabular/run.hpp"
#include "wavelearn/train/interrupt.hpp"
#include "wavelearn/train/run.hpp"

namespace {

struct TrainArgs {
  std::string config, data, out;
  std::vector<std::string> sets;
  bool force = false, resume = false;
};

void run(const TrainArgs& a) {
  namespace fs = std::filesystem;
  std::string config_path = a.config;
  if (config_path.empty()) {
    // Resuming without --config continues with the run's own resolved configuration.
    if (a.resume && fs::exists(fs::path(a.out) / "config.toml"))
      config_path = (fs::path(a.out) / "config.toml").string();
    else
      throw wl::core::InputError("train: --config is required (e.g. configs/seed-fcnet.toml)");
  }
  auto config = wl::core::Config::load(config_path);
  config.set_all(a.sets);
  // Classical models (BDT, SVM, logistic regression) train on a DSP feature table.
  const std::string type = config.has("model.type") ? config.get<std::string>("model.type") : "";
  if (type == "bdt" || type == "svm" || type == "logistic") {
    if (a.data.empty())
      throw wl::core::InputError("train: model.type = \"" + type +
                                 "\" needs --data FEATURES.h5 (from `wavelearn dsp FILE --out FEATURES.h5`)");
    if (a.resume)
      throw wl::core::InputError("train: --resume applies to neural networks; model.type = \"" + type +
                                 "\" trains in one pass");
    wl::tabular::RunOptions to;
    to.threads = wl::app::global_options().threads;
    to.quiet = wl::app::global_options().quiet;
    wl::tabular::train_run(config, a.data, a.out, a.force, to);
    return;
  }
  // Set verbatim: a path is not TOML (quotes and backslashes must survive).
  if (!a.data.empty()) config.set_string("data.file", a.data, "--data");
  wl::train::RunOptions o;
  o.out = a.out;
  o.force = a.force;
  o.resume = a.resume;
  o.quiet = wl::app::global_options().quiet;
  o.threads = wl::app::global_options().threads;
  wl::train::install_interrupt_handler();
  const auto summary = wl::train::run_training(config, o);
  std::fputs(wl::train::format_summary(summary).c_str(), stdout);
}

void setup(CLI::App& parent) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = parent.add_subcommand("train", "train a model (neural network on waveforms, or BDT/SVM/logistic on DSP features); writes a run directory");
  cmd->add_option("-c,--config", args->config, "TOML config or preset (configs/*.toml)");
  cmd->add_option("--set", args->sets, "override a config key: key.path=value (repeatable)");
  cmd->add_option("--data", args->data, "waveform file (sets data.file), or a feature table for bdt/svm/logistic");
  cmd->add_option("-o,--out", args->out, "run directory")->required();
  cmd->add_flag("--force", args->force, "replace the files of an existing run directory");
  cmd->add_flag("--resume", args->resume, "continue from RUN_DIR/checkpoint.pt");
  cmd->callback([args] { run(*args); });
}

}  // namespace

WL_REGISTER_COMMAND(train, setup);
