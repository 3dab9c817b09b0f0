// Standardisation fitted on the training split.
#include "wavelearn/tabular/scaler.hpp"

#include <cmath>

#include "wavelearn/core/error.hpp"

namespace wl::tabular {

using core::InputError;

Standardizer Standardizer::fit(const FeatureMatrix& x) {
  if (x.n_rows() == 0) throw InputError("standardisation: no training events");
  Standardizer s;
  s.feature_names = x.feature_names;
  const std::size_t nf = x.n_features();
  s.mean.assign(nf, 0.0);
  s.std.assign(nf, 1.0);
  for (std::size_t j = 0; j < nf; ++j) {
    // Two passes in double: exact enough for ADC-scale values without a Welford loop.
    double sum = 0, n = 0;
    for (std::size_t i = 0; i < x.n_rows(); ++i) {
      const double v = x.row(i)[j];
      if (std::isfinite(v)) sum += v, n += 1;
    }
    const double mean = n > 0 ? sum / n : 0.0;
    double ss = 0;
    for (std::size_t i = 0; i < x.n_rows(); ++i) {
      const double v = x.row(i)[j];
      if (std::isfinite(v)) ss += (v - mean) * (v - mean);
    }
    const double sd = n > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
    s.mean[j] = mean;
    s.std[j] = sd > 0 ? sd : 1.0;
  }
  return s;
}

std::vector<double> Standardizer::apply(const FeatureMatrix& x) const {
  const std::size_t nf = x.n_features();
  if (nf != mean.size()) throw InputError("standardisation: feature count differs from the fit");
  std::vector<double> out(x.n_rows() * nf);
  for (std::size_t i = 0; i < x.n_rows(); ++i) {
    const float* r = x.row(i);
    for (std::size_t j = 0; j < nf; ++j) out[i * nf + j] = (r[j] - mean[j]) / std[j];
  }
  return out;
}

nlohmann::json Standardizer::to_json() const {
  return {{"features", feature_names}, {"mean", mean}, {"std", std}};
}

Standardizer Standardizer::from_json(const nlohmann::json& j, const std::string& source) {
  try {
    Standardizer s;
    s.feature_names = j.at("features").get<std::vector<std::string>>();
    s.mean = j.at("mean").get<std::vector<double>>();
    s.std = j.at("std").get<std::vector<double>>();
    if (s.mean.size() != s.feature_names.size() || s.std.size() != s.feature_names.size()) {
      throw InputError(source + ": scaler sizes differ from the feature list");
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source + ": bad scaler: " + e.what());
  }
}

}  // namespace wl::tabular
