#pragma once
// Options of a BatchLoader (data/loader.hpp), torch-free so that plans and configs can
// carry them without including libtorch.
#include <cstddef>
#include <cstdint>

#include "wavelearn/data/window_source.hpp"

namespace wl::core {
class Config;
}

namespace wl::data {

struct LoaderOptions {
  std::size_t batch_size = 64;
  bool shuffle = true;    // reshuffle every epoch (seed, epoch); false: rows in given order
  bool drop_last = true;  // the lectures drop the incomplete last batch
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;  // distinguishes loaders sharing a seed (train/validation)
  StorageMode storage = StorageMode::Auto;
  std::size_t max_memory_mb = 2048;
  std::size_t prefetch_batches = 2;  // >= 1
  // Data-parallel share (train/distributed.hpp): batch k holds part shard_rank of shard_count
  // equal parts of the global batch k of batch_size rows, so the ranks together see exactly
  // the batches of one process. batch_size must divide by shard_count; needs drop_last.
  std::size_t shard_rank = 0, shard_count = 1;
};

// Reads [data]: batch_size, storage ("auto" | "memory" | "stream"), max_memory_mb,
// prefetch_batches. shuffle/drop_last/seed/stream are set by the caller.
LoaderOptions loader_options_from(const core::Config& config);

}  // namespace wl::data
