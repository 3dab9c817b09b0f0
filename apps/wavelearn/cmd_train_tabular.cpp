// `wavelearn train-tabular`: BDT / SVM / logistic regression on a DSP feature table.
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/tabular/run.hpp"

namespace {

struct Args {
  std::string config, data, out;
  std::vector<std::string> set;
  bool force = false;
};

void setup(CLI::App& parent) {
  auto args = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand("train-tabular",
                                    "train a BDT (XGBoost), SVM (libsvm) or logistic regression on a feature table");
  cmd->add_option("--config", args->config, "TOML preset (configs/bdt.toml, svm.toml, logistic.toml)")->required();
  cmd->add_option("--data", args->data, "feature table from `wavelearn dsp` (HDF5)")->required();
  cmd->add_option("--out", args->out, "run directory to create")->required();
  cmd->add_option("--set", args->set, "override a config key, e.g. --set model.n_trees=200");
  cmd->add_flag("--force", args->force, "replace the files of an existing run directory");
  cmd->callback([args] {
    auto config = wl::core::Config::load(args->config);
    config.set_all(args->set);
    wl::tabular::RunOptions o;
    o.threads = wl::app::global_options().threads;
    o.quiet = wl::app::global_options().quiet;
    wl::tabular::train_run(config, args->data, args->out, args->force, o);
  });
}

}  // namespace

WL_REGISTER_COMMAND(train_tabular, setup);
