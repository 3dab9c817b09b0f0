#pragma once
// `wavelearn predict`: a model (a run directory or any TorchScript .pt) applied to every
// selected event of a file, batch by batch (memory bounded by the batch, not the file),
// writing per-event id + score columns to an HDF5 table.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace wl::train {

struct PredictOptions {
  std::filesystem::path model;       // RUN_DIR (uses RUN_DIR/model.pt) or a .pt file
  std::filesystem::path preprocess;  // empty: the one inside model.pt, else RUN_DIR/preprocess.json
  std::string data;
  std::filesystem::path out;
  bool force = false;
  bool all_events = false;           // ignore the training energy threshold
  std::size_t batch_size = 1024;
  bool quiet = false;
  int threads = 0;
};

struct PredictSummary {
  std::size_t n_events = 0;
  std::vector<std::string> columns;
  double seconds = 0.0;  // batches and forward passes (the inference time; not the write)
  bool used_score_method = false;  // false: raw forward outputs (a model without a head)
};

// Throws InputError naming the file for a missing model, missing preprocessing, or an input
// length that does not match the model.
PredictSummary run_prediction(const PredictOptions& options);

}  // namespace wl::train
