#include "wavelearn/eval/confusion.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::eval {
namespace {
double ratio(double num, double den) {
  return den > 0 ? num / den : std::numeric_limits<double>::quiet_NaN();
}
}  // namespace

double ConfusionMatrix::tpr() const { return ratio(tp, tp + fn); }
double ConfusionMatrix::fpr() const { return ratio(fp, fp + tn); }
double ConfusionMatrix::accuracy() const { return ratio(tp + tn, total()); }
double ConfusionMatrix::precision() const { return ratio(tp, tp + fp); }
double ConfusionMatrix::f1() const { return ratio(2.0 * tp, 2.0 * tp + fp + fn); }
double ConfusionMatrix::background_rejection() const { return ratio(tn, tn + fp); }

ConfusionMatrix confusion_matrix(const std::vector<double>& score,
                                 const std::vector<uint8_t>& is_signal, double threshold) {
  detail::check_same_size(score.size(), is_signal.size(), "confusion_matrix");
  detail::check_finite(score, "confusion_matrix");
  ConfusionMatrix cm;
  cm.threshold = threshold;
  for (std::size_t i = 0; i < score.size(); ++i) {
    const bool called = score[i] > threshold;
    if (is_signal[i])
      (called ? cm.tp : cm.fn)++;
    else
      (called ? cm.fp : cm.tn)++;
  }
  return cm;
}

ConfusionMatrix confusion_matrix(const std::vector<uint8_t>& called_signal,
                                 const std::vector<uint8_t>& is_signal) {
  detail::check_same_size(called_signal.size(), is_signal.size(), "confusion_matrix");
  ConfusionMatrix cm;
  cm.threshold = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t i = 0; i < called_signal.size(); ++i) {
    const bool called = called_signal[i] != 0;
    if (is_signal[i])
      (called ? cm.tp : cm.fn)++;
    else
      (called ? cm.fp : cm.tn)++;
  }
  return cm;
}

std::size_t MulticlassConfusion::total() const {
  std::size_t t = 0;
  for (const auto& row : counts)
    for (auto c : row) t += c;
  return t;
}

double MulticlassConfusion::accuracy() const {
  std::size_t diag = 0;
  for (int k = 0; k < n_classes; ++k) diag += counts[k][k];
  return ratio(diag, total());
}

double MulticlassConfusion::recall(int cls) const {
  std::size_t row = 0;
  for (auto c : counts.at(cls)) row += c;
  return ratio(counts[cls][cls], row);
}

double MulticlassConfusion::precision(int cls) const {
  std::size_t col = 0;
  for (int k = 0; k < n_classes; ++k) col += counts[k].at(cls);
  return ratio(counts[cls][cls], col);
}

double MulticlassConfusion::f1(int cls) const {
  const double p = precision(cls), r = recall(cls);
  return (std::isnan(p) || std::isnan(r)) ? std::numeric_limits<double>::quiet_NaN()
                                          : ratio(2 * p * r, p + r);
}

double MulticlassConfusion::macro_f1() const {
  double s = 0;
  int n = 0;
  for (int k = 0; k < n_classes; ++k) {
    const double f = f1(k);
    if (!std::isnan(f)) {
      s += f;
      ++n;
    }
  }
  return ratio(s, n);
}

MulticlassConfusion multiclass_confusion(const std::vector<int>& true_class,
                                         const std::vector<int>& predicted_class, int n_classes) {
  detail::check_same_size(predicted_class.size(), true_class.size(), "multiclass_confusion");
  if (n_classes < 2) throw wl::core::InputError("multiclass_confusion: need >= 2 classes");
  MulticlassConfusion m;
  m.n_classes = n_classes;
  m.counts.assign(n_classes, std::vector<std::size_t>(n_classes, 0));
  for (std::size_t i = 0; i < true_class.size(); ++i) {
    const int t = true_class[i], p = predicted_class[i];
    if (t < 0 || t >= n_classes || p < 0 || p >= n_classes) {
      throw wl::core::InputError("multiclass_confusion: class out of range [0, " +
                                 std::to_string(n_classes) + ") at event " + std::to_string(i));
    }
    ++m.counts[t][p];
  }
  return m;
}

std::vector<int> argmax_rows(const std::vector<float>& scores, int n_classes) {
  if (n_classes < 1 || scores.size() % static_cast<std::size_t>(n_classes) != 0) {
    throw wl::core::InputError("argmax_rows: " + std::to_string(scores.size()) +
                               " scores is not a multiple of " + std::to_string(n_classes) +
                               " classes");
  }
  const std::size_t n = scores.size() / n_classes;
  std::vector<int> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = scores.data() + i * n_classes;
    int best = 0;
    for (int k = 1; k < n_classes; ++k)
      if (row[k] > row[best]) best = k;
    out[i] = best;
  }
  return out;
}

}  // namespace wl::eval
