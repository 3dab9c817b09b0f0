#pragma once
// compare.json, compare.html, plots/roc and plots/survival_vs_energy of `wavelearn compare`;
// fills CompareResult::json and ::table_text.
#include "wavelearn/run/compare.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::run {

// scores[k]: entry k's score on the common events.
void write_compare_outputs(const RunDir& out, const CompareOptions& o, const eval::PsdInputs& common,
                           CompareResult& res, const std::vector<std::vector<double>>& scores);

}  // namespace wl::run
