// `wavelearn dsp FILE --out FEATURES.h5`: the traditional DSP chain (energy, A/E, drift
// time, DCR, LQ, ...) on every waveform of a file, written as a feature table.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/file_chain.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn_version.hpp"

namespace {
using wl::core::InputError;

struct DspArgs {
  std::string file, out, csv, config;
  bool force = false;
  std::string format = "auto";
  std::string channel, stream, waveform, energy, tp0;
  std::vector<std::string> labels, overrides;
  double dt_ns = 0;
  double tau_ns = 0;
  std::size_t max_events = 0;
  std::size_t chunk_events = 4096;
};

void run(const DspArgs& a) {
  wl::dsp::FileChainOptions opt;
  if (!a.config.empty()) opt.config = wl::dsp::load_chain_config(a.config);
  wl::dsp::apply_chain_overrides(opt.config, a.overrides);
  if (a.tau_ns < 0 || !std::isfinite(a.tau_ns)) throw InputError("--tau-ns: must be > 0");
  if (a.tau_ns > 0) opt.config.tau_ns = a.tau_ns;
  if (a.chunk_events == 0) throw InputError("--chunk: must be positive");
  // Fail before the long pass, not after it.
  wl::core::check_output_file(a.out, a.force, {a.file, a.config});
  if (!a.csv.empty()) wl::core::check_output_file(a.csv, a.force, {a.file, a.config, a.out});
  if (!a.csv.empty() && a.csv == a.out) throw InputError("--csv: " + a.csv + " is also --out");

  wl::io::OpenOptions open;
  open.format = wl::io::parse_format(a.format);
  open.lh5_channel = a.channel;
  open.lh5_stream = a.stream;
  open.chunk_events = a.chunk_events;
  if (!a.waveform.empty()) open.fields.waveform = a.waveform;
  if (!a.energy.empty()) open.fields.energy = a.energy;
  if (!a.tp0.empty()) open.fields.tp0 = a.tp0;
  if (!a.labels.empty()) open.fields.labels = a.labels;
  if (a.dt_ns > 0) open.fields.sample_period_ns = a.dt_ns, open.fields.sample_period_given = true;
  auto reader = wl::io::open_reader(a.file, open);
  std::vector<wl::io::NamedField> named{{a.energy, "--energy"}, {a.tp0, "--tp0"}};
  for (const auto& l : a.labels) named.push_back({l, "--label"});
  wl::io::require_named_fields(*reader, named);

  const auto& g = wl::app::global_options();
  opt.threads = g.threads;
  opt.quiet = g.quiet;
  if (a.max_events > 0) opt.max_events = a.max_events;
  auto result = wl::dsp::run_chain_on_file(*reader, opt);
  result.table.attributes["generator"] = std::string("wavelearn dsp ") + WL_VERSION;

  wl::io::write_table_h5(a.out, result.table, a.force);
  if (!a.csv.empty()) wl::io::write_table_csv(a.csv, result.table, a.force);

  if (!g.quiet) {
    for (const auto& [det, tau] : result.tau_ns) {
      std::fprintf(stderr, "detector %lld: tau %.0f ns (%s)\n", det, tau,
                   tau <= 0 ? "unknown: no pole-zero correction"
                            : (result.tau_estimated[det] ? "estimated from tails" : "configured"));
    }
  }
  // A table of NaN rows is written (each flagged), but never without a word.
  if (result.n_events > 0 && 2 * result.n_quality_ok < result.n_events)
    std::fprintf(stderr, "warning: %s: %zu of %zu events carry quality flags (their parameters are NaN); see the "
                 "quality column (docs/dsp.md) and the [dsp] windows against the %zu-sample records\n",
                 a.file.c_str(), result.n_events - result.n_quality_ok, result.n_events, reader->n_samples());
  const double rate = result.seconds > 0 ? double(result.n_events) / result.seconds : 0.0;
  std::printf("dsp: %zu events (%zu samples x %g ns) -> %s%s%s; %zu with quality 0; %.0f waveforms/s "
              "(%.2f s: tau estimate %.2f s, records and chain %.2f s)\n",
              result.n_events, reader->n_samples(), reader->sample_period_ns(), a.out.c_str(),
              a.csv.empty() ? "" : ", ", a.csv.c_str(), result.n_quality_ok, rate, result.seconds,
              result.tau_seconds, result.seconds - result.tau_seconds);
}

void setup(CLI::App& parent) {
  auto args = std::make_shared<DspArgs>();
  auto* cmd = parent.add_subcommand("dsp", "traditional pulse-shape parameters (energy, A/E, drift time, DCR, LQ) per waveform");
  cmd->add_option("file", args->file, "HDF5 / LH5 waveform file")->required()->check(wl::app::path_given());
  cmd->add_option("--out", args->out, "feature table (HDF5, one dataset per column)")->required()->check(wl::app::path_given());
  cmd->add_option("--csv", args->csv, "also write the table as CSV")->check(wl::app::path_given());
  cmd->add_flag("--force", args->force, "replace existing outputs");
  cmd->add_option("--config", args->config, "TOML file with a [dsp] table (times in ns; see docs/dsp.md)")->check(wl::app::path_given());
  cmd->add_option("--set", args->overrides, "override a [dsp] key, e.g. --set trap_rise_ns=3000 (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--tau-ns", args->tau_ns, "pole-zero time constant for every detector (default: config, else estimated)");
  cmd->add_option("--max-events", args->max_events, "process only the first N events")
      ->check(wl::app::count_range(1, 1LL << 40));
  cmd->add_option("--chunk", args->chunk_events, "events per read")->capture_default_str()->check(wl::app::count_range(1, 1 << 20));
  cmd->add_option("--format", args->format, "auto, mjd, lh5 or generic")->capture_default_str();
  cmd->add_option("--channel", args->channel, "LH5 channel group (default: the first with raw/waveform)");
  cmd->add_option("--stream", args->stream,
                  "LH5 waveform stream: windowed or presummed (LEGEND-200), or a group under raw/ (default: "
                  "waveform, else windowed)");
  cmd->add_option("--waveform", args->waveform, "waveform dataset (default raw_waveform)");
  cmd->add_option("--energy", args->energy, "energy dataset carried through (default energy_label)");
  cmd->add_option("--label", args->labels, "label datasets carried through (default the four PSD labels)")
      ->allow_extra_args(false)
      ->delimiter(',');
  cmd->add_option("--tp0", args->tp0, "start-index dataset carried through (default tp0)");
  cmd->add_option("--dt-ns", args->dt_ns, "sampling period in ns, overriding the file's own (MJD files record none: 10)")
      ->check(wl::app::sample_period_range());
  cmd->callback([args] { run(*args); });
}

}  // namespace

WL_REGISTER_COMMAND(dsp, setup);
