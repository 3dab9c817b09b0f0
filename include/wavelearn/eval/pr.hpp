#pragma once
// Area under the precision-recall curve. With few signal events among many background
// ones the ROC AUC hides what a cut costs in purity; average precision does not.
#include <cstdint>
#include <vector>

namespace wl::eval {

// Average precision exactly as sklearn.metrics.average_precision_score: the step-wise
// sum over distinct thresholds t (falling) of (R(t) - R(t_prev)) * P(t), where events with
// score >= t are selected, tied scores enter together, and R starts at 0. No
// interpolation (the trapezoid rule overestimates AP). Higher score = more signal-like.
// Throws InputError on size mismatch, non-finite scores, or no signal event (recall is
// undefined); with no background event AP is 1.
double pr_auc(const std::vector<double>& score, const std::vector<uint8_t>& is_signal);

}  // namespace wl::eval
