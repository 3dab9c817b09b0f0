#pragma once
// Internal to src/explain: feature importances of a tabular model.
#include <vector>

#include "outputs.hpp"

namespace wl::explain::detail {

std::vector<FeatureImportance> explain_tabular(const ExplainContext& ctx);

}  // namespace wl::explain::detail
