#pragma once
// Scores from several samples of one model (ensemble members, Monte Carlo dropout passes):
// the mean of each score column, and beside it a "spread" column with the samples'
// standard deviation, the model's own measure of how sure it is. No libtorch here.
#include <cstddef>
#include <vector>

#include "wavelearn/run/scorer.hpp"

namespace wl::run::detail {

// The base columns that get a spread column: scores and probabilities, not columns that
// already describe an uncertainty (quantiles, sigmas).
std::vector<std::size_t> spread_sources(const std::vector<ScoreColumn>& base);
// base, then "<name>_std" (kind "spread", same target) for each of spread_sources(base).
std::vector<ScoreColumn> with_spread_columns(const std::vector<ScoreColumn>& base);

// Accumulates samples of rows x base scores (row-major); finish() gives rows x
// with_spread_columns(base): the mean, then the sample standard deviation (n - 1). A
// "sigma" column (a gaussian head's predicted standard deviation) becomes the standard
// deviation of the samples' mixture, sqrt(mean sigma^2 + variance of the means), so that an
// ensemble's intervals hold the members' disagreement as well as their own noise.
class SpreadAccumulator {
 public:
  SpreadAccumulator(std::size_t rows, const std::vector<ScoreColumn>& base);
  void add(const std::vector<double>& sample);
  std::vector<double> finish() const;
  std::size_t samples() const { return n_; }

 private:
  std::size_t rows_, width_;
  std::vector<std::size_t> sources_;
  std::vector<double> mean_, m2_;  // Welford: stable for many samples of close values
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> mean_of_sigma_;  // per base column: its mean column, or kNone
  std::size_t n_ = 0;
};

}  // namespace wl::run::detail
