// `wavelearn train`: a preset (or any TOML config) plus --set overrides -> a run directory,
// for every model family (neural networks on waveforms; BDT, SVM, logistic regression on
// a DSP feature table), evaluated on its held-out test events at the end.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/gen/generator_run.hpp"
#include "wavelearn/run/train.hpp"

namespace {

struct TrainArgs {
  std::string config, data, out;
  std::vector<std::string> sets;
  bool force = false, resume = false, resume_with_changes = false;
};

void run(const TrainArgs& a) {
  namespace fs = std::filesystem;
  const bool resume = a.resume || a.resume_with_changes;
  std::string config_path = a.config;
  if (config_path.empty()) {
    // Resuming without --config continues with the run's own resolved configuration.
    if (resume && fs::exists(fs::path(a.out) / "config.toml"))
      config_path = (fs::path(a.out) / "config.toml").string();
    else if (resume)
      throw wl::core::InputError(a.out + ": no run to resume here (no config.toml; give --config to start one)");
    else
      throw wl::core::InputError("train: --config is required (e.g. configs/seed-fcnet.toml)");
  }
  auto config = wl::core::Config::load(config_path);
  config.set_all(a.sets);
  if (wl::gen::is_generator_config(config)) {  // the generator family has its own run (gen/)
    const wl::gen::GenTrainOptions g{a.out, a.data, a.force, resume, a.resume_with_changes,
                                     wl::app::global_options().quiet, wl::app::global_options().threads};
    std::fputs(wl::gen::train_generator(std::move(config), g).c_str(), stdout);
    return;
  }
  wl::run::TrainOptions o;
  o.out = a.out;
  o.data = a.data;
  o.force = a.force;
  o.resume = resume;
  o.resume_with_changes = a.resume_with_changes;
  o.quiet = wl::app::global_options().quiet;
  o.threads = wl::app::global_options().threads;
  const auto r = wl::run::train_run(std::move(config), o);
  std::fputs(r.summary.c_str(), stdout);
  if (r.evaluated) std::fputs(wl::run::format_evaluation(r.evaluation).c_str(), stdout);
}

void setup(CLI::App& parent) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = parent.add_subcommand(
      "train", "train a model (neural network on waveforms, or BDT/SVM/logistic on DSP features); writes a run "
               "directory and evaluates it on its held-out test events");
  cmd->add_option("-c,--config", args->config, "TOML config or preset (configs/*.toml)")->check(wl::app::path_given());
  cmd->add_option("--set", args->sets, "override a config key: key.path=value (repeatable)");
  cmd->add_option("--data", args->data, "waveform file (sets data.file), or a feature table for bdt/svm/logistic")->check(wl::app::path_given());
  cmd->add_option("-o,--out", args->out, "run directory")->required()->check(wl::app::path_given());
  cmd->add_flag("--force", args->force, "replace the files of an existing run directory");
  cmd->add_flag("--resume", args->resume,
                "continue from RUN_DIR/checkpoint.pt with the run's own configuration and data (more "
                "epochs: --set train.epochs=N)");
  cmd->add_flag("--resume-with-changes", args->resume_with_changes,
                "resume although the configuration or data differ from the run's; the change is recorded in the run");
  cmd->callback([args] { run(*args); });
}

}  // namespace

WL_REGISTER_COMMAND(train, setup);
