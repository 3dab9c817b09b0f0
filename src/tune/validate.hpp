#pragma once
// Checks before the first trial (InputError naming the key and the file).
#include "wavelearn/core/config.hpp"
#include "wavelearn/tune/space.hpp"

namespace wl::tune::detail {

// A neural, single-network base configuration with an existing data file; returns its
// train.epochs (the budget of the last rung).
int check_base(const core::Config& base);
// No forbidden key (train.epochs, model.type, seed, split and event-selection keys), no key
// that the run does not read, and every choice option accepted by the readers.
void check_space(const core::Config& base, const Space& space);

}  // namespace wl::tune::detail
