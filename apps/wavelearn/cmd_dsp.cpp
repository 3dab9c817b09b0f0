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
#include "wavelearn/dsp/dsp_tier.hpp"
#include "wavelearn/dsp/file_chain.hpp"
#include "wavelearn/io/layout.hpp"
#include "wavelearn/io/lh5_writer.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn_version.hpp"

namespace {
using wl::core::InputError;

struct DspArgs {
  std::string file, out, csv, config;
  bool force = false;
  std::string format = "auto";
  std::string out_format;          // "", "h5" or "lh5" (default: by the --out extension)
  std::string naming = "wavelearn";
  std::string channel, stream, waveform, energy, tp0;
  std::vector<std::string> labels, overrides;
  double dt_ns = 0;
  double tau_ns = 0;
  std::size_t max_events = 0;
  std::size_t chunk_events = 4096;
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// LH5 output: --out-format lh5, or an --out ending in .lh5.
bool lh5_output(const DspArgs& a) {
  if (a.out_format == "lh5") return true;
  if (a.out_format == "h5") return false;
  if (!a.out_format.empty()) throw InputError("--out-format: unknown format '" + a.out_format + "' (expected h5 or lh5)");
  return ends_with(a.out, ".lh5");
}

wl::io::OpenOptions open_options(const DspArgs& a, const std::string& channel) {
  wl::io::OpenOptions open;
  open.format = wl::io::parse_format(a.format);
  open.lh5_channel = channel;
  open.lh5_stream = a.stream;
  open.chunk_events = a.chunk_events;
  if (!a.waveform.empty()) open.fields.waveform = a.waveform;
  if (!a.energy.empty()) open.fields.energy = a.energy;
  if (!a.tp0.empty()) open.fields.tp0 = a.tp0;
  if (!a.labels.empty()) open.fields.labels = a.labels;
  if (a.dt_ns > 0) open.fields.sample_period_ns = a.dt_ns, open.fields.sample_period_given = true;
  return open;
}

// The channels of an LH5 input written to an LH5 tier: --channel, else every channel with
// a waveform stream; one unnamed entry for a flat input (its table goes to `dsp`).
std::vector<std::string> tier_channels(const DspArgs& a, bool lh5_out) {
  if (!lh5_out || !a.channel.empty()) return {a.channel};
  std::vector<std::string> channels;
  for (const auto& s : wl::io::describe_lh5_streams(a.file)) {
    if (channels.empty() || channels.back() != s.channel) channels.push_back(s.channel);
  }
  if (channels.empty()) channels.push_back("");
  return channels;
}

struct ChannelResult {
  std::string channel;  // empty for a flat input
  std::unique_ptr<wl::io::WaveformReader> reader;
  wl::dsp::FileChainResult chain;
  wl::io::Lh5Table tier;
};

ChannelResult run_channel(const DspArgs& a, const wl::dsp::FileChainOptions& opt, const std::string& channel,
                          wl::dsp::Naming naming) {
  ChannelResult r;
  r.channel = channel;
  r.reader = wl::io::open_reader(a.file, open_options(a, channel));
  std::vector<wl::io::NamedField> named{{a.energy, "--energy"}, {a.tp0, "--tp0"}};
  for (const auto& l : a.labels) named.push_back({l, "--label"});
  wl::io::require_named_fields(*r.reader, named);
  r.chain = wl::dsp::run_chain_on_file(*r.reader, opt);
  r.chain.table.attributes["generator"] = std::string("wavelearn dsp ") + WL_VERSION;
  std::vector<wl::dsp::dspeed::DspeedParams> params;
  if (naming == wl::dsp::Naming::Dspeed)
    params = wl::dsp::dspeed_pass(*r.reader, r.chain, wl::dsp::dspeed::DspeedConfig{}, opt.threads);
  r.tier = wl::dsp::dsp_tier_table(channel.empty() ? "dsp" : channel + "/dsp", r.chain, params);
  return r;
}

void write_outputs(const DspArgs& a, bool lh5_out, wl::dsp::Naming naming, const std::vector<ChannelResult>& results) {
  if (lh5_out) {
    std::vector<wl::io::Lh5Table> tables;
    for (const auto& r : results) tables.push_back(r.tier);
    wl::io::write_lh5_tables(a.out, tables, a.force, {{"generator", std::string("wavelearn dsp ") + WL_VERSION}});
  }
  const wl::io::Table flat =
      naming == wl::dsp::Naming::Dspeed ? wl::dsp::flat_table(results.front().tier) : results.front().chain.table;
  if (!lh5_out) wl::io::write_table_h5(a.out, flat, a.force);
  if (!a.csv.empty()) wl::io::write_table_csv(a.csv, flat, a.force);
}

void report(const DspArgs& a, const ChannelResult& r, bool quiet);

void run(const DspArgs& a) {
  wl::dsp::FileChainOptions opt;
  if (!a.config.empty()) opt.config = wl::dsp::load_chain_config(a.config);
  wl::dsp::apply_chain_overrides(opt.config, a.overrides);
  if (a.tau_ns < 0 || !std::isfinite(a.tau_ns)) throw InputError("--tau-ns: must be > 0");
  if (a.tau_ns > 0) opt.config.tau_ns = a.tau_ns;
  if (a.chunk_events == 0) throw InputError("--chunk: must be positive");
  const wl::dsp::Naming naming = wl::dsp::parse_naming(a.naming);
  const bool lh5_out = lh5_output(a);
  // Fail before the long pass, not after it.
  wl::core::check_output_file(a.out, a.force, {a.file, a.config});
  if (!a.csv.empty()) wl::core::check_output_file(a.csv, a.force, {a.file, a.config, a.out});
  if (!a.csv.empty() && a.csv == a.out) throw InputError("--csv: " + a.csv + " is also --out");

  const auto& g = wl::app::global_options();
  opt.threads = g.threads;
  opt.quiet = g.quiet;
  if (a.max_events > 0) opt.max_events = a.max_events;
  std::vector<ChannelResult> results;
  for (const auto& channel : tier_channels(a, lh5_out)) results.push_back(run_channel(a, opt, channel, naming));
  write_outputs(a, lh5_out, naming, results);
  for (const auto& r : results) report(a, r, g.quiet);
}

void report(const DspArgs& a, const ChannelResult& r, bool quiet) {
  const auto& result = r.chain;
  const auto* reader = r.reader.get();
  if (!quiet) {
    for (const auto& [det, tau] : result.tau_ns) {
      std::fprintf(stderr, "%s%sdetector %lld: tau %.0f ns (%s)\n", r.channel.c_str(), r.channel.empty() ? "" : " ",
                   det, tau,
                   tau <= 0 ? "unknown: no pole-zero correction"
                            : (result.tau_estimated.at(det) ? "estimated from tails" : "configured"));
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
  cmd->add_option("file", args->file, "HDF5 / LH5 waveform file(s): several paths, a glob or a comma list read as one")
      ->required()->expected(1, -1)->allow_extra_args()->check(wl::app::path_given())->join(',');
  cmd->add_option("--out", args->out, "feature table (HDF5, one dataset per column)")->required()->check(wl::app::path_given());
  cmd->add_option("--out-format", args->out_format,
                  "h5 (the project's feature table) or lh5 (LEGEND dsp tier, <channel>/dsp tables); default: lh5 "
                  "when --out ends in .lh5");
  cmd->add_option("--naming", args->naming,
                  "parameter names: wavelearn, or dspeed (dspeed's standard-chain names and definitions: trapEmax, "
                  "tp_0_est, bl_std, lq80, ...; docs/dsp.md)")
      ->capture_default_str();
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
  cmd->add_option("--channel", args->channel, "LH5 channel group (default: the first with raw/waveform; an .lh5 --out takes every channel)");
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
