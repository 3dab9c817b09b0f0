#pragma once
// `wavelearn study`: one configuration (configs/study-psd.toml) trains every listed model
// for every label and seed through the run layer, on the same split of one waveform file
// (the tabular models on its DSP feature table), then judges them side by side on their
// common held-out test events with `compare` (one per label) and writes DIR/leaderboard.json
// and DIR/leaderboard.html: rows are models, columns are labels (docs/study.md).
// No libtorch here.
#include <filesystem>
#include <string>
#include <vector>

namespace wl::study {

struct StudyOptions {
  std::filesystem::path config;  // the study file (empty on --resume: DIR/study.toml)
  std::filesystem::path out;
  std::string data;      // waveform file (empty on --resume: the recorded one)
  std::string features;  // feature table made from `data`; empty: DIR/features.h5 from the DSP chain
  std::vector<std::string> sets;         // --set on the study file (study.seeds=[1], ...)
  std::vector<std::string> neural_sets;  // appended to study.neural_set
  std::vector<std::string> tabular_sets; // appended to study.tabular_set
  bool force = false, resume = false, quiet = false;
  int threads = 0;
};

struct StudySummary {
  std::filesystem::path out;
  int runs = 0, trained = 0, skipped = 0;  // skipped: finished before (--resume)
  double seconds = 0.0;
  std::string table_text;  // the leaderboard as printed
};

StudySummary run_study(const StudyOptions& options);

}  // namespace wl::study
