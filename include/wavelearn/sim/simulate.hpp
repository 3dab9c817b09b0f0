#pragma once
// A whole simulated file: events generated chunk by chunk on all threads, waveforms written
// through io::MjdWriter as they are made, the DSP chain run on each chunk (only the small
// Features row and the truth are kept in memory), then labels from the calibration
// analysis, the truth_* fields and the parameters as file attributes. Atomic output.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "wavelearn/dsp/analysis.hpp"
#include "wavelearn/sim/params.hpp"
#include "wavelearn/sim/truth.hpp"

namespace wl::sim {

inline constexpr const char* kGeneratorName = "wavelearn-sim";

struct SimulateOptions {
  SimParams params;
  uint64_t seed = 1;
  std::size_t n_events = 65000;
  // Generator index of the file's first event. The detectors and noise bank come from the
  // seed alone, so files of one seed and disjoint index ranges hold different events of the
  // same detectors: an independent reference for a model trained on the other file.
  std::size_t first_event = 0;
  std::string out_path;
  bool force = false;
  int threads = 0;                 // 0: all cores
  bool quiet = false;              // no progress lines
  bool label = true;               // false: no energy_label / psd_label_* (like NPML files)
  std::size_t chunk_events = 4096; // events generated, written and processed at a time
  // Polled between chunks: true stops with core::Interrupted, and the writer removes its
  // temporary file on the way out (the CLI passes its SIGINT/SIGTERM flag).
  std::function<bool()> stop_requested;
};

struct SimulateSummary {
  std::size_t n_events = 0;
  std::array<std::size_t, kNumEventClasses> class_counts{};
  std::size_t pileup_events = 0;
  std::string response = "nominal";  // detector-response preset (or its name after --set)
  bool labelled = false;
  double pass_low_avse = 0, pass_high_avse = 0, pass_dcr = 0, pass_lq = 0;  // fractions
  std::vector<std::string> survival_lines;  // per region from the analysis summary
  std::vector<std::string> resolution_lines;
  std::vector<std::string> notes;
  double generate_seconds = 0;     // raw generation only
  double total_seconds = 0;
  int threads = 1;
  double waveforms_per_second() const { return total_seconds > 0 ? n_events / total_seconds : 0.0; }
  double generation_rate_per_core() const {
    return generate_seconds > 0 ? n_events / generate_seconds / threads : 0.0;
  }
};

// Analysis settings used for the labels (per-detector minima suited to one file).
dsp::AnalysisConfig label_analysis_config();

// Throws InputError for bad parameters, an existing output without force, or data that
// cannot be calibrated (too few events for the labels).
SimulateSummary simulate_to_file(const SimulateOptions& options);

// The summary as plain text lines (what the CLI prints).
std::string format_summary(const SimulateSummary& s, const std::string& out_path);

}  // namespace wl::sim
