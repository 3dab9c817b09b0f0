#pragma once
// Out-of-distribution check of an evaluation: how well the model's own uncertainty tells
// its test events from events of another detector (e.g. simulated with other response
// parameters). Each candidate score (an ensemble's or MC dropout's spread, the predictive
// entropy of a classifier) is a detector of "unlike the training data"; its AUROC is the
// probability that a shifted event scores above a nominal one (0.5: blind). Pure: no files,
// no libtorch.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

struct OodScore {
  std::string name;  // a spread column ("score_std") or "entropy:<column>"
  double auroc = 0.0, mean_nominal = 0.0, mean_shifted = 0.0;
};

// The candidate scores of these columns, evaluated on both event sets.
std::vector<OodScore> ood_scores(const std::vector<ScoreColumn>& columns, const ScoredRows& nominal,
                                 const ScoredRows& shifted);

// metrics.json "ood": {"shifted_file", "n_nominal", "n_shifted", "scores": {name: {...}}, "best"}.
nlohmann::json ood_json(const std::vector<OodScore>& scores, const std::string& shifted_file, std::size_t n_nominal,
                        std::size_t n_shifted);

}  // namespace wl::run
