#pragma once
// Training and prediction entry points of the classical models; they write and read the
// same run directory as the neural trainer: config.toml, the model file, preprocess.json
// (features, label, missing policy, scaler), history.csv, metrics.json, predictions.h5
// (id, score, label of the evaluation events), plots/, report.html, MODEL_CARD.md, and for
// a BDT shap.h5 + shap.html.
#include <string>
#include <vector>

namespace wl::core {
class Config;
}

namespace wl::tabular {

struct RunOptions {
  int threads = 0;     // 0: all cores
  bool quiet = false;  // no progress lines
};

// Returns 0. Throws InputError for bad configuration or data (unknown key, feature typo,
// an existing run directory without force).
int train_run(const core::Config& config, const std::string& features_path,
              const std::string& out_dir, bool force);
int train_run(const core::Config& config, const std::string& features_path,
              const std::string& out_dir, bool force, const RunOptions& options);

// Scores every row of a feature table with the model of run_dir (P(signal)); rows dropped
// by the run's event policy (bad quality, missing features under "drop") get NaN.
std::vector<double> predict_run(const std::string& run_dir, const std::string& features_path);

}  // namespace wl::tabular
