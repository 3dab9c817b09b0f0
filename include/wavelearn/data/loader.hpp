#pragma once
// Batches of preprocessed windows as torch tensors, like the lectures' DataLoader with a
// SubsetRandomSampler and drop_last, but: whole batches gathered into preallocated (B, L)
// float32 tensors (never one tensor per sample), a background thread preparing the next
// batches (the only thread that touches HDF5), and an epoch order that is a pure function
// of (seed, epoch), so a resumed run sees exactly the same batches.
#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "wavelearn/data/loader_options.hpp"
#include "wavelearn/data/window_source.hpp"

namespace wl::data {

struct Batch {
  torch::Tensor x;      // (B, L) float32
  torch::Tensor y;      // (B, T) float32 (T may be 0)
  torch::Tensor index;  // (B,) int64: dataset rows
  std::size_t size = 0;
  std::size_t number = 0;  // batch number within the epoch
};

// LoaderOptions and loader_options_from: data/loader_options.hpp.

class BatchLoader {
 public:
  // rows: the dataset rows this loader serves (e.g. Split::train). Storage mode resolved by
  // the memory budget; in-memory storage is filled here (on the calling thread).
  BatchLoader(std::shared_ptr<Dataset> dataset, std::vector<std::size_t> rows,
              std::shared_ptr<const Preprocessor> preprocessor, const LoaderOptions& options);
  ~BatchLoader();  // stops the prefetch thread
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  std::size_t n_batches() const;  // per epoch
  std::size_t n_rows() const { return rows_.size(); }
  std::size_t window_length_samples() const;
  std::size_t n_targets() const;
  StorageMode storage() const;
  const LoaderOptions& options() const { return options_; }
  const std::vector<std::size_t>& rows() const { return rows_; }

  // Row order of an epoch (pure function of seed, stream, epoch).
  std::vector<std::size_t> epoch_order(std::size_t epoch) const;

  // Starts (or restarts) an epoch; the prefetch thread begins preparing its batches.
  void start_epoch(std::size_t epoch);
  // The next batch of the current epoch; false at its end. The tensors stay valid as long
  // as the caller holds them (a buffer still referenced is never reused).
  bool next(Batch& out);

 private:
  struct Impl;
  std::shared_ptr<Dataset> dataset_;
  std::vector<std::size_t> rows_;
  std::shared_ptr<const Preprocessor> pre_;
  LoaderOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wl::data
