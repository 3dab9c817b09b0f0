#pragma once
// Step 4 of an evaluation: what a person reads. plots/ (PNG + SVG), report.html and
// MODEL_CARD.md of one run, from the metrics of step 3, with the family's own words only
// (a BDT's card never speaks of epochs, an energy regressor's never of signal efficiency).
// No libtorch here.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/report/plots.hpp"
#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/uncertainty.hpp"

namespace wl::run {

struct PageInputs {
  const RunRecord* record = nullptr;
  const EvaluationResults* results = nullptr;
  std::string run_dir;      // the run's directory (may differ from the output)
  std::string description;  // the Scorer's one line
  std::string data_file;    // the evaluated file
  std::vector<std::string> warnings, notes;
  nlohmann::json training;  // metrics.json's "training" block ({} when absent)
  std::vector<report::HistoryRow> history;
  std::string history_metric;  // e.g. "auc", "rmse"; empty for boosting losses only
  std::vector<report::WaveformExample> waveforms;
  const Uncertainty* uncertainty = nullptr;  // calibration and conformal (none without validation events)
  bool has_shap = false;    // the run has shap.html
  std::string shap_prefix;  // path from the page to the run directory ("" when the same)
};

// Writes out/plots/*, out/report.html; returns the files written.
std::vector<std::string> write_page(const RunDir& out, const PageInputs& in);
// Writes out/MODEL_CARD.md.
void write_card(const RunDir& out, const PageInputs& in);

}  // namespace wl::run
