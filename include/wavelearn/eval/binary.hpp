#pragma once
// One call that computes everything the project reports for a binary classifier.
#include <cstdint>
#include <vector>

#include "wavelearn/eval/confusion.hpp"
#include "wavelearn/eval/roc.hpp"

namespace wl::eval {

struct BinaryEvalOptions {
  double threshold = 0.5;                     // confusion-matrix cut (score > threshold)
  std::vector<double> rejections{0.9, 0.99};  // report signal efficiency at these
  std::vector<double> efficiencies{0.9};      // report working points at these
  int bootstrap_replicas = 200;               // 0 disables the AUC interval
  uint64_t seed = 1;
  double confidence = 0.95;
  int threads = 1;
};

struct EfficiencyAtRejection {
  double background_rejection;
  double signal_efficiency;
};

struct BinaryEvaluation {
  RocCurve roc;
  AucInterval auc;  // auc.auc always set; interval fields only with replicas > 0
  ConfusionMatrix confusion;
  std::vector<EfficiencyAtRejection> efficiency_at_rejection;
  std::vector<WorkingPoint> working_points;
};

BinaryEvaluation evaluate_binary(const std::vector<double>& score,
                                 const std::vector<uint8_t>& is_signal,
                                 const BinaryEvalOptions& options = {});

// Multiclass: AUC of each class against all others, from row-major scores
// (n_events x n_classes, higher = more likely that class). NaN for a class that is absent
// (or the only one present) in true_class.
std::vector<double> one_vs_rest_auc(const std::vector<float>& scores, int n_classes,
                                    const std::vector<int>& true_class);

}  // namespace wl::eval
