#pragma once
// The leaderboard: one `compare` per label over every run that predicts it (all models, all
// seeds) on their common held-out test events, then per model and label the mean over seeds
// of the test AUC and of its bootstrap interval's bounds, the seeds' spread, and the true
// single-site efficiency of all common events at the A/E DEP working point with its
// Clopper-Pearson interval; per label a verdict: the best network against the reference
// tabular model (inputs without the label's own parameters). Internal to src/study.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "plan.hpp"
#include "runs.hpp"

namespace wl::study::detail {

struct BoardSettings {
  int threads = 0;
  double dsp_seconds = 0.0;    // making the feature table (0 when given)
  double train_seconds = 0.0;  // wall clock of the trainings of this call
};

// Runs the comparisons (DIR/compare/<label>/) and returns leaderboard.json's content.
nlohmann::json build_leaderboard(const Plan& plan, const Inputs& in, const BoardSettings& s);

// The verdict of each label and the overall one, from the cells (added to `board`).
void add_verdicts(const Plan& plan, nlohmann::json& board);

// leaderboard.html (page.cpp) and the text the CLI prints.
void write_leaderboard_page(const nlohmann::json& board, const std::filesystem::path& out);
std::string leaderboard_text(const nlohmann::json& board);

}  // namespace wl::study::detail
