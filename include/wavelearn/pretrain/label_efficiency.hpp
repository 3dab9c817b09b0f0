#pragma once
// `wavelearn label-efficiency`: how much a pretrained encoder saves in labels. For every
// fraction of the labelled training events and every seed, two runs on the SAME labelled
// subset (data.label_fraction, data.label_seed = seed) and the same held-out test events:
// one from scratch, one fine-tuned from the pretraining run (train.init_from). Their test AUCs
// go to DIR/label_efficiency.json and DIR/label_efficiency.html (AUC against the number of
// labels, log x). Runs live in DIR/runs/f<fraction>_s<seed>/{scratch,pretrained}; a rerun
// reuses every finished one and resumes the checkpointed ones. No libtorch here.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace wl::pretrain {

struct StudyOptions {
  std::filesystem::path config;      // the labelled task (a binary classifier config)
  std::vector<std::string> sets;     // --set overrides of it
  std::filesystem::path pretrained;  // the pretraining run (train.init_from)
  std::string data;                  // the labelled waveform file
  std::vector<double> fractions;     // each in (0, 1]
  int seeds = 3;
  std::filesystem::path out;
  bool force = false;  // retrain finished runs too
  bool quiet = false;
  int threads = 0;
};

// One fraction: the per-seed test AUCs of both arms, in seed order (NaN: undefined).
struct StudyRow {
  double fraction = 0;
  std::size_t n_labels = 0;  // labelled training events (the same for every seed)
  std::vector<double> auc_scratch, auc_pretrained;
};

// Checks everything before any training (InputError, one line): fractions non-empty and in
// (0, 1], seeds 1 to 100, a binary task, the pretrained run compatible with the config.
void check_study(const StudyOptions& o);

// Runs (or reuses) every training, then writes the json and the page. Returns the rows.
std::vector<StudyRow> run_study(const StudyOptions& o);

// label_efficiency.json: rows with the per-seed values and, per arm, mean, min and max over
// the seeds; and for each fraction f whose 2f is also studied, whether pretrained with N
// labels reaches scratch with 2N (the mean AUCs).
nlohmann::json study_json(const StudyOptions& o, const std::vector<StudyRow>& rows);
// label_efficiency.html and plots/auc_vs_labels.{png,svg} in o.out.
void write_study_page(const StudyOptions& o, const std::vector<StudyRow>& rows, const nlohmann::json& summary);

// "0.01, 0.02" -> {0.01, 0.02}; InputError naming --fractions for an empty list or a bad number.
std::vector<double> parse_fractions(const std::string& text);

}  // namespace wl::pretrain
