#pragma once
// Internal to src/explain: attributions of a network's output on chosen events.
#include <cstddef>
#include <vector>

#include "wavelearn/explain/explain.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::explain::detail {

// `column` indexes scorer.columns(); rows index source.events().
Attributions explain_network(const run::Scorer& scorer, run::EventSource& source, const std::vector<std::size_t>& rows,
                             std::size_t column, const std::vector<std::string>& methods, const ExplainOptions& o);

}  // namespace wl::explain::detail
