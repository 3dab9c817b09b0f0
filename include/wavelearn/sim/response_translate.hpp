#pragma once
// `wavelearn translate --fit-response`: the detector response fitted to an unlabelled target
// (response_fit.hpp) applied to every waveform of a simulated source, written in the MJD
// release layout with every per-event field of the source kept (labels, energies, truth_*),
// and the fit recorded in a JSON file next to the output. No libtorch.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "wavelearn/io/reader.hpp"
#include "wavelearn/sim/response_fit.hpp"

namespace wl::sim {

struct FitTranslateOptions {
  std::filesystem::path data, target, out;
  std::uint64_t seed = 1;          // the per-event noise streams: Rng(seed, event)
  std::size_t fit_events = 3000;   // records of each file the fit reads (evenly spaced)
  bool force = false, quiet = false;
  int threads = 0;
};

struct FitTranslateSummary {
  ResponseFit fit;
  std::filesystem::path record;  // the fit's JSON
  std::int64_t events = 0;
  double seconds = 0;
  std::string text;  // the lines the command prints
};

// OUT.h5 -> OUT.response-fit.json (beside it).
std::filesystem::path fit_record_path(const std::filesystem::path& out);

// At most max_records records of the file, evenly spaced over it (every detector and run),
// with their detectors and energies (when the file has an energy field).
RecordSample read_record_sample(io::WaveformReader& reader, std::size_t max_records);

// InputError (one line) for a missing or unreadable file, a file without events or
// waveforms, different sampling periods, and an existing output or record without force;
// nothing is written then. The output is written atomically, chunk by chunk.
FitTranslateSummary translate_with_fitted_response(const FitTranslateOptions& options);

}  // namespace wl::sim
