#include "wavelearn/data/loader_options.hpp"

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::data {

using core::InputError;

namespace {

StorageMode parse_storage(const std::string& s) {
  if (s == "auto") return StorageMode::Auto;
  if (s == "memory") return StorageMode::Memory;
  if (s == "stream") return StorageMode::Stream;
  throw InputError("config key 'data.storage' = \"" + s +
                   "\": expected \"auto\", \"memory\" or \"stream\"");
}

}  // namespace

LoaderOptions loader_options_from(const core::Config& config) {
  LoaderOptions o;
  o.batch_size = config.get<std::size_t>("data.batch_size", o.batch_size);
  o.storage = parse_storage(config.get<std::string>("data.storage", to_string(o.storage)));
  o.max_memory_mb = config.get<std::size_t>("data.max_memory_mb", o.max_memory_mb);
  o.prefetch_batches = config.get<std::size_t>("data.prefetch_batches", o.prefetch_batches);
  if (o.batch_size == 0) throw InputError("config key 'data.batch_size' must be > 0");
  if (o.prefetch_batches == 0) throw InputError("config key 'data.prefetch_batches' must be > 0");
  return o;
}

}  // namespace wl::data
