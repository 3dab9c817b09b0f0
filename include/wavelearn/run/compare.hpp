#pragma once
// `wavelearn compare`: runs of any family (and the A/E parameter itself) judged side by
// side on their common held-out events, matched by event id in each run's predictions.h5,
// at the one working point every page uses (the A/E cut's DEP acceptance), with
// Clopper-Pearson intervals on every survival and truth-level figure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/eval/psd.hpp"

namespace wl::run {

struct CompareOptions {
  std::vector<std::string> runs;  // run (or evaluation) directories holding predictions.h5
  std::string out_dir;
  bool force = false;
  std::string label = "psd_label_low_avse";
  std::string features_path;  // optional: the A/E parameter (avse_classifier, else avse_raw) as a model
  std::string truth_path;     // optional: truth_is_single_site by id when the runs lack it
  int bootstrap_replicas = 200;
  uint64_t seed = 1;
  int threads = 0;
};

struct CompareEntry {
  std::string name;
  std::string events;  // the run's evaluated part ("test", ...)
  eval::PsdEvaluation psd;
  eval::RocCurve roc;
  std::vector<std::string> warnings;  // worse than the A/E cut
};

struct CompareResult {
  std::size_t n_common = 0, n_signal = 0, n_background = 0;
  std::vector<CompareEntry> entries;
  std::optional<eval::PsdEvaluation> ae_cut;
  nlohmann::json json;
  std::string table_text;  // what the CLI prints
  // The common events (labels, energies, A/E decisions, truth; score empty) and each
  // entry's score on them, in entry order: for figures beyond the comparison's own.
  eval::PsdInputs common;
  std::vector<std::vector<double>> scores;
};

CompareResult compare_runs(const CompareOptions& o);

}  // namespace wl::run
