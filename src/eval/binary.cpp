#include "wavelearn/eval/binary.hpp"

#include <limits>
#include <string>

#include "wavelearn/core/error.hpp"

namespace wl::eval {

BinaryEvaluation evaluate_binary(const std::vector<double>& score,
                                 const std::vector<uint8_t>& is_signal,
                                 const BinaryEvalOptions& options) {
  BinaryEvaluation e;
  e.roc = roc_curve(score, is_signal);
  if (options.bootstrap_replicas > 0) {
    e.auc = roc_auc_bootstrap(score, is_signal, options.bootstrap_replicas, options.seed,
                              options.confidence, options.threads);
  } else {
    e.auc.auc = e.roc.auc;
    e.auc.lower = e.auc.upper = e.roc.auc;
  }
  e.confusion = confusion_matrix(score, is_signal, options.threshold);
  for (double r : options.rejections) {
    e.efficiency_at_rejection.push_back({r, efficiency_at_rejection(e.roc, r)});
  }
  for (double eff : options.efficiencies) {
    e.working_points.push_back(threshold_for_efficiency(score, is_signal, eff));
  }
  return e;
}

std::vector<double> one_vs_rest_auc(const std::vector<float>& scores, int n_classes,
                                    const std::vector<int>& true_class) {
  if (n_classes < 2 || scores.size() != true_class.size() * static_cast<std::size_t>(n_classes)) {
    throw wl::core::InputError("one_vs_rest_auc: " + std::to_string(scores.size()) +
                               " scores for " + std::to_string(true_class.size()) + " events x " +
                               std::to_string(n_classes) + " classes");
  }
  const std::size_t n = true_class.size();
  std::vector<double> out(n_classes, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> s(n);
  std::vector<uint8_t> y(n);
  for (int k = 0; k < n_classes; ++k) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n; ++i) {
      s[i] = scores[i * n_classes + k];
      y[i] = true_class[i] == k;
      pos += y[i];
    }
    if (pos > 0 && pos < n) out[k] = roc_auc(s, y);
  }
  return out;
}

}  // namespace wl::eval
