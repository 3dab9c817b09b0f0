// `wavelearn simulate`: a 228Th calibration dataset in the MJD release format, with truth.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
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
  std::string response = "nominal";
  std::vector<std::string> sets;    // response.KEY=VALUE, sampling.KEY=VALUE
  bool samples_given = false, pileup_given = false;
};

// Splits KEY=VALUE (InputError naming the option otherwise).
std::pair<std::string, std::string> split_assignment(const std::string& a, const char* option) {
  const auto eq = a.find('=');
  if (eq == std::string::npos || eq == 0)
    throw wl::core::InputError(std::string("simulate ") + option + " '" + a + "': expected KEY=VALUE");
  return {a.substr(0, eq), a.substr(eq + 1)};
}

// The --param names each sampling.* key stands for.
const std::map<std::string, std::string>& sampling_keys() {
  static const std::map<std::string, std::string> keys = {
      {"sampling.period_ns", "sample_period_ns"}, {"sampling.samples", "n_samples"},
      {"sampling.pretrigger_ns", "pretrigger_ns"}};
  return keys;
}

// --set response.KEY=VALUE (after the --response preset) and sampling.KEY=VALUE (the record
// layout of a target of another sampling period and length). Unknown keys, keys given twice
// and keys that another option also sets are refused.
void apply_sets(const Args& a, wl::sim::SimParams& p) {
  std::set<std::string> seen;
  bool response_changed = false;
  for (const auto& assignment : a.sets) {
    const auto [key, value] = split_assignment(assignment, "--set");
    if (!seen.insert(key).second) throw wl::core::InputError("simulate --set " + key + ": given twice");
    if (key.rfind("response.", 0) == 0) {
      const std::string sub = key.substr(9);
      if (sub == "pileup_fraction" && a.pileup_given)
        throw wl::core::InputError("simulate --set response.pileup_fraction: also given as --pileup-fraction");
      wl::sim::set_response_key(p.response, sub, value);
      response_changed = true;
      continue;
    }
    const auto it = sampling_keys().find(key);
    if (it == sampling_keys().end())
      throw wl::core::InputError("simulate --set " + key + ": no such key (response.<key>, see docs/simulation.md; "
                                 "sampling.period_ns, sampling.samples, sampling.pretrigger_ns)");
    if (key == "sampling.samples" && a.samples_given)
      throw wl::core::InputError("simulate --set sampling.samples: also given as --samples");
    for (const auto& param : a.params)
      if (param.substr(0, param.find('=')) == it->second)
        throw wl::core::InputError("simulate --set " + key + ": also given as --param " + it->second);
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0')
      throw wl::core::InputError("simulate --set " + key + ": '" + value + "' is not a number");
    if (key == "sampling.samples" && !(v >= 16 && v <= wl::sim::kMaxSimulatedSamples))
      throw wl::core::InputError("simulate --set sampling.samples: must lie in [16, " +
                                 std::to_string(wl::sim::kMaxSimulatedSamples) + "]");
    if (!(std::isfinite(v) && v > 0))
      throw wl::core::InputError("simulate --set " + key + ": must be a finite number > 0");
    wl::sim::set_parameter(p, it->second, v);
  }
  if (response_changed && p.response.name.find('+') == std::string::npos) p.response.name += "+set";
}

// The --response preset, then the options that override its pile-up and decay constants.
void apply_response(const Args& a, wl::sim::SimParams& p) {
  p.response = wl::sim::response_preset(a.response);
  if (a.pileup_given) p.response.pileup_fraction = -1;  // --pileup-fraction wins over the preset
  for (const auto& assignment : a.params) {
    const auto name = assignment.substr(0, assignment.find('='));
    if (name == "decay_tau_min_ns" || name == "decay_tau_max_ns")
      p.response.decay_tau_min_ns = p.response.decay_tau_max_ns = 0;  // --param wins too
  }
}

// --param NAME=VALUE: another detector response (slower electronics, more noise) for the
// out-of-distribution checks; validated with every other parameter (after --set) before any event.
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
  auto* samples = cmd->add_option("--samples", args->samples, "samples per waveform (default 3800; 10 ns each unless "
                                  "--set sampling.period_ns)")
                       ->check(wl::app::count_range(16, wl::app::kMaxSamplesPerWaveform));
  auto* pileup = cmd->add_option("--pileup-fraction", args->pileup_fraction,
                                 "fraction of events with a second pulse (default 0; overrides the response's)")
                     ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--response", args->response,
                  "detector-response stage: nominal (default, no stage) or data-like (slower electronics, 1/f noise "
                  "and lines, baseline drift, shorter decay constants, trapping; pile-up via response.pileup_fraction)");
  cmd->add_option("--set", args->sets,
                  "KEY=VALUE, repeatable: response.<key> after --response (e.g. response.rise_time_ns=120), or "
                  "sampling.period_ns / sampling.samples / sampling.pretrigger_ns (e.g. a 16 ns target)");
  cmd->add_flag("--no-labels", args->no_labels,
                "skip the DSP chain and cuts: no energy_label / psd_label_* (like the NPML files)");
  cmd->add_option("--param", args->params,
                  "set a simulation parameter, NAME=VALUE (repeatable; names as in the file's attributes, e.g. "
                  "electronics_tau_min_ns=40 for a slower detector)");
  cmd->add_flag("--force", args->sim.force, "overwrite an existing output file");
  cmd->callback([args, samples, pileup] {
    wl::sim::SimulateOptions o = args->sim;
    o.n_events = static_cast<std::size_t>(args->events);
    o.seed = args->seed;
    o.first_event = static_cast<std::size_t>(args->first_event);
    o.params.n_detectors = args->detectors;
    o.params.n_samples = args->samples;
    o.params.pileup_fraction = args->pileup_fraction;
    args->samples_given = samples->count() > 0;
    args->pileup_given = pileup->count() > 0;
    apply_response(*args, o.params);
    apply_params(args->params, o.params);
    apply_sets(*args, o.params);
    o.params.validate();
    o.label = !args->no_labels;
    o.threads = wl::app::global_options().threads;
    o.quiet = wl::app::global_options().quiet;
    require_disk_space(o.out_path, static_cast<double>(o.n_events) * o.params.n_samples * sizeof(float));
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
