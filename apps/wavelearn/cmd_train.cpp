// `wavelearn train`: a preset (or any TOML config) plus --set overrides -> a run directory,
// for every model family (neural networks on waveforms; BDT, SVM, logistic regression on
// a DSP feature table), evaluated on its held-out test events at the end.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "command.hpp"
#include "launch_ranks.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/device.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/gen/generator_run.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/train/distributed.hpp"

namespace {

struct TrainArgs {
  std::string config, data, out, device;
  std::vector<std::string> sets;
  bool force = false, resume = false, resume_with_changes = false;
  int nproc = 0;  // 0: not given
  // Override torchrun's variables (a rank started by hand or by a batch system).
  std::string master_addr;
  int master_port = 0, world_size = 0, rank = -1;
  double dist_timeout_s = 300.0;
};

// This process's place in a data-parallel run: torchrun's environment, then the options.
wl::train::DistEnv dist_env(const TrainArgs& a) {
  auto env = wl::train::dist_env_from_environment();
  if (!a.master_addr.empty()) env.master_addr = a.master_addr;
  if (a.master_port > 0) env.master_port = a.master_port;
  if (a.world_size > 0) env.world_size = a.world_size;
  if (a.rank >= 0) env.rank = a.rank;
  env.timeout_s = a.dist_timeout_s;
  wl::train::check_dist_env(env);
  return env;
}

// --nproc N > 1: this process only starts and watches the ranks. What would make every rank
// fail is refused here, once.
void launch(const TrainArgs& a, const wl::core::Config& config, const wl::train::DistEnv& env) {
  if (env.active())
    throw wl::core::InputError("--nproc starts this machine's ranks itself; under torchrun or srun (WORLD_SIZE set) "
                               "leave it out");
  if (wl::gen::is_generator_config(config))
    throw wl::core::InputError("--nproc applies to the neural networks of wavelearn train, not to the generator family");
  wl::run::check_data_parallel(config, a.nproc);
  // The ranks share this machine's cores unless --threads says otherwise.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = wl::app::global_options().threads > 0 ? 0 : std::max(1, cores / a.nproc);
  wl::app::launch_local_ranks(a.nproc, threads);
}

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
  const auto env = dist_env(a);
  if (a.nproc > 1) return launch(a, config, env);
  if (wl::gen::is_generator_config(config) && env.active())
    throw wl::core::InputError("distributed training (WORLD_SIZE " + std::to_string(env.world_size) +
                               ") applies to the neural networks of wavelearn train, not to the generator family");
  if (wl::gen::is_generator_config(config)) {  // the generator family has its own run (gen/)
    const wl::gen::GenTrainOptions g{a.out, a.data, a.force, resume, a.resume_with_changes,
                                     wl::app::global_options().quiet, wl::app::global_options().threads};
    std::fputs(wl::gen::train_generator(std::move(config), g).c_str(), stdout);
    return;
  }
  // Neural runs only: tabular models train on the CPU and read no train.* device key.
  if (!a.device.empty() && !wl::run::is_tabular_config(config)) config.set_string("train.device", a.device, "--device");
  if (env.active() && config.has("train.device")) {
    const auto spec = wl::core::parse_device(config.get<std::string>("train.device"), "train.device");
    const auto own = wl::core::device_for_local_rank(spec, env.local_rank);
    if (own.index != spec.index) config.set_string("train.device", own.text(), "LOCAL_RANK");
  }
  wl::run::TrainOptions o;
  o.out = a.out;
  o.data = a.data;
  o.force = a.force;
  o.resume = resume;
  o.resume_with_changes = a.resume_with_changes;
  o.quiet = wl::app::global_options().quiet;
  o.threads = wl::app::global_options().threads;
  o.dist = env;
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
  cmd->add_option("--data", args->data, "waveform file(s) (sets data.file: a glob, a comma list or --data repeated), "
                  "or a feature table for bdt/svm/logistic")->check(wl::app::path_given())->join(',');
  cmd->add_option("-o,--out", args->out, "run directory")->required()->check(wl::app::path_given());
  cmd->add_flag("--force", args->force, "replace the files of an existing run directory");
  wl::app::add_device_option(cmd, args->device);
  cmd->add_flag("--resume", args->resume,
                "continue from RUN_DIR/checkpoint.pt with the run's own configuration and data (more "
                "epochs: --set train.epochs=N)");
  cmd->add_flag("--resume-with-changes", args->resume_with_changes,
                "resume although the configuration or data differ from the run's; the change is recorded in the run");
  cmd->add_option("--nproc", args->nproc,
                  "data-parallel training on N local ranks (processes sharing each batch; docs/training.md)")
      ->check(wl::app::count_range(1, 1024));
  cmd->add_option("--master-addr", args->master_addr, "rendezvous host of a distributed run (default: MASTER_ADDR)");
  cmd->add_option("--master-port", args->master_port, "rendezvous port (default: MASTER_PORT)")
      ->check(wl::app::count_range(1, 65535));
  cmd->add_option("--world-size", args->world_size, "ranks in the distributed run (default: WORLD_SIZE)")
      ->check(wl::app::count_range(1, 65536));
  cmd->add_option("--rank", args->rank, "this process's rank (default: RANK)")->check(wl::app::count_range(0, 65535));
  cmd->add_option("--dist-timeout", args->dist_timeout_s,
                  "seconds a rank waits for the others, at the rendezvous and in every collective (default 300)")
      ->check(wl::app::positive_finite());
  cmd->callback([args] { run(*args); });
}

}  // namespace

WL_REGISTER_COMMAND(train, setup);
