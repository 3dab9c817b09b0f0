#pragma once
// Internal to src/explain: what run_explain chose, and the files it writes.
#include <cstddef>
#include <string>
#include <vector>

#include "wavelearn/explain/explain.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::explain::detail {

struct ExplainContext {
  const run::Scorer& scorer;
  run::EventSource& source;
  const std::vector<std::size_t>& rows;  // explained events (rows of source.events())
  std::size_t column;                    // the score column explained
  const std::vector<std::string>& methods;
  std::string part;                      // "test", "validation" or "all"
  std::string data_file;
  const ExplainOptions& options;
};

ExplainSummary write_network_outputs(const run::RunDir& out, const ExplainContext& ctx, const Attributions& a);
ExplainSummary write_tabular_outputs(const run::RunDir& out, const ExplainContext& ctx,
                                     const std::vector<FeatureImportance>& importances);

}  // namespace wl::explain::detail
