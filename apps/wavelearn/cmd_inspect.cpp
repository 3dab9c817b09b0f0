// `wavelearn inspect FILE`: what a waveform file holds (layout, events, sampling, per-field
// statistics, label balance, energy spectrum, attributes), read chunk by chunk.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/io/layout.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/io/summary.hpp"

namespace {
using wl::core::InputError;
using namespace wl::io;

struct InspectArgs {
  std::string file;
  std::string format = "auto";
  std::string channel, stream, waveform, energy, tp0, window;
  std::vector<std::string> labels;
  double dt_ns = 0;
  double min_energy_kev = NAN;
  bool json = false;
};

// "500:1500" -> [500, 1500), the NumPy slice the lectures use.
std::pair<std::size_t, std::size_t> parse_window(const std::string& s, std::size_t n_samples) {
  const auto colon = s.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no colon");
    const std::string a = s.substr(0, colon), b = s.substr(colon + 1);
    // stoul would read "-5" as a huge number.
    if ((a + b).find_first_not_of("0123456789") != std::string::npos) throw std::invalid_argument("not digits");
    const std::size_t begin = a.empty() ? 0 : std::stoul(a);
    const std::size_t end = b.empty() ? n_samples : std::stoul(b);
    if (end <= begin) throw std::invalid_argument("empty window");
    return {begin, end - begin};
  } catch (const std::exception&) {
    throw InputError("--window: '" + s + "' is not BEGIN:END in samples (e.g. 500:1500)");
  }
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

std::string bar(std::size_t count, std::size_t max_count, int width) {
  const int len = max_count ? static_cast<int>(std::lround(double(width) * double(count) / double(max_count))) : 0;
  return std::string(static_cast<std::size_t>(std::max(len, count ? 1 : 0)), '#');
}

// The files of a dataset given as several files: each one's events and bytes. Empty for one
// file.
struct FilePart {
  std::string path;
  std::size_t n_events = 0;
  std::uintmax_t bytes = 0;
};

// The reader already numbers the files' events back to back: no file is opened again.
std::vector<FilePart> file_parts(const std::string& spec, const WaveformReader& reader) {
  std::vector<FilePart> parts;
  if (!wl::core::is_file_list(spec)) return parts;
  for (std::size_t f = 0; f < reader.n_files(); ++f) {
    const std::size_t end = f + 1 < reader.n_files() ? reader.file_first_event(f + 1) : reader.n_events();
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(reader.file_path(f), ec);
    parts.push_back({reader.file_path(f), end - reader.file_first_event(f), ec ? 0 : bytes});
  }
  return parts;
}

void print_parts(const std::vector<FilePart>& parts) {
  if (parts.empty()) return;
  std::printf("files: %zu, read as one dataset in this order (the layout below is the first's; all share it)\n",
              parts.size());
  for (const auto& p : parts)
    std::printf("  %s  %zu events  %.1f MB\n", p.path.c_str(), p.n_events, double(p.bytes) / 1e6);
}

nlohmann::json parts_json(const std::vector<FilePart>& parts) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& p : parts) j.push_back({{"path", p.path}, {"n_events", p.n_events}, {"bytes", p.bytes}});
  return j;
}

nlohmann::json to_json(const FileLayout& layout, const FileSummary& s) {
  using nlohmann::json;
  json j;
  j["file"] = s.path;
  j["format"] = format_name(s.format);
  j["n_events"] = s.n_events;
  j["n_samples"] = s.n_samples;
  j["sample_period_ns"] = s.sample_period_ns;
  for (const auto& d : layout.datasets) {
    json dj{{"path", d.path}, {"shape", d.shape}, {"dtype", d.dtype}};
    if (!d.chunk.empty()) dj["chunk"] = d.chunk;
    for (const auto& [k, v] : d.attributes) dj["attributes"][k] = v;
    j["datasets"].push_back(dj);
  }
  j["attributes"] = json::object();
  for (const auto& [k, v] : layout.attributes) j["attributes"][k] = v;
  j["fields"] = json::object();
  for (const auto& f : s.fields) {
    j["fields"][f.name] = {{"min", f.min}, {"max", f.max}, {"mean", f.mean}, {"n_finite", f.n_finite},
                           {"n_nonfinite", f.n_nonfinite}};
  }
  j["labels"] = json::object();
  for (const auto& l : s.labels) j["labels"][l.name] = {{"pass_fraction", l.pass_fraction}, {"binary", l.binary}};
  if (s.has_energy) {
    const auto& e = s.energy;
    j["energy"] = {{"field", e.field}, {"min", e.stats.min}, {"max", e.stats.max}, {"mean", e.stats.mean},
                   {"edges_kev", e.edges_kev}, {"counts", e.counts}};
    for (const auto& p : e.peaks) {
      j["energy"]["peaks"].push_back(
          {{"name", p.name}, {"center_kev", p.center_kev}, {"half_width_kev", e.peak_half_width_kev}, {"counts", p.counts}});
    }
  }
  return j;
}

