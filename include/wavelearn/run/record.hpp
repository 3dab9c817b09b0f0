#pragma once
// run.json: what every run directory records about itself, whatever its model family:
// which family and model, which task and targets, which file it trained on, and the split
// that held its validation and test events out. Evaluation rebuilds the split from it.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/core/split.hpp"

namespace wl::run {

class RunDir;

inline constexpr int kMaxEnsembleMembers = 100;

// The directory of ensemble member k inside its run directory.
std::string ensemble_member_dir(int k);

struct SplitRecord {
  core::PartFractions fractions;
  core::GroupBy group_by = core::GroupBy::kEvent;
  uint64_t seed = 42;
  bool keyed = true;  // false: the lectures' shuffled cut (a stratified run), not rebuilt by key
};

struct RunRecord {
  std::string family;      // "neural" | "tabular" | "pretrain" (a self-supervised encoder, no scores)
  std::string model_type;  // "fcnet", "cnn", ..., "bdt", "svm", "logistic"
  std::string task;        // the head kind: "binary_logits", "regression", "multiclass", ...
  std::vector<std::string> targets;  // target (label) names in score order where one-to-one
  std::string training_file;
  double energy_threshold_kev = -1.0;  // < 0: none
  SplitRecord split;
  std::string name;  // a display name (the preset's `name`, else the directory name)
  // > 0: a deep ensemble; its members are complete runs in member_0 ... member_{K-1}.
  int ensemble_members = 0;
  // train.init_from of a neural run: the run its encoder started from (train/init_from.hpp:
  // path, model.pt fingerprint, seed, task, freeze_encoder, ...); null when trained from scratch.
  nlohmann::json init_from;

  bool is_binary() const;      // one binary label (any binary head, or a tabular classifier)
  bool is_regression() const;  // one regression target
};

// What the validation events chose for this model, in the family's words ("the best epoch",
// "the boosting round"); empty when they chose nothing (SVM, logistic regression).
std::string chosen_on_validation(const RunRecord& r);
// The unit of the training history: "epoch", "boosting round" or "iteration".
std::string history_step(const RunRecord& r);

nlohmann::json to_json(const RunRecord& r);
RunRecord record_from_json(const nlohmann::json& j, const std::string& source);

// run.json of a run directory; InputError naming the file when absent or malformed.
RunRecord read_run_record(const RunDir& dir);
void write_run_record(const RunDir& dir, const RunRecord& r);

}  // namespace wl::run
