// `wavelearn simulate`: a 228Th calibration dataset in the MJD release format, with truth.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/sim/simulate.hpp"
#include "wavelearn/train/interrupt.hpp"

namespace {

// "152 kB", "3.1 GB": a size a person reads at a glance.
std::string readable_bytes(double bytes) {
  const char* units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1000.0 && u < 5) bytes /= 1000.0, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.3g %s", bytes, units[u]);
  return buf;
}

// The waveforms alone need events x samples x 4 bytes: refuse a file the disk cannot hold
// before generating any of it.
void require_disk_space(const std::string& out_path, double bytes) {
  auto dir = std::filesystem::absolute(out_path).parent_path();
  std::error_code ec;
  const auto space = std::filesystem::space(dir, ec);
  if (ec) return;  // the writer reports an unusable directory itself
  if (space.available == 0)
    throw wl::core::InputError(out_path + ": " + dir.string() + " has no free space (full, read-only or not a "
                               "disk, like /proc and /sys)");
  if (bytes > static_cast<double>(space.available))
    throw wl::core::InputError(out_path + ": " + readable_bytes(bytes) + " of waveforms do not fit the " +
                               readable_bytes(static_cast<double>(space.available)) + " free in " + dir.string() +
                               " (fewer --events or --samples)");
}

// The simulator keeps each event's DSP row, truth and labels in memory until the labels are
// fitted (about 200 bytes per event): refuse what the machine cannot hold.
void require_memory(double events) {
  constexpr double kBytesPerEvent = 200.0;
  const double physical = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (physical > 0 && events * kBytesPerEvent > 0.8 * physical)
    throw wl::core::InputError("simulate --events " + std::to_string(static_cast<long long>(events)) + ": about " +
                               readable_bytes(events * kBytesPerEvent) + " of per-event records would not fit the " +
                               readable_bytes(physical) + " of memory; simulate several smaller files");
}

struct Args {
  wl::sim::SimulateOptions sim;
  long long events = 0;
  unsigned long long seed = 1;
  unsigned long long first_event = 0;
  int detectors = 10;
  int samples = 3800;
  double pileup_fraction = 0.0;
  bool no_labels = false;
  std::vector<std::string> params;  // NAME=VALUE
};

// --param NAME=VALUE: another detector response (slower electronics, more noise) for the
// out-of-distribution checks; validated with every other parameter before any event.
void apply_params(const std::vector<std::string>& assignments, wl::sim::SimParams& p) {
  // These have their own options, which would silently win or lose against --param.
  const std::set<std::string> own = {"n_samples", "n_detectors", "pileup_fraction"};
  std::set<std::string> seen;
  for (const auto& a : assignments) {
    const auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      throw wl::core::InputError("simulate --param '" + a + "': expected NAME=VALUE (e.g. electronics_tau_min_ns=40)");
    const auto name = a.substr(0, eq), text = a.substr(eq + 1);
    if (own.count(name))
      throw wl::core::InputError("simulate --param " + name + ": set it with its own option (--samples, --detectors, "
                                 "--pileup-fraction)");
    if (!seen.insert(name).second) throw wl::core::InputError("simulate --param " + name + ": given twice");
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
      throw wl::core::InputError("simulate --param " + name + ": '" + text + "' is not a number");
    wl::sim::set_parameter(p, name, value);
  }
  p.validate();
}

void setup(CLI::App& parent) {
  auto args = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand(
      "simulate", "simulate 228Th calibration waveforms (MJD release format + truth_* fields)");
  cmd->add_option("--events", args->events, "number of events")->required()->check(wl::app::count_range(1, 2147483647));
  cmd->add_option("--out", args->sim.out_path, "output HDF5 file")->required()->check(wl::app::path_given());
  cmd->add_option("--seed", args->seed, "random seed (same seed: same file, any thread count)")
      ->check(wl::app::count_range(0, std::numeric_limits<long long>::max()));
  cmd->add_option("--first-event", args->first_event,
                  "generator index of the first event (default 0): the same --seed with another range gives other "
                  "events of the same detectors, e.g. an independent reference file")
      ->check(wl::app::count_range(0, (1LL << 40) - 1));
  cmd->add_option("--detectors", args->detectors, "number of detectors (default 10)")->check(CLI::Range(1, 1000));
  cmd->add_option("--samples", args->samples, "samples per waveform (default 3800; 10 ns each)")
      ->check(wl::app::count_range(16, wl::app::kMaxSamplesPerWaveform));
  cmd->add_option("--pileup-fraction", args->pileup_fraction, "fraction of events with a second pulse (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--no-labels", args->no_labels,
                "skip the DSP chain and cuts: no energy_label / psd_label_* (like the NPML files)");
  cmd->add_option("--param", args->params,
                  "set a simulation parameter, NAME=VALUE (repeatable; names as in the file's attributes, e.g. "
                  "electronics_tau_min_ns=40 for a slower detector)");
  cmd->add_flag("--force", args->sim.force, "overwrite an existing output file");
  cmd->callback([args] {
    wl::sim::SimulateOptions o = args->sim;
    o.n_events = static_cast<std::size_t>(args->events);
    o.seed = args->seed;
    o.first_event = static_cast<std::size_t>(args->first_event);
    o.params.n_detectors = args->detectors;
    o.params.n_samples = args->samples;
    o.params.pileup_fraction = args->pileup_fraction;
    apply_params(args->params, o.params);
    o.label = !args->no_labels;
    o.threads = wl::app::global_options().threads;
    o.quiet = wl::app::global_options().quiet;
    require_disk_space(o.out_path, static_cast<double>(o.n_events) * args->samples * sizeof(float));
    require_memory(static_cast<double>(o.n_events));
    // Ctrl-C or kill: stop between chunks so the writer removes its temporary file (exit 130,
    // like an interrupted train), instead of dying with it left beside the output.
    wl::train::install_interrupt_and_terminate_handler();
    o.stop_requested = [] { return wl::train::interrupt_requested(); };
    const wl::sim::SimulateSummary s = wl::sim::simulate_to_file(o);
    std::fputs(wl::sim::format_summary(s, o.out_path).c_str(), stdout);
  });
}

}  // namespace

WL_REGISTER_COMMAND(simulate, setup);
