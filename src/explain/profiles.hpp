#pragma once
// Internal to src/explain: attributions summarised the way a physicist reads them: mean
// |attribution| per sample over a group of events (a class, an energy region), next to the
// group's mean pulse, and the share of the attribution on the rising edge.
#include <cstddef>
#include <string>
#include <vector>

#include "wavelearn/explain/explain.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::explain::detail {

// The rising edge: from just before tp0 (its jitter) to past the longest drift times.
inline constexpr double kEdgeBeforeTp0Ns = 200.0;
inline constexpr double kEdgeAfterTp0Ns = 2000.0;

struct Group {
  std::string name;                // "all", "label 1", "truth single-site", "DEP", ...
  std::vector<std::size_t> members;  // indices into the explained events
};

// "all"; the target's classes when it is a 0/1 label; truth single-/multi-site when the file
// has truth; DEP, SEP, FEP and Compton when it has energies. Empty groups are left out.
std::vector<Group> event_groups(const run::EventTable& events, const std::vector<std::size_t>& rows,
                                const std::string& target);

// Mean over the members of x[member * length + i] (abs_values: of |x|).
std::vector<double> mean_profile(const std::vector<float>& x, std::size_t length, const std::vector<std::size_t>& members,
                                 bool abs_values);

// Mean over the members of the share of sum |a| within [tp0 - before, tp0 + after]
// (NaN when no member has a tp0).
double edge_fraction(const std::vector<float>& a, const Attributions& at, const std::vector<std::size_t>& members);

// The share a flat attribution would put on the rising edge (the edge's share of the window).
double uniform_edge_fraction(const Attributions& at);

}  // namespace wl::explain::detail
