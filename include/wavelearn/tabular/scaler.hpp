#pragma once
// Feature standardisation (x - mean) / std fitted on the training split only and saved
// with the model (scaler.json), as the SVM and logistic regression need.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/tabular/matrix.hpp"

namespace wl::tabular {

struct Standardizer {
  std::vector<std::string> feature_names;
  std::vector<double> mean, std;  // std of a constant column is stored as 1

  // Ignores non-finite values. Throws InputError for an empty matrix.
  static Standardizer fit(const FeatureMatrix& x);
  // Row-major standardised copy (double).
  std::vector<double> apply(const FeatureMatrix& x) const;
  nlohmann::json to_json() const;
  static Standardizer from_json(const nlohmann::json& j, const std::string& source);
};

}  // namespace wl::tabular
