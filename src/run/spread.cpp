#include "spread.hpp"

#include <cmath>
#include <stdexcept>

namespace wl::run::detail {

std::vector<std::size_t> spread_sources(const std::vector<ScoreColumn>& base) {
  std::vector<std::size_t> out;
  for (std::size_t c = 0; c < base.size(); ++c)
    if (base[c].kind != "quantile" && base[c].kind != "sigma" && base[c].kind != "spread") out.push_back(c);
  return out;
}

std::vector<ScoreColumn> with_spread_columns(const std::vector<ScoreColumn>& base) {
  auto out = base;
  for (const auto c : spread_sources(base)) out.push_back({base[c].name + "_std", base[c].target, "spread"});
  return out;
}

SpreadAccumulator::SpreadAccumulator(std::size_t rows, const std::vector<ScoreColumn>& base)
    : rows_(rows), width_(base.size()), sources_(spread_sources(base)), mean_(rows * base.size(), 0.0),
      m2_(rows * base.size(), 0.0), mean_of_sigma_(base.size(), kNone) {
  for (std::size_t c = 0; c < base.size(); ++c) {
    if (base[c].kind != "sigma") continue;
    for (std::size_t m = 0; m < base.size(); ++m)
      if (base[m].kind == "regression" && base[m].target == base[c].target) mean_of_sigma_[c] = m;
  }
}

void SpreadAccumulator::add(const std::vector<double>& sample) {
  if (sample.size() != mean_.size())
    throw std::logic_error("SpreadAccumulator: a sample of " + std::to_string(sample.size()) + " scores, expected " +
                           std::to_string(mean_.size()));
  ++n_;
  const double inv_n = 1.0 / static_cast<double>(n_);
  for (std::size_t i = 0; i < sample.size(); ++i) {
    // A sigma column averages variances: the mixture's variance is built from them in finish().
    const double v = mean_of_sigma_[i % width_] == kNone ? sample[i] : sample[i] * sample[i];
    const double d = v - mean_[i];
    mean_[i] += d * inv_n;
    m2_[i] += d * (v - mean_[i]);
  }
}

std::vector<double> SpreadAccumulator::finish() const {
  const std::size_t out_width = width_ + sources_.size();
  std::vector<double> out(rows_ * out_width);
  const double dof = n_ > 1 ? static_cast<double>(n_ - 1) : 1.0;
  for (std::size_t r = 0; r < rows_; ++r) {
    for (std::size_t c = 0; c < width_; ++c) {
      const std::size_t m = mean_of_sigma_[c];
      // The samples' mixture: variance = mean of their variances + variance of their means.
      out[r * out_width + c] = m == kNone ? mean_[r * width_ + c]
                                          : std::sqrt(mean_[r * width_ + c] + m2_[r * width_ + m] / static_cast<double>(n_));
    }
    for (std::size_t s = 0; s < sources_.size(); ++s)
      out[r * out_width + width_ + s] = n_ > 1 ? std::sqrt(m2_[r * width_ + sources_[s]] / dof) : 0.0;
  }
  return out;
}

}  // namespace wl::run::detail
