// The verdicts: per label, the best network (by mean test AUC) against the reference tabular
// model, the first whose inputs leave out the label's own parameters.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "leaderboard.hpp"

namespace wl::study::detail {

namespace {

struct Figure {
  std::string model;
  double auc = std::nan(""), lo = std::nan(""), hi = std::nan("");
};

Figure figure_of(const nlohmann::json& cells, const std::string& model, const std::string& label) {
  Figure f;
  f.model = model;
  const auto c = cells.value(model, nlohmann::json::object()).value(label, nlohmann::json());
  if (!c.is_object() || !c["auc"].is_number()) return f;
  f.auc = c["auc"].get<double>();
  if (c["auc_ci95"][0].is_number()) f.lo = c["auc_ci95"][0].get<double>();
  if (c["auc_ci95"][1].is_number()) f.hi = c["auc_ci95"][1].get<double>();
  return f;
}

std::string auc_text(const Figure& f) {
  char b[96];
  std::snprintf(b, sizeof b, "%.4f [%.4f, %.4f]", f.auc, f.lo, f.hi);
  return b;
}

nlohmann::json label_verdict(const Plan& plan, const nlohmann::json& cells, const std::string& label,
                             const std::string& reference) {
  Figure best;
  for (const auto& m : plan.models) {
    if (m.tabular) continue;
    const auto f = figure_of(cells, m.name, label);
    if (std::isfinite(f.auc) && (!std::isfinite(best.auc) || f.auc > best.auc)) best = f;
  }
  const auto ref = figure_of(cells, reference, label);
  if (!std::isfinite(best.auc) || !std::isfinite(ref.auc))
    return {{"label", label}, {"text", "no network or no reference AUC for this label"}};
  const bool beats = best.auc > ref.auc;
  const bool overlap = !(best.lo > ref.hi || ref.lo > best.hi);
  char b[160];
  std::snprintf(b, sizeof b, beats ? "higher by %.4f" : "lower by %.4f", std::abs(best.auc - ref.auc));
  std::string text = best.model + " (" + auc_text(best) + ") against " + ref.model + " (" + auc_text(ref) + "): " + b;
  if (beats) text += overlap ? "; the intervals overlap, so better is not shown" : "; the intervals do not overlap";
  else text += overlap ? "; the intervals overlap" : "; the intervals do not overlap: the network is worse here";
  return {{"label", label},          {"best_network", best.model},  {"best_auc", best.auc},
          {"best_auc_ci95", {best.lo, best.hi}}, {"reference", ref.model}, {"reference_auc", ref.auc},
          {"reference_auc_ci95", {ref.lo, ref.hi}}, {"beats", beats},     {"intervals_overlap", overlap},
          {"auc_difference", best.auc - ref.auc},   {"text", text}};
}

}  // namespace

void add_verdicts(const Plan& plan, nlohmann::json& board) {
  std::string reference;
  for (const auto& m : plan.models)
    if (m.tabular && m.without_label_inputs && reference.empty()) reference = m.name;
  if (reference.empty()) {
    board["verdict"] = {{"text", "no tabular model without the label's own inputs to judge the networks against"}};
    return;
  }
  auto verdicts = nlohmann::json::array();
  int beats = 0, disjoint = 0, judged = 0;
  for (const auto& label : plan.labels) {
    auto v = label_verdict(plan, board["cells"], label, reference);
    if (v.contains("beats")) {
      ++judged;
      beats += v["beats"].get<bool>();
      disjoint += v["beats"].get<bool>() && !v["intervals_overlap"].get<bool>();
    }
    verdicts.push_back(std::move(v));
  }
  const int needed = std::min(3, judged);
  const bool holds = judged == static_cast<int>(plan.labels.size()) && beats == judged && disjoint >= needed;
  char b[320];
  std::snprintf(b, sizeof b,
                "the best network beats %s on %d of %d labels, with intervals apart on %d (the claim needs all "
                "%zu, apart on at least %d): %s",
                reference.c_str(), beats, judged, disjoint, plan.labels.size(), needed, holds ? "holds" : "does not hold");
  board["verdicts"] = verdicts;
  board["verdict"] = {{"reference", reference}, {"beats", beats},         {"intervals_apart", disjoint},
                      {"judged", judged},       {"claim_holds", holds}, {"text", b}};
}

}  // namespace wl::study::detail
