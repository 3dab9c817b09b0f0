#pragma once
// How often the intervals that a quantile or gaussian head predicts for each event contain
// the true target, on the evaluated (test) events. A 68 % interval that holds the truth in
// 68 % of the events is calibrated; fewer means the model is over-confident, more that its
// intervals are wider than they need to be. Each coverage carries its Clopper-Pearson 95 %
// interval (eval/interval.hpp), so "69 % of 400 events" reads as consistent with 68 %.
// Nothing is fitted here (unlike the conformal intervals of uncertainty.hpp), so no
// validation events are needed. Pure: no files, no libtorch.
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

// The probability that a Gaussian lands within 1 and 2 sigma of its mean.
inline constexpr double kOneSigmaCoverage = 0.6826894921370859;
inline constexpr double kTwoSigmaCoverage = 0.9544997361036416;

// Columns of kind "quantile", and the quantile head's median (kind "regression", level 0.5),
// give metrics.json's "quantile" block:
//   {"target", "levels", "interval_levels": [lo, hi], "nominal_coverage": hi - lo,
//    "coverage_68", "coverage_68_ci95", "n_events", "mean_interval_kev",
//    "fraction_below": per level, the fraction of events whose truth lies below that quantile}
// where [lo, hi] are the levels nearest 0.16 and 0.84 on either side of the median (the key
// keeps its name when the levels differ; nominal_coverage says what to compare it with).
// A "sigma" column and the regression column of its target give the "gaussian" block:
//   {"target", "n_events", "coverage_1sigma", "coverage_1sigma_ci95", "coverage_2sigma",
//    "coverage_2sigma_ci95", "nominal_1sigma", "nominal_2sigma", "mean_sigma_kev",
//    "pull_mean", "pull_std"}   (pull = (truth - mean) / sigma: 0 and 1 when calibrated)
// Width keys end in _kev for energy targets and carry no unit otherwise. Events whose truth or
// scores are not finite stay out. An empty object when the columns have neither.
nlohmann::json head_interval_coverage(const std::vector<ScoreColumn>& columns, const EventTable& events,
                                      const ScoredRows& evaluated);

}  // namespace wl::run