void print_text(const FileLayout& layout, const FileSummary& s, const std::vector<FilePart>& parts) {
  std::printf("file: %s\nformat: %s\nevents: %zu\n", s.path.c_str(), format_name(s.format), s.n_events);
  print_parts(parts);
  std::printf("waveform: %zu samples x %g ns = %g us%s\n", s.n_samples, s.sample_period_ns,
              double(s.n_samples) * s.sample_period_ns / 1e3,
              s.format == Format::Lh5 ? " (longest record)" : "");
  std::printf("\ndatasets:\n");
  std::size_t width = 0;
  for (const auto& d : layout.datasets) width = std::max(width, d.path.size());
  for (const auto& d : layout.datasets) {
    std::string extra;
    if (!d.chunk.empty()) extra += "  chunks " + shape_text(d.chunk);
    for (const auto& [k, v] : d.attributes) {
      if (k == "units" || k == "datatype") extra += "  " + k + "=" + v;
    }
    std::printf("  %-*s  %-16s %-8s%s\n", int(width), d.path.c_str(), shape_text(d.shape).c_str(), d.dtype.c_str(),
                extra.c_str());
  }
  if (!layout.attributes.empty()) {
    std::printf("\nattributes:\n");
    // Long values (the simulator's analysis JSON) are shortened here; --json has them whole.
    constexpr std::size_t kMaxShown = 160;
    for (const auto& [k, v] : layout.attributes) {
      if (v.size() <= kMaxShown) {
        std::printf("  %s = %s\n", k.c_str(), v.c_str());
      } else {
        std::printf("  %s = %s ... (%zu characters; --json shows all)\n", k.c_str(),
                    v.substr(0, kMaxShown).c_str(), v.size());
      }
    }
  }
  if (!s.fields.empty()) {
    width = 5;
    for (const auto& f : s.fields) width = std::max(width, f.name.size());
    std::printf("\nfields:\n  %-*s  %14s %14s %14s\n", int(width), "field", "min", "max", "mean");
    for (const auto& f : s.fields) {
      std::printf("  %-*s  %14.6g %14.6g %14.6g%s\n", int(width), f.name.c_str(), f.min, f.max, f.mean,
                  f.n_nonfinite ? (" (" + std::to_string(f.n_nonfinite) + " non-finite)").c_str() : "");
    }
  }
  if (s.labels.empty()) {
    std::printf("\nlabels: none (prediction-only file)\n");
  } else {
    std::printf("\nlabels (fraction passing = label 1):\n");
    for (const auto& l : s.labels) {
      std::printf("  %-22s %7.4f  (%zu pass, %zu rejected)%s\n", l.name.c_str(), l.pass_fraction,
                  std::size_t(std::llround(l.pass_fraction * double(s.n_events))),
                  s.n_events - std::size_t(std::llround(l.pass_fraction * double(s.n_events))),
                  l.binary ? "" : "  [not 0/1]");
    }
  }
  if (s.has_energy && !s.energy.edges_kev.empty()) {
    const auto& e = s.energy;
    std::printf("\nenergy (%s): min %.6g, max %.6g, mean %.6g\n", e.field.c_str(), e.stats.min, e.stats.max,
                e.stats.mean);
    const std::size_t max_count = *std::max_element(e.counts.begin(), e.counts.end());
    for (std::size_t b = 0; b < e.counts.size(); ++b) {
      std::printf("  %10.1f - %10.1f  %8zu  %s\n", e.edges_kev[b], e.edges_kev[b + 1], e.counts[b],
                  bar(e.counts[b], max_count, 40).c_str());
    }
    for (const auto& p : e.peaks) {
      std::printf("  %-10s %8.1f keV +- %.0f: %zu events\n", p.name.c_str(), p.center_kev, e.peak_half_width_kev,
                  p.counts);
    }
  }
}

nlohmann::json streams_json(const std::vector<Lh5Stream>& streams) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& s : streams) {
    nlohmann::json e{{"channel", s.channel}, {"stream", s.stream}, {"codec", s.codec}, {"n_events", s.n_events},
                     {"n_samples", s.n_samples}, {"sample_period_ns", s.sample_period_ns}};
    if (!s.error.empty()) e["error"] = s.error;
    j.push_back(e);
  }
  return j;
}

// The channel x stream table of an LH5 file; the stream being read is marked with '*'.
void print_streams(const std::vector<Lh5Stream>& streams, const std::string& channel, const std::string& stream) {
  if (streams.empty()) return;
  std::printf("\nLH5 waveform streams (--channel, --stream; * = the one read above):\n");
  std::string read_channel = channel.empty() ? streams.front().channel : channel, last;
  for (const auto& s : streams) {
    const bool is_read = s.channel == read_channel &&
                         (stream.empty() ? s.channel != last : s.stream == stream || s.stream == "waveform_" + stream);
    std::printf("  %c %-12s %-20s ", is_read ? '*' : ' ', s.channel == last ? "" : s.channel.c_str(), s.stream.c_str());
    if (!s.error.empty()) {
      std::printf("unreadable: %s\n", s.error.c_str());
    } else {
      std::printf("%zu events x %zu samples x %g ns  %s\n", s.n_events, s.n_samples, s.sample_period_ns,
                  s.codec.empty() ? "plain" : s.codec.c_str());
    }
    last = s.channel;
  }
}

