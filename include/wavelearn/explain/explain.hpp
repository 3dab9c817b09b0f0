#pragma once
// `wavelearn explain`: why a trained model decides as it does, for any run. Networks get
// per-sample attributions of their output (saliency, gradient x input, integrated
// gradients with a completeness check, occlusion, attention rollout for the transformer),
// averaged per class and per energy region over the mean pulse; tabular models get feature
// importances (TreeSHAP for the BDT, permutation importance for every model). Outputs:
// DIR/attributions.h5, DIR/explain.json, DIR/explain.html. No libtorch here.
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wl::explain {

struct ExplainOptions {
  std::filesystem::path run, out;
  std::string data;                  // "" = the run's training file
  std::vector<std::string> methods;  // "" = every method of the model's family
  std::string events = "test";       // "test" (held-out events on the training file) or "all"
  std::size_t max_events = 2000;     // evenly spaced over the selected events
  std::string target;                // score column ("" = the first)
  int ig_steps = 32;
  // Integrated gradients and occlusion: "mean" (the mean window of the explained events) or
  // "zero". Against the mean pulse, an attribution says what differs from the average event;
  // against zeros, the whole plateau of a normalised pulse differs and takes a share.
  std::string baseline = "mean";
  double occlusion_window_ns = 200.0;
  double occlusion_stride_ns = 0.0;  // 0: half the window
  std::size_t batch_size = 64;
  int permutation_repeats = 5;
  int threads = 0;
  std::string device = "cpu";  // networks: cpu, cuda or cuda:N (--device)
  bool force = false, quiet = false;
};

// Per-sample attributions of a network on the explained events (row-major N x L).
struct Attributions {
  std::vector<std::string> methods;
  std::size_t n_events = 0, length = 0;
  double sample_period_ns = 0.0;
  std::vector<float> window;                          // the model's input windows
  std::map<std::string, std::vector<float>> values;   // method -> N x L
  std::vector<double> ig_rel_error;                   // per event (integrated gradients)
  std::vector<double> tp0_in_window_ns;               // NaN when the file has no tp0
  std::map<std::string, double> events_per_s;         // method -> speed
};

// One feature's importance for a tabular model.
struct FeatureImportance {
  std::string feature;
  double permutation_drop = 0.0;  // mean drop of the AUC (or rise of the RMSE) when shuffled
  double permutation_std = 0.0;
  double mean_abs_shap = -1.0;    // BDT only; < 0 when not computed
};

struct ExplainSummary {
  std::string family, target;
  std::vector<std::string> methods;
  std::size_t n_events = 0;
  double completeness_max_rel_error = -1.0;  // < 0: integrated gradients not run
  std::map<std::string, double> events_per_s;
  std::filesystem::path html;
};

// The method names each family accepts; an unknown name is an InputError listing them.
const std::vector<std::string>& neural_methods();
const std::vector<std::string>& tabular_methods();

ExplainSummary run_explain(const ExplainOptions& options);

}  // namespace wl::explain
