// The model card's uncertainty and interpretability sections, in words from the figures
// evaluate measured (metrics.json) and explain wrote (RUN/explain/explain.json).
#include <filesystem>
#include <fstream>
#include <initializer_list>

#include "page_sections.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::run {

namespace {

using nlohmann::json;

std::string calibration_text(const json& u) {
  std::string o;
  if (u.contains("calibration")) {
    const auto& c = u["calibration"];
    o += "Temperature scaling fitted on the validation events: T = " +
         report::format_number(c.value("temperature", 1.0), 3) + ", expected calibration error on the evaluated "
         "events " + report::format_number(c.value("ece_before", 0.0), 3) + " before and " +
         report::format_number(c.value("ece_after", 0.0), 3) + " after. ";
  }
  if (u.contains("conformal")) {
    const auto& c = u["conformal"];
    o += "Split-conformal " + std::string(c.contains("mean_set_size") ? "sets" : "intervals") + " at 1 - alpha = " +
         percent_text(1.0 - c.value("alpha", 0.1)) + " covered " + percent_text(c["coverage"]) + ci_percent_text(c["coverage_ci95"]) + " of " +
         c.value("n_events", json(0)).dump() + " evaluated events. ";
  }
  return o;
}

std::string spread_text(const json& u) {
  std::string o;
  if (u.contains("ensemble") && u["ensemble"].contains("mean_score_std"))
    o += "A deep ensemble of " + u["ensemble"]["members"].dump() + " members; mean spread (score_std) " +
         report::format_number(u["ensemble"]["mean_score_std"].get<double>(), 4) + " on the evaluated events. ";
  if (u.contains("ood") && u["ood"].contains("best")) {
    const auto& b = u["ood"]["best"];
    o += "Against events of a shifted detector (" + u["ood"].value("shifted_file", std::string()) + "), the best "
         "uncertainty score (" + b.value("score", std::string()) + ") separates them with AUROC " +
         report::format_number(b.value("auroc", 0.5), 3) + " (0.5: not at all; below 0.5: the model is surer of the "
         "shifted events than of its test events). ";
  }
  return o;
}

}  // namespace

std::string percent_text(const nlohmann::json& fraction) {
  return fraction.is_number() ? report::format_number(100 * fraction.get<double>(), 3) + " %" : "?";
}

std::string ci_percent_text(const nlohmann::json& ci) {
  return ci.is_array() && ci.size() == 2 && ci[0].is_number() && ci[1].is_number()
             ? " [" + percent_text(ci[0]) + ", " + percent_text(ci[1]) + "]"
             : "";
}

std::string card_uncertainty_text(const PageInputs& in) {
  if (!in.uncertainty || in.uncertainty->json.empty())
    return "No validation events to fit a calibration on; no uncertainty measured.";
  const std::string o = calibration_text(in.uncertainty->json) + spread_text(in.uncertainty->json);
  return o.empty() ? "No uncertainty measured." : o;
}

namespace {

// A number inside nested objects, or null when any step is missing or of another type
// (an explain.json of another version must not break the card).
json number_at(const json& j, std::initializer_list<const char*> path) {
  const json* at = &j;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return json();
    at = &(*at)[key];
  }
  return at->is_number() ? *at : json();
}

// The card's summary of an explain.json (throws json::exception on fields of another type).
std::string explained_text(const json& j, const std::string& path) {
  std::string o = "Explained on " + j.value("n_events", json(0)).dump() + " " + j.value("events", std::string()) +
                  " events (" + path + "). ";
  if (const auto c = number_at(j, {"completeness_max_rel_error"}); c.is_number())
    o += "Integrated gradients' completeness error: median " +
         percent_text(number_at(j, {"integrated_gradients", "completeness", "median_rel_error"})) + ", at most " +
         percent_text(c) + " (above 1 %, raise --ig-steps or use a smooth network: ReLU and max pooling make the "
         "path integral coarse). ";
  if (const auto edge = number_at(j, {"rising_edge", "fraction", "integrated_gradients", "all"}); edge.is_number())
    o += "Share of |attribution| on the rising edge: " + percent_text(edge) + " (" +
         percent_text(number_at(j, {"rising_edge", "uniform_fraction"})) + " for a uniform attribution). ";
  if (j.contains("importance") && j["importance"].is_array() && !j["importance"].empty() &&
      j["importance"][0].is_object())
    o += "Most important feature: " + j["importance"][0].value("feature", std::string("?")) + ". ";
  return o;
}

}  // namespace

std::string card_interpretability_text(const PageInputs& in) {
  const auto path = std::filesystem::path(in.run_dir) / "explain" / "explain.json";
  const std::string how = "`wavelearn explain --model " + in.run_dir + " --out " + in.run_dir + "/explain`";
  std::ifstream f(path);
  if (!f)
    return in.has_shap ? "TreeSHAP values of the features: shap.html. Permutation importances: " + how + "."
                       : "Not explained yet: " + how + " writes attributions (integrated gradients, saliency, "
                         "occlusion) and where on the pulse the model looks.";
  const auto j = json::parse(f, nullptr, false);
  if (!j.is_object()) return path.string() + " is not readable; rerun " + how + ".";
  try {
    return explained_text(j, path.string());
  } catch (const json::exception&) {
    return path.string() + " has unexpected fields; rerun " + how + ".";
  }
}

}  // namespace wl::run
