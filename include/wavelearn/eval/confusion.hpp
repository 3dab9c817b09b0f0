#pragma once
// Confusion matrices. Binary: an event is called signal when score > threshold (the
// lectures' "lambda > 0.5 is signal"; note the ROC curve selects score >= t instead, the
// scikit-learn convention, and the two agree except for events exactly at the cut).
#include <cstdint>
#include <vector>

namespace wl::eval {

struct ConfusionMatrix {
  std::size_t tp = 0, fp = 0, fn = 0, tn = 0;
  double threshold = 0.5;

  std::size_t total() const { return tp + fp + fn + tn; }
  // Ratios return NaN when their denominator is zero (e.g. precision with no selection).
  double tpr() const;  // = recall = signal efficiency = TP / (TP + FN)
  double fpr() const;  // FP / (FP + TN)
  double accuracy() const;
  double precision() const;  // TP / (TP + FP)
  double recall() const { return tpr(); }
  double f1() const;
  double signal_efficiency() const { return tpr(); }
  double background_rejection() const;  // TN / (TN + FP) = 1 - FPR
};

ConfusionMatrix confusion_matrix(const std::vector<double>& score,
                                 const std::vector<uint8_t>& is_signal, double threshold = 0.5);
// From decisions already made (pass = called signal), e.g. a traditional cut.
ConfusionMatrix confusion_matrix(const std::vector<uint8_t>& called_signal,
                                 const std::vector<uint8_t>& is_signal);

// counts[true_class][predicted_class].
struct MulticlassConfusion {
  int n_classes = 0;
  std::vector<std::vector<std::size_t>> counts;

  std::size_t total() const;
  double accuracy() const;
  double recall(int cls) const;     // of true class cls, fraction predicted cls
  double precision(int cls) const;  // of predicted cls, fraction truly cls
  double f1(int cls) const;
  double macro_f1() const;
};

// Labels must be in [0, n_classes); throws InputError naming the event otherwise.
MulticlassConfusion multiclass_confusion(const std::vector<int>& true_class,
                                         const std::vector<int>& predicted_class, int n_classes);
// Predicted class = argmax over each row of `scores` (n_events x n_classes, row-major).
std::vector<int> argmax_rows(const std::vector<float>& scores, int n_classes);

}  // namespace wl::eval
