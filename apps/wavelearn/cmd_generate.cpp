// `wavelearn generate`: waveforms from a trained generator run, in the MJD release layout.
#include <cstdio>
#include <string>

#include "command.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/gen/generator_run.hpp"

namespace {

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::gen::GenerateOptions>();
  auto* cmd = parent.add_subcommand(
      "generate", "generate waveforms (ADC, full trace length) from a generator run (configs/vae.toml, autoencoder, "
                  "gan, diffusion) into a file in the MJD release layout");
  cmd->add_option("-m,--model", o->model, "generator run directory")->required()->check(wl::app::path_given());
  cmd->add_option("-n,--events", o->events, "number of waveforms (with --energy-from: default all of its events)")
      ->check(wl::app::count_range(1, wl::gen::kMaxGenerateEvents));
  auto* e = cmd->add_option("--energy-kev", o->energy_kev, "one energy for every waveform (keV; default: drawn from "
                                                           "the training spectrum)")
                ->check(wl::app::positive_finite());
  cmd->add_option("--energy-from", o->energy_from, "a waveform file whose events' energies, detectors and topology "
                                                   "are used event by event")
      ->check(wl::app::path_given())
      ->excludes(e);
  cmd->add_option("--seed", o->seed, "random seed (the same seed gives the same file)");
  cmd->add_option("--detector", o->detector, "generate for this detector only")->check(wl::app::count_range(0, 1 << 30));
  cmd->add_option("--noise", o->noise, "library | model | denoised (default: the run's generate.noise; "
                                      "docs/generative.md)");
  cmd->add_option("-o,--out", o->out, "output file (.h5)")->required()->check(wl::app::path_given());
  cmd->add_flag("--force", o->force, "replace an existing output file");
  cmd->callback([o, cmd] {
    if (o->energy_from.empty() && cmd->count("--events") == 0)
      throw wl::core::InputError("generate: --events N is required unless --energy-from gives the events");
    auto opts = *o;
    opts.quiet = wl::app::global_options().quiet;
    opts.threads = wl::app::global_options().threads;
    const auto s = wl::gen::generate_file(opts);
    std::fputs(s.text.c_str(), stdout);
  });
}

}  // namespace

WL_REGISTER_COMMAND(generate, setup);
