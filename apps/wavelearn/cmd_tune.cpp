// `wavelearn tune`: random search over a search space with successive halving on epochs;
// each trial a run directory, the best configuration in DIR/best.toml (docs/tune.md).
#include <cstdio>
#include <memory>
#include <string>

#include "command.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/tune/tune.hpp"

namespace {

struct TuneArgs {
  std::string config, space, out, data;
  std::vector<std::string> sets;
  long long trials = 0, seed = -1;
  int eta = 0, min_epochs = 0, max_epochs = 0;
  bool force = false, resume = false;
};

void run(const TuneArgs& a) {
  if (a.force && a.resume) throw wl::core::InputError("tune: --force and --resume exclude each other");
  wl::tune::TuneOptions o;
  o.config = a.config;
  o.space = a.space;
  o.out = a.out;
  o.data = a.data;
  o.sets = a.sets;
  o.trials = static_cast<int>(a.trials);
  o.seed_given = a.seed >= 0;
  if (o.seed_given) o.seed = static_cast<uint64_t>(a.seed);
  o.eta = a.eta;
  o.min_epochs = a.min_epochs;
  o.max_epochs = a.max_epochs;
  o.force = a.force;
  o.resume = a.resume;
  o.quiet = wl::app::global_options().quiet;
  o.threads = wl::app::global_options().threads;
  std::fputs(wl::tune::format_tune(wl::tune::run_tune(o)).c_str(), stdout);
}

void setup(CLI::App& parent) {
  auto a = std::make_shared<TuneArgs>();
  auto* cmd = parent.add_subcommand("tune", "hyper-parameter search: random trials from a search space, successive "
                                            "halving on epochs, selection on validation events; writes trials.csv, "
                                            "best.toml, tune.json, tune.html");
  cmd->add_option("-c,--config", a->config, "base configuration (a neural preset, e.g. configs/seed-fcnet.toml)")
      ->check(wl::app::path_given());
  cmd->add_option("--space", a->space, "search space TOML (e.g. configs/space-fcnet.toml)")->check(wl::app::path_given());
  cmd->add_option("--data", a->data, "waveform file(s) (sets data.file: a glob, a comma list or --data repeated)")
      ->check(wl::app::path_given())->join(',');
  cmd->add_option("--set", a->sets, "override a key of the base configuration: key.path=value (repeatable)");
  cmd->add_option("-o,--out", a->out, "tune directory (trial_000 ... and the summaries)")->required()
      ->check(wl::app::path_given());
  cmd->add_option("--trials", a->trials, "number of trials drawn")->check(wl::app::count_range(1, 100000));
  cmd->add_option("--seed", a->seed, "seed of the draws: trial k's parameters depend on (seed, k) only (default 1)")
      ->check(wl::app::count_range(0, 1LL << 53));
  cmd->add_option("--eta", a->eta, "halving factor: the best 1/eta of a rung go on (default: the space's, else 3)")
      ->check(wl::app::count_range(2, 1000));
  cmd->add_option("--min-epochs", a->min_epochs, "epochs of the first rung (default: the space's, else 1)")
      ->check(wl::app::count_range(1, 100000));
  cmd->add_option("--max-epochs", a->max_epochs,
                  "epochs of the last rung (default: the space's, else the base configuration's train.epochs)")
      ->check(wl::app::count_range(1, 100000));
  cmd->add_flag("--force", a->force, "start again in an existing tune directory (its trials are retrained)");
  cmd->add_flag("--resume", a->resume, "continue an interrupted tune: finished trials are kept, not retrained");
  cmd->callback([a] { run(*a); });
}

}  // namespace

WL_REGISTER_COMMAND(tune, setup);
