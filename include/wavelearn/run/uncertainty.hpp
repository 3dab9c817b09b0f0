#pragma once
// Step 3b of an evaluation: how far a score can be trusted as a probability or an
// interval. Fitted on the run's validation events, measured on the evaluated (test) events:
// temperature scaling with the expected calibration error before and after, and
// split-conformal prediction sets (classifiers) or intervals (regression) with their
// coverage and its Clopper-Pearson interval. Pure: no files, no libtorch.
#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/eval/calibration.hpp"
#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/ood.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::run {

inline constexpr double kConformalAlpha = 0.1;  // 90 % sets and intervals

struct BinaryCalibration {
  std::string label;
  double temperature = 1.0, ece_before = 0.0, ece_after = 0.0;
  std::vector<eval::ReliabilityBin> before, after;  // on the evaluated events
};

// The mean spread (an ensemble's or MC dropout's score_std) of the evaluated events in bins
// of their score: where on the score axis the model is unsure.
struct SpreadBin {
  double lo = 0.0, hi = 0.0;
  std::size_t n = 0;
  double mean_spread = 0.0;  // NaN when the bin is empty
};

struct Uncertainty {
  std::string spread_column, spread_of;  // "score_std" of "score"; empty without a spread
  std::vector<SpreadBin> spread_profile;
  std::vector<BinaryCalibration> binary;
  std::vector<OodScore> ood;  // evaluate --shifted: the out-of-distribution check
  std::string ood_file;
  nlohmann::json json = nlohmann::json::object();  // {"calibration": ..., "conformal": ...} of the first target
};

// Empty when there are no validation events (or no target to fit on).
Uncertainty uncertainty_of(const std::vector<ScoreColumn>& columns, const EventTable& events,
                           const ScoredRows& validation, const ScoredRows& evaluated, double alpha = kConformalAlpha);

}  // namespace wl::run
