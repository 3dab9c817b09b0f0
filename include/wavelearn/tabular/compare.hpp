#pragma once
// `wavelearn compare`: several runs (classical or neural, all writing predictions.h5 with
// id, score, label) evaluated on their common events, optionally beside the traditional
// A/E cut and with truth-level efficiencies on simulated data.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/truth.hpp"

namespace wl::tabular {

struct CompareOptions {
  std::vector<std::string> runs;  // run directories
  std::string out_dir;
  bool force = false;
  std::string features_path;  // optional: adds "A/E" (avse_classifier, else avse_raw)
  std::string truth_path;     // optional: simulated file with truth_is_single_site
  int bootstrap_replicas = 200;
  uint64_t seed = 1;
  int threads = 0;
};

struct CompareEntry {
  std::string name;  // run directory name, or "A/E"
  eval::BinaryEvaluation evaluation;
  double threshold_90 = 0.0;  // score cut keeping 90 % of the labelled signal
  eval::CutTruthEvaluation truth;  // empty regions without truth
};

struct CompareResult {
  std::size_t n_common = 0;
  std::size_t n_signal = 0, n_background = 0;
  std::vector<CompareEntry> entries;
  nlohmann::json json;
  std::string table_text;  // what the CLI prints
};

// Writes OUT/compare.json, OUT/roc.{png,svg}, OUT/compare.html. InputError for a missing
// predictions.h5, runs without common events, or labels that disagree on an event.
CompareResult compare_runs(const CompareOptions& options);

}  // namespace wl::tabular
