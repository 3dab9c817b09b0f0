#pragma once
// Internal to src/fidelity: the two compared samples (two files, or the even and odd events
// of one), with the DSP columns fidelity needs per event, and their C2ST windows.
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "wavelearn/fidelity/fidelity.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::fidelity::detail {

struct Sample {
  std::string path, label;
  io::WaveformReader* reader = nullptr;       // shared by both halves of a self split
  std::vector<std::size_t> events;            // file events, ascending
  std::map<std::string, std::vector<double>> columns;  // DSP column -> value per event
  std::size_t quality_ok = 0;                 // events with DSP quality 0
};

struct Samples {
  std::vector<std::unique_ptr<io::WaveformReader>> readers;
  Sample reference, candidate;
  bool self_split = false;
  double sample_period_ns = 0;
  std::size_t n_samples = 0;
};

// Opens the files (InputError naming them), checks they are comparable, runs the chain.
Samples load_samples(const FidelityOptions& options);

// Preprocessed C2ST windows of some events of one sample, row-major n x length.
struct Windows {
  std::size_t n = 0, length = 0;
  std::vector<float> values;
};

struct WindowGeometry {
  std::size_t before = 0, length = 0;  // samples before tp50, window length
};
WindowGeometry window_geometry(const C2stSettings& s, double sample_period_ns);

// Rows of the sample (indices into events) whose window lies inside the record and whose
// baseline and energy are measured: what the C2ST can compare.
std::vector<std::size_t> usable_rows(const Sample& s, const WindowGeometry& g, std::size_t n_samples,
                                     double sample_period_ns);

// At most k of rows, evenly spaced (every detector and run of the file represented).
std::vector<std::size_t> evenly_spaced(const std::vector<std::size_t>& rows, std::size_t k);

// The windows of those rows: (x - baseline) / energy over [tp50 - before, + length).
Windows read_windows(const Sample& s, const std::vector<std::size_t>& rows, const WindowGeometry& g,
                     double sample_period_ns);

// W1 per compared parameter (distances.cpp); seed draws the random half-splits.
std::vector<ParameterDistance> compare_parameters(const Sample& reference, const Sample& candidate,
                                                  std::uint64_t seed);

// The classifier two-sample test on equally many windows of each sample (c2st.cpp: torch).
C2stResult run_c2st(const Windows& reference, const Windows& candidate, const C2stSettings& settings,
                     std::uint64_t seed, int threads, bool quiet);

}  // namespace wl::fidelity::detail
