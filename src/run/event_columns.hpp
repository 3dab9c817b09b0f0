#pragma once
// Internal to src/run: per-event columns the metrics and compare steps share.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wavelearn/run/metrics.hpp"

namespace wl::run::detail {

// v at the given rows, in that order.
std::vector<double> gather(const std::vector<double>& v, const std::vector<std::size_t>& rows);
// 0/1 decisions from a label-like column (> 0.5).
std::vector<uint8_t> as_flags(const std::vector<double>& v);
// The simulator's true topology: truth_is_single_site when given, else truth_n_sites == 1;
// empty when neither column is given. Both columns, when given, hold the same events.
std::vector<uint8_t> single_site_flags(const std::vector<double>* is_single_site,
                                       const std::vector<double>* n_sites);

// The regression and multiclass parts of compute_metrics (metrics_other.cpp).
void add_regression(const std::vector<ScoreColumn>& columns, const EventTable& t, const ScoredRows& ev,
                    EvaluationResults& r);
void add_multiclass(const std::vector<ScoreColumn>& columns, const EventTable& t, const ScoredRows& ev,
                    EvaluationResults& r);

}  // namespace wl::run::detail
