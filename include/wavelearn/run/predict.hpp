#pragma once
// `wavelearn predict` for every family: a run directory (or a bare TorchScript file) applied
// to every selected event of a data file through its Scorer, in batches (memory bounded by
// a batch), writing predictions.h5-style columns (id, event_index, energy_kev, scores, and
// the file's labels and truth when present). No libtorch here.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace wl::run {

struct PredictOptions {
  std::filesystem::path model;       // run directory or a .pt file
  std::filesystem::path preprocess;  // neural: instead of the model's own preprocessing
  std::string data;
  std::filesystem::path out;
  bool force = false;
  bool all_events = false;  // ignore the training energy threshold
  std::size_t batch_size = 1024;
  int threads = 0;
  int mc_samples = 0;     // Monte Carlo dropout passes per event (0: off)
  uint64_t mc_seed = 42;  // their dropout masks
  std::string device = "cpu";  // neural models: cpu, cuda or cuda:N (--device)
};

struct PredictSummary {
  std::size_t n_events = 0;
  std::vector<std::string> columns;  // score columns
  double seconds = 0.0;              // scoring only (not start-up or the write)
};

PredictSummary run_prediction(const PredictOptions& o);

}  // namespace wl::run
