#pragma once
// Per-field statistics of a waveform file, computed chunk by chunk (memory bounded by the
// chunk, not N): what `wavelearn inspect` prints.
#include <cstddef>
#include <string>
#include <vector>

#include "wavelearn/io/reader.hpp"

namespace wl::io {

struct FieldStats {
  std::string name;
  std::size_t n_finite = 0;  // NaN/inf values are counted apart
  std::size_t n_nonfinite = 0;
  double min = 0, max = 0, mean = 0;
};

struct LabelBalance {
  std::string name;
  double pass_fraction = 0;  // fraction of events with label > 0.5 (1 = passes the cut)
  bool binary = true;        // every value is 0 or 1
};

struct EnergyPeak {
  std::string name;  // "DEP", "SEP", "FEP 208Tl", ...
  double center_kev = 0;
  std::size_t counts = 0;  // events within +-half_width_kev
};

struct EnergySummary {
  std::string field;
  FieldStats stats;
  std::vector<double> edges_kev;     // bins + 1 equal-width edges from min to max
  std::vector<std::size_t> counts;   // per bin
  double peak_half_width_kev = 5.0;
  std::vector<EnergyPeak> peaks;     // 228Th reference lines (calibrated keV files only)
};

struct WindowStats {
  std::size_t sample_begin = 0, n_samples = 0, n_events = 0;
  double min = 0, max = 0, mean = 0;
};

struct FileSummary {
  std::string path;
  Format format = Format::Mjd;
  std::size_t n_events = 0, n_samples = 0;
  double sample_period_ns = 0;
  std::vector<FieldStats> fields;     // every scalar field
  std::vector<LabelBalance> labels;   // the FieldMap's labels present in the file
  bool has_energy = false;
  EnergySummary energy;
};

// Reads every scalar field once, in blocks of reader.chunk_events() events or more.
// Throws InputError when a named label is misshapen or not numeric.
FileSummary summarize(WaveformReader& reader, std::size_t histogram_bins = 20);

// Min/max/mean of samples [sample_begin, sample_begin + n) over `events` (all if empty),
// read chunk by chunk. Throws InputError when the window lies outside the waveforms.
WindowStats summarize_window(WaveformReader& reader, const std::vector<std::size_t>& events,
                             std::size_t sample_begin, std::size_t n);

}  // namespace wl::io
