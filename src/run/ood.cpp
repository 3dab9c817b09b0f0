#include "wavelearn/run/ood.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "wavelearn/eval/json.hpp"
#include "wavelearn/eval/roc.hpp"

namespace wl::run {

namespace {

// Entropy in nats of a probability p of a binary classifier: largest (ln 2) at 0.5.
double binary_entropy(double p) {
  const double q = std::clamp(p, 1e-12, 1.0 - 1e-12);
  return -q * std::log(q) - (1.0 - q) * std::log(1.0 - q);
}

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

OodScore score_of(const std::string& name, const std::vector<double>& nominal, const std::vector<double>& shifted) {
  std::vector<double> all = nominal;
  all.insert(all.end(), shifted.begin(), shifted.end());
  std::vector<uint8_t> is_shifted(nominal.size(), 0);
  is_shifted.resize(all.size(), 1);
  return {name, eval::roc_auc(all, is_shifted), mean(nominal), mean(shifted)};
}

// The entropy of the class probabilities of a multiclass head (columns of kind "class").
std::vector<double> class_entropy(const ScoredRows& s, const std::vector<std::size_t>& cols) {
  std::vector<double> h(s.rows.size(), 0.0);
  for (std::size_t i = 0; i < s.rows.size(); ++i)
    for (const auto c : cols) {
      const double p = std::clamp(s.scores[i * s.n_columns + c], 1e-12, 1.0);
      h[i] -= p * std::log(p);
    }
  return h;
}

}  // namespace

std::vector<OodScore> ood_scores(const std::vector<ScoreColumn>& columns, const ScoredRows& nominal,
                                 const ScoredRows& shifted) {
  std::vector<OodScore> out;
  if (nominal.rows.empty() || shifted.rows.empty()) return out;
  std::vector<std::size_t> classes;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto& col = columns[c];
    if (col.kind == "spread" || col.kind == "sigma") out.push_back(score_of(col.name, nominal.column(c), shifted.column(c)));
    if (col.kind == "class") classes.push_back(c);
    if (col.kind != "binary") continue;
    auto hn = nominal.column(c), hs = shifted.column(c);
    for (auto& v : hn) v = binary_entropy(v);
    for (auto& v : hs) v = binary_entropy(v);
    out.push_back(score_of("entropy:" + col.name, hn, hs));
  }
  if (!classes.empty())
    out.push_back(score_of("entropy:classes", class_entropy(nominal, classes), class_entropy(shifted, classes)));
  return out;
}

nlohmann::json ood_json(const std::vector<OodScore>& scores, const std::string& shifted_file, std::size_t n_nominal,
                        std::size_t n_shifted) {
  nlohmann::json j = {{"shifted_file", shifted_file}, {"n_nominal", n_nominal}, {"n_shifted", n_shifted},
                      {"scores", nlohmann::json::object()}};
  const OodScore* best = nullptr;
  for (const auto& s : scores) {
    j["scores"][s.name] = {{"auroc", eval::finite_or_null(s.auroc)}, {"mean_nominal", eval::finite_or_null(s.mean_nominal)},
                           {"mean_shifted", eval::finite_or_null(s.mean_shifted)}};
    if (std::isfinite(s.auroc) && (!best || s.auroc > best->auroc)) best = &s;
  }
  if (best) j["best"] = {{"score", best->name}, {"auroc", best->auroc}};
  return j;
}

}  // namespace wl::run
