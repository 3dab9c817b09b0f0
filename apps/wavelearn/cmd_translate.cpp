// `wavelearn translate`: simulated waveforms to the target domain (sim -> data), in the MJD
// release layout with every per-event field of the input kept: through a CycleGAN run
// (--model), or through the detector response fitted to the unlabelled target
// (--fit-response --target).
#include <cstdio>
#include <string>

#include "command.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/gen/generator_run.hpp"
#include "wavelearn/sim/response_translate.hpp"

namespace {

struct Options {
  wl::gen::TranslateOptions gan;
  bool fit_response = false;
  std::string target;
  std::size_t fit_events = 3000;
};

void run(Options o) {
  using wl::core::InputError;
  const bool model = !o.gan.model.empty();
  if (model == o.fit_response)
    throw InputError("translate: give exactly one of --model RUN (a cyclegan run) and --fit-response (with --target)");
  if (o.fit_response && o.target.empty())
    throw InputError("translate --fit-response: --target TARGET.h5 (the unlabelled target file) is required");
  if (model && !o.target.empty())
    throw InputError("translate: --target is for --fit-response (a cyclegan run keeps its own target)");
  o.gan.quiet = wl::app::global_options().quiet;
  o.gan.threads = wl::app::global_options().threads;
  if (model) {
    std::fputs(wl::gen::translate_file(o.gan).text.c_str(), stdout);
    return;
  }
  wl::sim::FitTranslateOptions f;
  f.data = o.gan.data;
  f.target = o.target;
  f.out = o.gan.out;
  f.seed = o.gan.seed;
  f.force = o.gan.force;
  f.quiet = o.gan.quiet;
  f.threads = o.gan.threads;
  f.fit_events = o.fit_events;
  std::fputs(wl::sim::translate_with_fitted_response(f).text.c_str(), stdout);
}

void setup(CLI::App& parent) {
  auto o = std::make_shared<Options>();
  auto* cmd = parent.add_subcommand(
      "translate", "translate simulated waveforms to the target domain, with a cyclegan run (--model, configs/"
                   "cyclegan.toml) or with the detector response fitted to the unlabelled target (--fit-response "
                   "--target), into a file in the MJD release layout; every per-event field of the input is kept");
  cmd->add_option("-m,--model", o->gan.model, "cyclegan run directory")->check(wl::app::path_given());
  cmd->add_flag("--fit-response", o->fit_response,
                "fit the response stage (rise, noise, drift; per detector decay, gain, pedestal) to --target and "
                "apply it (docs/domain-adaptation.md)");
  cmd->add_option("--target", o->target, "unlabelled target file the response is fitted to (--fit-response)")
      ->check(wl::app::path_given());
  cmd->add_option("--fit-events", o->fit_events, "records of each file the response fit reads (default 3000)")
      ->check(wl::app::count_range(static_cast<long long>(wl::sim::kMinFitRecords), 1000000));
  cmd->add_option("-d,--data", o->gan.data, "waveform file to translate (a cyclegan run: on its source grid)")
      ->required()
      ->check(wl::app::path_given());
  cmd->add_option("-o,--out", o->gan.out, "output file (.h5); --fit-response also writes OUT.response-fit.json")
      ->required()
      ->check(wl::app::path_given());
  cmd->add_option("--seed", o->gan.seed, "random seed of the added noise (and target baseline levels); same seed: "
                                         "same file");
  cmd->add_flag("--force", o->gan.force, "replace an existing output file");
  cmd->callback([o] { run(*o); });
}

}  // namespace

WL_REGISTER_COMMAND(translate, setup);
