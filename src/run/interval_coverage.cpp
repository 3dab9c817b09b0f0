#include "wavelearn/run/interval_coverage.hpp"

#include <cmath>
#include <cstddef>
#include <string>

#include "wavelearn/eval/interval.hpp"
#include "wavelearn/eval/json.hpp"

namespace wl::run {

namespace {

using nlohmann::json;


// The chosen score columns and the truth of the evaluated events where all are finite.
struct FiniteRows {
  std::vector<std::vector<double>> column;  // one per chosen column
  std::vector<double> truth;
};

FiniteRows finite_rows(const ScoredRows& s, const std::vector<std::size_t>& columns, const std::vector<double>& truth) {
  FiniteRows f;
  f.column.resize(columns.size());
  for (std::size_t i = 0; i < s.rows.size(); ++i) {
    bool ok = std::isfinite(truth[s.rows[i]]);
    for (const auto c : columns) ok = ok && std::isfinite(s.scores[i * s.n_columns + c]);
    if (!ok) continue;
    f.truth.push_back(truth[s.rows[i]]);
    for (std::size_t k = 0; k < columns.size(); ++k) f.column[k].push_back(s.scores[i * s.n_columns + columns[k]]);
  }
  return f;
}

double mean_of(const std::vector<double>& v) {
  double sum = 0.0;
  for (const double x : v) sum += x;
  return v.empty() ? std::nan("") : sum / static_cast<double>(v.size());
}

// Of the levels below (above) the median, the one nearest 0.16 (0.84): the 68 % interval, or
// the closest the head offers. -1 when there is none on that side.
int nearest_level(const std::vector<double>& levels, bool below, double want) {
  int best = -1;
  for (std::size_t k = 0; k < levels.size(); ++k) {
    if (below ? levels[k] >= 0.5 : levels[k] <= 0.5) continue;
    if (best < 0 || std::abs(levels[k] - want) < std::abs(levels[static_cast<std::size_t>(best)] - want))
      best = static_cast<int>(k);
  }
  return best;
}

json quantile_block(const std::string& target, const std::vector<double>& levels, const FiniteRows& f) {
  const std::string unit = is_energy_target(target) ? "_kev" : "";
  json j{{"target", target}, {"levels", levels}, {"n_events", f.truth.size()}};
  // A calibrated tau-quantile lies above the truth in a fraction tau of the events.
  j["fraction_below"] = json::array();
  for (std::size_t k = 0; k < levels.size(); ++k) {
    std::size_t n_below = 0;
    for (std::size_t i = 0; i < f.truth.size(); ++i) n_below += f.truth[i] < f.column[k][i];
    j["fraction_below"].push_back(
        f.truth.empty() ? json(nullptr) : json(static_cast<double>(n_below) / static_cast<double>(f.truth.size())));
  }
  const int lo = nearest_level(levels, true, 0.16), hi = nearest_level(levels, false, 0.84);
  if (lo < 0 || hi < 0) return j;  // no interval around the median
  const auto& qlo = f.column[static_cast<std::size_t>(lo)];
  const auto& qhi = f.column[static_cast<std::size_t>(hi)];
  std::size_t covered = 0;
  std::vector<double> width(f.truth.size());
  for (std::size_t i = 0; i < f.truth.size(); ++i) {
    covered += qlo[i] <= f.truth[i] && f.truth[i] <= qhi[i];
    width[i] = qhi[i] - qlo[i];
  }
  const auto p = eval::clopper_pearson(covered, f.truth.size());
  const double level_lo = levels[static_cast<std::size_t>(lo)], level_hi = levels[static_cast<std::size_t>(hi)];
  j["interval_levels"] = {level_lo, level_hi};
  j["nominal_coverage"] = std::round((level_hi - level_lo) * 1e12) / 1e12;  // 0.68, not 0.6799999999999999
  j["coverage_68"] = eval::finite_or_null(p.value);
  j["coverage_68_ci95"] = eval::interval_json(p);
  j["covered"] = covered;
  j["mean_interval" + unit] = eval::finite_or_null(mean_of(width));
  return j;
}

json gaussian_block(const std::string& target, const FiniteRows& f) {
  const std::string unit = is_energy_target(target) ? "_kev" : "";
  const auto& mean = f.column[0];
  const auto& sigma = f.column[1];
  std::size_t in1 = 0, in2 = 0;
  std::vector<double> pull;
  for (std::size_t i = 0; i < f.truth.size(); ++i) {
    const double d = std::abs(f.truth[i] - mean[i]);
    in1 += d <= sigma[i];
    in2 += d <= 2.0 * sigma[i];
    if (sigma[i] > 0.0) pull.push_back((f.truth[i] - mean[i]) / sigma[i]);
  }
  const auto p1 = eval::clopper_pearson(in1, f.truth.size());
  const auto p2 = eval::clopper_pearson(in2, f.truth.size());
  const double pull_mean = mean_of(pull);
  double ss = 0.0;
  for (const double x : pull) ss += (x - pull_mean) * (x - pull_mean);
  const double pull_std = pull.size() > 1 ? std::sqrt(ss / static_cast<double>(pull.size() - 1)) : std::nan("");
  return {{"target", target},
          {"n_events", f.truth.size()},
          {"coverage_1sigma", eval::finite_or_null(p1.value)},
          {"coverage_1sigma_ci95", eval::interval_json(p1)},
          {"nominal_1sigma", kOneSigmaCoverage},
          {"coverage_2sigma", eval::finite_or_null(p2.value)},
          {"coverage_2sigma_ci95", eval::interval_json(p2)},
          {"nominal_2sigma", kTwoSigmaCoverage},
          {"mean_sigma" + unit, eval::finite_or_null(mean_of(sigma))},
          {"pull_mean", eval::finite_or_null(pull_mean)},
          {"pull_std", eval::finite_or_null(pull_std)}};
}

bool is_quantile(const ScoreColumn& c) {
  return c.kind == "quantile" || (c.kind == "regression" && c.level > 0.0 && c.level < 1.0);
}

}  // namespace

json head_interval_coverage(const std::vector<ScoreColumn>& columns, const EventTable& events,
                            const ScoredRows& evaluated) {
  json out = json::object();
  // The quantile columns of the first target that has any, in level order (the head's own).
  std::vector<std::size_t> qcols;
  std::vector<double> levels;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (!is_quantile(columns[c]) || (!qcols.empty() && columns[c].target != columns[qcols[0]].target)) continue;
    qcols.push_back(c);
    levels.push_back(columns[c].level);
  }
  if (!qcols.empty()) {
    const auto& target = columns[qcols[0]].target;
    if (const auto* truth = events.target_values(target))
      out["quantile"] = quantile_block(target, levels, finite_rows(evaluated, qcols, *truth));
  }
  for (std::size_t s = 0; s < columns.size() && !out.contains("gaussian"); ++s) {
    if (columns[s].kind != "sigma") continue;
    const auto& target = columns[s].target;
    const auto* truth = events.target_values(target);
    for (std::size_t m = 0; m < columns.size() && truth && !out.contains("gaussian"); ++m)
      if (columns[m].kind == "regression" && columns[m].target == target)
        out["gaussian"] = gaussian_block(target, finite_rows(evaluated, {m, s}, *truth));
  }
  return out;
}

}  // namespace wl::run
