// `wavelearn translate`: simulated waveforms through a CycleGAN run (sim -> data), in the MJD
// release layout with every per-event field of the input kept.
#include <cstdio>
#include <string>

#include "command.hpp"
#include "wavelearn/gen/generator_run.hpp"

namespace {

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::gen::TranslateOptions>();
  auto* cmd = parent.add_subcommand(
      "translate", "translate simulated waveforms to the target domain with a cyclegan run (configs/cyclegan.toml) "
                   "into a file in the MJD release layout; every per-event field of the input is kept");
  cmd->add_option("-m,--model", o->model, "cyclegan run directory")->required()->check(wl::app::path_given());
  cmd->add_option("-d,--data", o->data, "waveform file on the run's source grid")->required()->check(wl::app::path_given());
  cmd->add_option("-o,--out", o->out, "output file (.h5)")->required()->check(wl::app::path_given());
  cmd->add_option("--seed", o->seed, "random seed of the target baseline levels and noise (same seed: same file)");
  cmd->add_flag("--force", o->force, "replace an existing output file");
  cmd->callback([o] {
    auto opts = *o;
    opts.quiet = wl::app::global_options().quiet;
    opts.threads = wl::app::global_options().threads;
    const auto s = wl::gen::translate_file(opts);
    std::fputs(s.text.c_str(), stdout);
  });
}

}  // namespace

WL_REGISTER_COMMAND(translate, setup);
