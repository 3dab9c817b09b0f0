#pragma once
// Everything a run directory shows a person: plots/ (PNG + SVG), report.html and
// MODEL_CARD.md, from plain vectors the trainer (or any tool) fills. Each part is
// optional; sections appear for what is given. Metrics are computed here with wl::eval
// and returned as JSON (the caller decides where metrics.json goes).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/truth.hpp"
#include "wavelearn/report/model_card.hpp"
#include "wavelearn/report/plots.hpp"

namespace wl::report {

struct BinaryResults {
  std::string label_name = "label";  // e.g. "psd_label_low_avse"
  ScoreSample test;                  // required
  ScoreSample train;                 // optional (overtraining check when non-empty)
  eval::BinaryEvalOptions options;
};

struct MulticlassResults {
  std::vector<std::string> class_names;
  std::vector<int> true_class, predicted_class;
};

struct RegressionResults {
  std::string target_name = "energy";
  std::string unit = "keV";
  std::vector<double> predicted, truth;
  bool is_energy_kev = true;  // enables resolution vs energy and at the 228Th peaks
  std::vector<double> energy_edges_kev{500, 1000, 1500, 2000, 2500, 3000};
  double peak_half_window_kev = 5.0;
};

struct SpectrumResults {
  std::string cut_name = "cut";
  std::vector<double> energy_kev;
  std::vector<uint8_t> pass;
};

struct RunReportInputs {
  std::string title = "wavelearn run report";
  std::string subtitle;                    // e.g. run directory, date, preset
  std::vector<std::string> summary_lines;  // free text shown first (config, data)
  std::vector<HistoryRow> history;
  std::optional<BinaryResults> binary;
  std::optional<MulticlassResults> multiclass;
  std::optional<RegressionResults> regression;
  std::optional<SpectrumResults> spectrum;
  std::vector<eval::CutTruthEvaluation> truth;  // e.g. model and A/E side by side
  std::vector<WaveformExample> waveforms;
  ModelCard card;  // quantitative analyses are appended from the evaluation
};

struct RunReportOutputs {
  nlohmann::json metrics;
  std::vector<std::filesystem::path> files;  // every file written
};

// Writes <dir>/plots/*, <dir>/report.html, <dir>/MODEL_CARD.md. `dir` must exist.
// Refuses to overwrite existing outputs unless force.
RunReportOutputs write_run_report(const RunReportInputs& in, const std::filesystem::path& dir,
                                  bool force = false);

}  // namespace wl::report
