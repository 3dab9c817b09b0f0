// Feature importances of a tabular model on the explained events: permutation importance
// (any model: how much the AUC drops when one feature is shuffled among the events) and,
// for the BDT, TreeSHAP's mean |SHAP|.
#include "tabular.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/run/tabular_access.hpp"
#include "wavelearn/tabular/bdt.hpp"
#include "wavelearn/tabular/shap.hpp"

namespace wl::explain::detail {

namespace {

// Shuffles column j of x among its rows (Fisher-Yates with the project's seeded generator).
void shuffle_column(tabular::FeatureMatrix& x, std::size_t j, core::Rng& rng) {
  const std::size_t n = x.n_rows(), k = x.n_features();
  for (std::size_t i = n; i > 1; --i) std::swap(x.values[(i - 1) * k + j], x.values[rng.below(i) * k + j]);
}

// Mean and standard deviation over repeats of the AUC drop when feature j is shuffled.
std::pair<double, double> permutation_drop(const tabular::TabularModel& model, const tabular::FeatureMatrix& x,
                                           std::size_t j, double base_auc, int repeats, uint64_t seed) {
  std::vector<double> drops;
  for (int r = 0; r < repeats; ++r) {
    auto shuffled = x;
    core::Rng rng(seed, 1000 * j + static_cast<uint64_t>(r));
    shuffle_column(shuffled, j, rng);
    drops.push_back(base_auc - eval::roc_auc(model.predict(shuffled), x.label));
  }
  const double mean = std::accumulate(drops.begin(), drops.end(), 0.0) / double(drops.size());
  double var = 0.0;
  for (const double d : drops) var += (d - mean) * (d - mean);
  return {mean, drops.size() > 1 ? std::sqrt(var / double(drops.size() - 1)) : 0.0};
}

bool wants(const ExplainContext& ctx, const std::string& method) {
  return std::find(ctx.methods.begin(), ctx.methods.end(), method) != ctx.methods.end();
}

}  // namespace

std::vector<FeatureImportance> explain_tabular(const ExplainContext& ctx) {
  const auto access = run::tabular_access(ctx.scorer, ctx.source);
  const auto x = access.matrix.subset(ctx.rows);
  if (x.label.size() != x.n_rows())
    throw core::InputError(ctx.data_file + ": permutation importance needs the label column (the table has none)");
  std::vector<FeatureImportance> out(x.n_features());
  for (std::size_t j = 0; j < x.n_features(); ++j) out[j].feature = x.feature_names[j];
  if (wants(ctx, "permutation")) {
    const double base = eval::roc_auc(access.model.predict(x), x.label);
    for (std::size_t j = 0; j < x.n_features(); ++j)
      std::tie(out[j].permutation_drop, out[j].permutation_std) =
          permutation_drop(access.model, x, j, base, ctx.options.permutation_repeats, ctx.scorer.record().split.seed);
  }
  if (wants(ctx, "tree_shap")) {
    const auto* bdt = dynamic_cast<const tabular::BdtModel*>(&access.model);
    if (!bdt) throw core::InputError("explain --methods tree_shap: only for the BDT (this is " +
                                     ctx.scorer.record().model_type + "; use permutation)");
    const auto importance = tabular::shap_importance(tabular::shap_values(*bdt, x));
    for (const auto& imp : importance)
      for (auto& o : out)
        if (o.feature == imp.feature) o.mean_abs_shap = imp.mean_abs_shap;
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::max(a.permutation_drop, a.mean_abs_shap) > std::max(b.permutation_drop, b.mean_abs_shap);
  });
  return out;
}

}  // namespace wl::explain::detail
