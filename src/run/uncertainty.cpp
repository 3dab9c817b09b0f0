#include "wavelearn/run/uncertainty.hpp"

#include <algorithm>
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
  // Named with its unit where the target is an energy, as metrics.json's other widths.
  u.json["conformal"] = coverage_json(cov, is_energy_target(col.target) ? "mean_interval_kev" : "mean_interval_width",
                                      cov.mean_interval_width);
  u.json["conformal"]["target"] = col.target;
  u.json["conformal"]["half_width"] = eval::finite_or_null(interval.qhat);
}

// Rows x classes probabilities of the class columns, and the true class, for rows whose
// class is known (a whole number in range).
void class_rows(const ScoredRows& s, const std::vector<std::size_t>& cols, const std::vector<double>& target,
                std::vector<double>& probs, std::vector<int>& truth) {
  for (std::size_t i = 0; i < s.rows.size(); ++i) {
    const double y = target[s.rows[i]];
    if (!(y >= 0 && y < static_cast<double>(cols.size()) && y == std::floor(y))) continue;
    for (const auto c : cols) probs.push_back(s.scores[i * s.n_columns + c]);
    truth.push_back(static_cast<int>(y));
  }
}

// Top-label calibration: the highest class probability against whether that class is right.
void top_label(const std::vector<double>& probs, std::size_t k, const std::vector<int>& y, std::vector<double>& conf,
               std::vector<double>& correct) {
  for (std::size_t i = 0; i < y.size(); ++i) {
    const auto row = probs.begin() + static_cast<std::ptrdiff_t>(i * k);
    const auto best = std::max_element(row, row + static_cast<std::ptrdiff_t>(k));
    conf.push_back(*best);
    correct.push_back(best - row == y[i] ? 1.0 : 0.0);
  }
}

// A multiclass head: one temperature for all classes, the top-label ECE before and after,
// and conformal prediction sets over the classes.
void add_multiclass(const std::vector<ScoreColumn>& columns, const EventTable& events, const ScoredRows& val,
                    const ScoredRows& test, double alpha, Uncertainty& u) {
  std::vector<std::size_t> cols;
  for (std::size_t c = 0; c < columns.size(); ++c)
    if (columns[c].kind == "class") cols.push_back(c);
  const auto* target = cols.size() >= 2 ? events.field(columns[cols[0]].target) : nullptr;
  if (!target || u.json.contains("calibration")) return;
  std::vector<double> pv, pt;
  std::vector<int> yv, yt;
  class_rows(val, cols, *target, pv, yv);
  class_rows(test, cols, *target, pt, yt);
  if (yv.empty() || yt.empty()) return;
  const std::size_t k = cols.size();
  BinaryCalibration b{columns[cols[0]].target + " (top label)"};
  b.temperature = eval::fit_temperature_multiclass(pv, k, yv);
  std::vector<double> conf, correct, conf_after, correct_after;
  top_label(pt, k, yt, conf, correct);
  top_label(eval::apply_temperature_multiclass(pt, k, b.temperature), k, yt, conf_after, correct_after);
  b.ece_before = eval::expected_calibration_error(conf, correct);
  b.ece_after = eval::expected_calibration_error(conf_after, correct_after);
  b.before = eval::reliability_bins(conf, correct);
  b.after = eval::reliability_bins(conf_after, correct_after);
  u.json["calibration"] = {{"label", b.label}, {"temperature", b.temperature}, {"ece_before", b.ece_before},
                           {"ece_after", b.ece_after}, {"fitted_on", "validation"}, {"n_validation", yv.size()}};
  const auto sets = eval::fit_conformal_classifier(pv, k, yv, alpha);
  const auto cov = eval::set_coverage(pt, k, yt, sets);
  u.json["conformal"] = coverage_json(cov, "mean_set_size", cov.mean_set_size);
  u.json["conformal"]["label"] = columns[cols[0]].target;
  u.binary.push_back(std::move(b));
}

// Ten bins of a probability score with the mean spread of their events.
void add_spread_profile(const std::vector<ScoreColumn>& columns, const ScoredRows& evaluated, Uncertainty& u) {
  constexpr int kBins = 10;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].kind != "binary") continue;
    for (std::size_t s = 0; s < columns.size(); ++s) {
      if (columns[s].kind != "spread" || columns[s].name != columns[c].name + "_std") continue;
      const auto score = evaluated.column(c), spread = evaluated.column(s);
      std::vector<SpreadBin> bins(kBins);
      for (int b = 0; b < kBins; ++b) bins[b] = {double(b) / kBins, double(b + 1) / kBins, 0, 0.0};
      for (std::size_t i = 0; i < score.size(); ++i) {
        auto& bin = bins[std::clamp(static_cast<int>(score[i] * kBins), 0, kBins - 1)];
        ++bin.n;
        bin.mean_spread += spread[i];
      }
      for (auto& b : bins) b.mean_spread = b.n ? b.mean_spread / double(b.n) : std::nan("");
      u.spread_column = columns[s].name;
      u.spread_of = columns[c].name;
      u.spread_profile = std::move(bins);
      return;
    }
  }
}

}  // namespace

Uncertainty uncertainty_of(const std::vector<ScoreColumn>& columns, const EventTable& events,
                           const ScoredRows& validation, const ScoredRows& evaluated, double alpha) {
  Uncertainty u;
  add_spread_profile(columns, evaluated, u);  // needs no validation events
  if (validation.rows.empty() || evaluated.rows.empty()) return u;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto* target = events.field(columns[c].target);
    if (!target) continue;
    if (columns[c].kind == "binary") add_binary(columns[c], c, *target, validation, evaluated, alpha, u);
    if (columns[c].kind == "regression") add_regression(columns[c], c, *target, validation, evaluated, alpha, u);
  }
  add_multiclass(columns, events, validation, evaluated, alpha, u);
  return u;
}

}  // namespace wl::run
