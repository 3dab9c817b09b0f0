#pragma once
// Evaluation results as report tables (shared by report.html and MODEL_CARD.md).
#include <string>
#include <vector>

#include "wavelearn/eval/confusion.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/report/html.hpp"

namespace wl::report {

Table multiclass_table(const eval::MulticlassConfusion& m,
                       const std::vector<std::string>& class_names);
Table regression_table(const eval::RegressionMetrics& m, const std::string& unit);
Table resolution_table(const std::vector<eval::ResolutionBin>& bins, const std::string& caption);

}  // namespace wl::report