void run(const InspectArgs& a) {
  OpenOptions opt;
  opt.format = wl::io::parse_format(a.format);
  opt.lh5_channel = a.channel;
  opt.lh5_stream = a.stream;
  if (!a.waveform.empty()) opt.fields.waveform = a.waveform;
  if (!a.energy.empty()) opt.fields.energy = a.energy;
  if (!a.tp0.empty()) opt.fields.tp0 = a.tp0;
  if (!a.labels.empty()) opt.fields.labels = a.labels;
  if (a.dt_ns > 0) opt.fields.sample_period_ns = a.dt_ns, opt.fields.sample_period_given = true;

  const FileLayout layout = describe_layout(a.file);
  auto reader = open_reader(a.file, opt);
  const auto parts = file_parts(a.file, *reader);
  std::vector<NamedField> named{{a.energy, "--energy"}, {a.tp0, "--tp0"}};
  for (const auto& l : a.labels) named.push_back({l, "--label"});
  require_named_fields(*reader, named);
  const FileSummary summary = summarize(*reader);
  const std::vector<Lh5Stream> streams =
      reader->format() == Format::Lh5 ? describe_lh5_streams(a.file) : std::vector<Lh5Stream>{};

  std::vector<std::size_t> selected;
  const bool select = !std::isnan(a.min_energy_kev);
  if (select) selected = select_by_energy(*reader, a.min_energy_kev);
  WindowStats window;
  const bool has_window = !a.window.empty();
  if (has_window) {
    const auto [begin, n] = parse_window(a.window, reader->n_samples());
    window = summarize_window(*reader, selected, begin, n);
  }

  if (a.json) {
    auto j = to_json(layout, summary);
    if (!streams.empty()) j["lh5_streams"] = streams_json(streams);
    if (!parts.empty()) j["files"] = parts_json(parts);
    if (select) j["selection"] = {{"min_energy_kev", a.min_energy_kev}, {"n_events", selected.size()}};
    if (has_window) {
      j["window"] = {{"begin", window.sample_begin}, {"end", window.sample_begin + window.n_samples},
                     {"n_events", window.n_events}, {"min", window.min}, {"max", window.max}, {"mean", window.mean}};
    }
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  print_text(layout, summary, parts);
  print_streams(streams, a.channel, a.stream);
  if (select) {
    std::printf("\nselection: %zu of %zu events with %s > %g\n", selected.size(), summary.n_events,
                reader->fields().energy.c_str(), a.min_energy_kev);
  }
  if (has_window) {
    std::printf("\nwindow [%zu, %zu) over %zu events: min %.6g, max %.6g, mean %.6g\n", window.sample_begin,
                window.sample_begin + window.n_samples, window.n_events, window.min, window.max, window.mean);
  }
}

void setup(CLI::App& parent) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = parent.add_subcommand("inspect", "describe a waveform file (MJD, LH5 or any HDF5 with a mapping)");
  cmd->add_option("file", args->file, "HDF5 / LH5 file(s): several paths, a glob or a comma list read as one")
      ->required()->expected(1, -1)->allow_extra_args()->check(wl::app::path_given())->join(',');
  cmd->add_option("--format", args->format, "auto, mjd, lh5 or generic")->capture_default_str();
  cmd->add_option("--channel", args->channel, "LH5 channel group (default: the first with raw/waveform)");
  cmd->add_option("--stream", args->stream,
                  "LH5 waveform stream: windowed or presummed (LEGEND-200), or a group under raw/ (default: "
                  "waveform, else windowed)");
  cmd->add_option("--waveform", args->waveform, "waveform dataset (default raw_waveform)");
  cmd->add_option("--energy", args->energy, "energy dataset in keV (default energy_label)");
  cmd->add_option("--label", args->labels, "label dataset (repeat for several; default the four PSD labels)")
      ->allow_extra_args(false)
      ->delimiter(',');
  cmd->add_option("--tp0", args->tp0, "start-index dataset (default tp0)");
  cmd->add_option("--dt-ns", args->dt_ns, "sampling period in ns, overriding the file's own (MJD files record none: 10)")
      ->check(wl::app::sample_period_range());
  cmd->add_option("--min-energy", args->min_energy_kev, "also count events with energy above this (keV)")
      ->check(wl::app::finite_number());
  cmd->add_option("--window", args->window, "also summarise samples BEGIN:END of the (selected) events");
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args] { run(*args); });
}

}  // namespace

WL_REGISTER_COMMAND(inspect, setup);
