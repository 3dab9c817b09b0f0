#pragma once
// The DSP chain over a whole waveform file, chunk by chunk: per-detector tau (given or
// estimated from a sample), features of every event, and the identifying/label fields of
// the file carried through, as a column table ready for write_table_h5 / write_table_csv.
#include <cstddef>
#include <map>

#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/io/table.hpp"

namespace wl::dsp {

struct FileChainOptions {
  ChainConfig config;
  int threads = 0;                      // 0: all cores
  bool quiet = false;                   // no progress on stderr
  std::size_t max_events = io::kAll;    // process only the first events
};

struct FileChainResult {
  io::Table table;                      // carried fields, then feature_names()
  std::map<long long, double> tau_ns;   // tau used per detector (0: no pole-zero)
  std::map<long long, bool> tau_estimated;
  std::size_t n_events = 0;
  std::size_t n_quality_ok = 0;
  double seconds = 0;                   // wall time of tau estimate + reads + chain
  double tau_seconds = 0;               // of which the tau estimate (sample reads + tail fits)
};

// Columns carried from the file when present: id, detector, run, tp0, energy and labels of
// the reader's FieldMap, under their names in the file.
FileChainResult run_chain_on_file(io::WaveformReader& reader, const FileChainOptions& options);

}  // namespace wl::dsp
