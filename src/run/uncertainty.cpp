#include "wavelearn/run/uncertainty.hpp"

#include <cmath>

#include "wavelearn/eval/conformal.hpp"
#include "wavelearn/eval/json.hpp"

namespace wl::run {

namespace {

using nlohmann::json;

// Rows whose target and score are finite (a model's NaN, an unlabelled event stay out).
void finite_pairs(const ScoredRows& s, std::size_t c, const std::vector<double>& target, std::vector<double>& score,
                  std::vector<double>& truth) {
  const auto col = s.column(c);
  for (std::size_t i = 0; i < s.rows.size(); ++i) {
    const double y = target[s.rows[i]];
    if (std::isfinite(col[i]) && std::isfinite(y)) score.push_back(col[i]), truth.push_back(y);
  }
}

json coverage_json(const eval::CoverageReport& c, const char* width_key, double width) {
  return {{"alpha", c.alpha}, {"n_events", c.n}, {"coverage", c.coverage.value},
          {"coverage_ci95", {eval::finite_or_null(c.coverage.lo), eval::finite_or_null(c.coverage.hi)}},
          {width_key, eval::finite_or_null(width)}};
}

bool binary_pair(const std::vector<double>& y) {
  for (const double v : y)
    if (v != 0.0 && v != 1.0) return false;
  return true;
}

void add_binary(const ScoreColumn& col, std::size_t c, const std::vector<double>& target, const ScoredRows& val,
                const ScoredRows& test, double alpha, Uncertainty& u) {
  std::vector<double> pv, yv, pt, yt;
  finite_pairs(val, c, target, pv, yv);
  finite_pairs(test, c, target, pt, yt);
  if (pv.empty() || pt.empty() || !binary_pair(yv) || !binary_pair(yt)) return;
  BinaryCalibration b{col.target};
  b.temperature = eval::fit_temperature(pv, yv);
  const auto scaled = eval::apply_temperature(pt, b.temperature);
  b.ece_before = eval::expected_calibration_error(pt, yt);
  b.ece_after = eval::expected_calibration_error(scaled, yt);
  b.before = eval::reliability_bins(pt, yt);
  b.after = eval::reliability_bins(scaled, yt);
  std::vector<int> cv(yv.begin(), yv.end()), ct(yt.begin(), yt.end());
  const auto sets = eval::fit_conformal_classifier(eval::binary_to_two_class(pv), 2, cv, alpha);
  const auto cov = eval::set_coverage(eval::binary_to_two_class(pt), 2, ct, sets);
  if (u.json.empty()) {
    u.json["calibration"] = {{"label", b.label}, {"temperature", b.temperature}, {"ece_before", b.ece_before},
                             {"ece_after", b.ece_after}, {"fitted_on", "validation"}, {"n_validation", pv.size()}};
    u.json["conformal"] = coverage_json(cov, "mean_set_size", cov.mean_set_size);
    u.json["conformal"]["label"] = b.label;
  }
  u.binary.push_back(std::move(b));
}

void add_regression(const ScoreColumn& col, std::size_t c, const std::vector<double>& target, const ScoredRows& val,
                    const ScoredRows& test, double alpha, Uncertainty& u) {
  std::vector<double> pv, yv, pt, yt;
  finite_pairs(val, c, target, pv, yv);
  finite_pairs(test, c, target, pt, yt);
  if (pv.empty() || pt.empty() || u.json.contains("conformal")) return;
  const auto interval = eval::fit_conformal_regressor(pv, yv, alpha);
  const auto cov = eval::interval_coverage(pt, yt, interval);
  u.json["conformal"] = coverage_json(cov, "mean_interval_width", cov.mean_interval_width);
  u.json["conformal"]["target"] = col.target;
  u.json["conformal"]["half_width"] = eval::finite_or_null(interval.qhat);
}

}  // namespace

Uncertainty uncertainty_of(const std::vector<ScoreColumn>& columns, const EventTable& events,
                           const ScoredRows& validation, const ScoredRows& evaluated, double alpha) {
  Uncertainty u;
  if (validation.rows.empty() || evaluated.rows.empty()) return u;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto* target = events.field(columns[c].target);
    if (!target) continue;
    if (columns[c].kind == "binary") add_binary(columns[c], c, *target, validation, evaluated, alpha, u);
    if (columns[c].kind == "regression") add_regression(columns[c], c, *target, validation, evaluated, alpha, u);
  }
  return u;
}

}  // namespace wl::run
