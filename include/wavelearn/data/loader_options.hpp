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
};

// Reads [data]: batch_size, storage ("auto" | "memory" | "stream"), max_memory_mb,
// prefetch_batches. shuffle/drop_last/seed/stream are set by the caller.
LoaderOptions loader_options_from(const core::Config& config);

}  // namespace wl::data
