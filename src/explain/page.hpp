#pragma once
// Internal to src/explain: explain.html.
#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "outputs.hpp"
#include "profiles.hpp"

namespace wl::explain::detail {

std::filesystem::path write_network_page(const run::RunDir& out, const ExplainContext& ctx, const Attributions& a,
                                         const std::vector<Group>& groups, const nlohmann::json& summary);
std::filesystem::path write_tabular_page(const run::RunDir& out, const ExplainContext& ctx,
                                         const std::vector<FeatureImportance>& importances);

}  // namespace wl::explain::detail
