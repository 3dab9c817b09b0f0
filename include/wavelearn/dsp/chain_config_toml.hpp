#pragma once
// For configurations that embed a [dsp] table in a larger TOML file (e.g. a tabular-model
// preset): apply that table onto a ChainConfig. Kept apart from chain.hpp so that toml++
// is only included where it is needed.
#include <string>
#include <toml++/toml.h>

#include "wavelearn/dsp/chain.hpp"

namespace wl::dsp {

// Keys of dsp_table override config; unknown keys, wrong types and out-of-range values throw
// InputError naming `source` and the key as "dsp.<key>".
void apply_chain_config(ChainConfig& config, const toml::table& dsp_table, const std::string& source);

}  // namespace wl::dsp
