// `wavelearn simulate`: a 228Th calibration dataset in the MJD release format, with truth.
#include <cstdio>
#include <memory>
#include <string>

#include "command.hpp"
#include "wavelearn/sim/simulate.hpp"

namespace {

struct Args {
  wl::sim::SimulateOptions sim;
  long long events = 0;
  unsigned long long seed = 1;
  int detectors = 10;
  int samples = 3800;
  double pileup_fraction = 0.0;
  bool no_labels = false;
};

void setup(CLI::App& parent) {
  auto args = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand(
      "simulate", "simulate 228Th calibration waveforms (MJD release format + truth_* fields)");
  cmd->add_option("--events", args->events, "number of events")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--out", args->sim.out_path, "output HDF5 file")->required();
  cmd->add_option("--seed", args->seed, "random seed (same seed: same file, any thread count)");
  cmd->add_option("--detectors", args->detectors, "number of detectors (default 10)")->check(CLI::Range(1, 1000));
  cmd->add_option("--samples", args->samples, "samples per waveform (default 3800; 10 ns each)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--pileup-fraction", args->pileup_fraction, "fraction of events with a second pulse (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--no-labels", args->no_labels,
                "skip the DSP chain and cuts: no energy_label / psd_label_* (like the NPML files)");
  cmd->add_flag("--force", args->sim.force, "overwrite an existing output file");
  cmd->callback([args] {
    wl::sim::SimulateOptions o = args->sim;
    o.n_events = static_cast<std::size_t>(args->events);
    o.seed = args->seed;
    o.params.n_detectors = args->detectors;
    o.params.n_samples = args->samples;
    o.params.pileup_fraction = args->pileup_fraction;
    o.label = !args->no_labels;
    o.threads = wl::app::global_options().threads;
    o.quiet = wl::app::global_options().quiet;
    const wl::sim::SimulateSummary s = wl::sim::simulate_to_file(o);
    std::fputs(wl::sim::format_summary(s, o.out_path).c_str(), stdout);
  });
}

}  // namespace

WL_REGISTER_COMMAND(simulate, setup);
