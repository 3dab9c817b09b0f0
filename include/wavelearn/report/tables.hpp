#pragma once
// Evaluation results as report tables (shared by report.html and MODEL_CARD.md).
#include <string>
#include <vector>

#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/eval/truth.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::report {

Table binary_summary_table(const eval::BinaryEvaluation& e);
Table confusion_table(const eval::ConfusionMatrix& cm);
Table multiclass_table(const eval::MulticlassConfusion& m,
                       const std::vector<std::string>& class_names);
Table overtraining_table(const eval::OvertrainingCheck& c);
Table regression_table(const eval::RegressionMetrics& m, const std::string& unit);
Table resolution_table(const std::vector<eval::ResolutionBin>& bins, const std::string& caption);
// Rows: region x cut, side by side (model vs A/E).
Table truth_table(const std::vector<eval::CutTruthEvaluation>& cuts);

}  // namespace wl::report
