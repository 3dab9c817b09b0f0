// The evaluation steps of the run layer on a synthetic event table: select -> metrics ->
// warnings -> page and card, and the metrics.json contract every binary classifier follows.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include "synthetic_events.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/page.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/select.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/run/warnings.hpp"

using namespace wl;
namespace fs = std::filesystem;

namespace {

run::RunRecord record(const std::string& family) {
  run::RunRecord r;
  r.family = family;
  r.model_type = family == "tabular" ? "bdt" : "cnn";
  r.task = family == "tabular" ? "binary" : "binary_logits";
  r.targets = {"psd_label_low_avse"};
  r.training_file = "synthetic.h5";
  r.energy_threshold_kev = 1000;
  r.split.fractions = {0.6, 0.2, 0.2};
  return r;
}

run::ScoredRows scored(const std::vector<double>& score, const std::vector<std::size_t>& rows) {
  run::ScoredRows s;
  s.rows = rows;
  s.n_columns = 1;
  for (auto r : rows) s.scores.push_back(score[r]);
  return s;
}

struct Scratch {
  fs::path path = fs::temp_directory_path() / ("wl_run_steps_" + std::to_string(::getpid()));
  Scratch() { fs::remove_all(path); }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::vector<run::ScoreColumn> kColumns{{"score", "psd_label_low_avse", "binary"}};

}  // namespace

TEST(Select, TestEventsOfTheTrainingFileAreTheTestPartOfTheSplit) {
  const auto ev = test::synthetic_events(5000, 1);
  const auto rec = record("neural");
  const auto parts = run::parts_of(ev.table, rec.split);
  const auto sel = run::select_events(ev.table, rec, true, false, 300);
  EXPECT_EQ(sel.events, "test");
  ASSERT_FALSE(sel.evaluate.empty());
  for (auto r : sel.evaluate) EXPECT_EQ(parts[r], core::kTestPart);
  EXPECT_EQ(sel.train.size(), 300u);
  for (auto r : sel.train) EXPECT_EQ(parts[r], core::kTrainPart);
  // Another file: every event, nothing of the training split.
  const auto other = run::select_events(ev.table, rec, false, false, 300);
  EXPECT_EQ(other.events, "all");
  EXPECT_EQ(other.evaluate.size(), 5000u);
  // No test part: the validation events, and a note that says so.
  auto no_test = rec;
  no_test.split.fractions = {0.7, 0.3, 0.0};
  const auto v = run::select_events(ev.table, no_test, true, false, 0);
  EXPECT_EQ(v.events, "validation");
  ASSERT_EQ(v.notes.size(), 1u);
  EXPECT_NE(v.notes[0].find("optimistic"), std::string::npos);
}

TEST(Metrics, BinaryContractWithIntervalsAndTheAeReference) {
  const auto ev = test::synthetic_events(8000, 2);
  const auto sel = run::select_events(ev.table, record("neural"), true, false, 1000);
  const auto res = run::compute_metrics(kColumns, ev.table, sel, scored(ev.score, sel.evaluate),
                                        scored(ev.score, sel.train), {50, 1, 1});
  ASSERT_EQ(res.binary.size(), 1u);
  ASSERT_TRUE(res.reference.has_value());
  const auto j = run::to_json(res);
  const auto& c = j.at("labels").at("psd_label_low_avse");
  for (const char* k : {"n_events", "auc", "auc_ci95", "pr_auc", "working_point", "truth"}) EXPECT_TRUE(c.contains(k)) << k;
  const auto& wp = c.at("working_point");
  EXPECT_EQ(wp.at("definition"), "A/E DEP acceptance");
  EXPECT_TRUE(wp.at("matched").get<bool>());
  // The model keeps the A/E cut's DEP acceptance (within one event's worth of ties).
  EXPECT_NEAR(wp.at("dep_acceptance").get<double>(), res.reference->psd.survival[0].survival.value, 1e-12);
  for (const char* region : {"DEP", "SEP", "FEP", "Compton"}) {
    const auto& s = wp.at("survival").at(region);
    const double v = s.at("value"), lo = s.at("ci95")[0], hi = s.at("ci95")[1];
    EXPECT_LE(lo, v);
    EXPECT_GE(hi, v);
    EXPECT_GT(s.at("n").get<int>(), 0);
    const auto& t = c.at("truth").at(region);
    EXPECT_LE(t.at("mse_rejection_ci95")[0].get<double>(), t.at("mse_rejection").get<double>());
  }
  // The noisy score is worse than the label's own cut, and the warnings say so.
  const auto w = run::collect_warnings(record("neural"), nlohmann::json::object(), {}, res);
  ASSERT_FALSE(w.empty());
  EXPECT_EQ(w.front().rfind(run::kWorseThanAePrefix, 0), 0u) << w.front();
}

TEST(Metrics, NonFiniteScoresAreRefusedNamingTheEvent) {
  auto ev = test::synthetic_events(500, 3);
  ev.score[7] = std::nan("");
  const auto sel = run::select_events(ev.table, record("neural"), false, false, 0);
  try {
    run::compute_metrics(kColumns, ev.table, sel, scored(ev.score, sel.evaluate), {}, {10, 1, 1});
    FAIL() << "NaN score accepted";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("100007"), std::string::npos) << e.what();
  }
}

TEST(Warnings, CircularInputsAndUnconvergedTraining) {
  EXPECT_EQ(run::derived_from_label("psd_label_low_avse", {"avse_raw", "drift_time_ns", "dcr_raw"}),
            std::vector<std::string>{"avse_raw"});
  EXPECT_EQ(run::derived_from_label("psd_label_dcr", {"avse_raw", "dcr_raw"}), std::vector<std::string>{"dcr_raw"});
  const auto ev = test::synthetic_events(2000, 4, 0.1);
  const auto sel = run::select_events(ev.table, record("tabular"), true, false, 0);
  const auto res = run::compute_metrics(kColumns, ev.table, sel, scored(ev.score, sel.evaluate), {}, {10, 1, 1});
  const nlohmann::json training = {{"converged", false}, {"convergence", "the best boosting round is the last"}};
  const auto w = run::collect_warnings(record("tabular"), training, {"avse_raw", "lq_raw"}, res);
  auto has = [&](const std::string& needle) {
    for (const auto& x : w)
      if (x.find(needle) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("not converged: the best boosting round is the last"));
  EXPECT_TRUE(has("'avse_raw' is derived from the label's own cut"));
  EXPECT_FALSE(has("'lq_raw'"));
}

// A network that outputs a constant is named as collapsed; a working one is not.
TEST(Warnings, ACollapsedNetworkIsNamed) {
  auto ev = test::synthetic_events(2000, 4, 0.1);
  const auto sel = run::select_events(ev.table, record("neural"), true, false, 0);
  const auto warned = [&](const std::vector<double>& score) {
    const auto res = run::compute_metrics(kColumns, ev.table, sel, scored(score, sel.evaluate), {}, {10, 1, 1});
    for (const auto& s : run::collect_warnings(record("neural"), nlohmann::json::object(), {}, res))
      if (s.find("collapsed network") != std::string::npos) return true;
    return false;
  };
  EXPECT_FALSE(warned(ev.score));
  EXPECT_TRUE(warned(std::vector<double>(ev.score.size(), 0.483)));
}

TEST(Warnings, EnsembleMemberThatDidNotLearn) {
  // The five members of a measured ensemble: the third collapsed to a constant (AUC 0.5).
  nlohmann::json runs = nlohmann::json::array();
  for (const double loss : {0.1409, 0.1373, 0.6748, 0.1361, 0.1546})
    runs.push_back({{"dir", "member_" + std::to_string(runs.size())}, {"init_seed", 42 + runs.size()}, {"val_loss", loss}});
  const auto bad = run::members_not_learned(runs);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].at("dir"), "member_2");
  runs[2]["val_loss"] = 0.15;  // all alike: none flagged
  EXPECT_TRUE(run::members_not_learned(runs).empty());
  const nlohmann::json training = {{"ensemble", {{"warning", "ensemble members did not learn: member_2"}}}};
  const auto ev = test::synthetic_events(500, 4, 0.1);
  const auto sel = run::select_events(ev.table, record("neural"), true, false, 0);
  const auto res = run::compute_metrics(kColumns, ev.table, sel, scored(ev.score, sel.evaluate), {}, {10, 1, 1});
  const auto w = run::collect_warnings(record("neural"), training, {}, res);
  EXPECT_NE(std::find(w.begin(), w.end(), "ensemble members did not learn: member_2"), w.end());
}

TEST(Page, ReportAndCardSpeakTheFamilysWordsAndNameThePartTruthfully) {
  Scratch scratch;
  const auto ev = test::synthetic_events(3000, 5);
  const auto rec = record("tabular");
  const auto sel = run::select_events(ev.table, rec, true, false, 500);
  const auto res = run::compute_metrics(kColumns, ev.table, sel, scored(ev.score, sel.evaluate),
                                        scored(ev.score, sel.train), {20, 1, 1});
  const auto out = run::RunDir::claim_for_output(scratch.path, "report.html", false);
  run::PageInputs in;
  in.record = &rec;
  in.results = &res;
  in.run_dir = scratch.path.string();
  in.description = "XGBoost trees";
  in.data_file = "synthetic.h5";
  in.warnings = {"a warning"};
  in.notes = sel.notes;
  in.training = nlohmann::json{{"converged", true}};
  run::write_page(out, in);
  run::write_card(out, in);
  const auto html = read_all(scratch.path / "report.html");
  const auto card = read_all(scratch.path / "MODEL_CARD.md");
  EXPECT_NE(html.find("class=\"warning\">a warning"), std::string::npos);
  EXPECT_NE(html.find("held-out test events"), std::string::npos);
  EXPECT_EQ(html.find("test sample"), std::string::npos);
  EXPECT_EQ(card.find("epoch"), std::string::npos) << "a BDT card speaks of epochs";
  EXPECT_NE(card.find("a warning"), std::string::npos);
  for (const char* p : {"plots/roc.png", "plots/scores.png", "plots/spectrum.png", "plots/survival_vs_energy.png",
                        "plots/confusion.png"}) {
    EXPECT_TRUE(fs::exists(scratch.path / p)) << p;
    EXPECT_NE(html.find(p), std::string::npos) << p;
  }
  // A second claim of the same output is refused without force.
  EXPECT_THROW(run::RunDir::claim_for_output(scratch.path, "report.html", false), core::InputError);
}

TEST(RunDir, TheOverwriteRuleIsCheckedOnceAtTheClaim) {
  Scratch scratch;
  const auto a = run::RunDir::claim_for_training(scratch.path, false, false);
  a.write_text("model.json", "{}");
  EXPECT_THROW(run::RunDir::claim_for_training(scratch.path, false, false), core::InputError);
  EXPECT_NO_THROW(run::RunDir::claim_for_training(scratch.path, true, false));
  EXPECT_NO_THROW(run::RunDir::claim_for_training(scratch.path, false, true));
  EXPECT_THROW(run::RunDir::claim_for_training(scratch.path / "absent", false, true), core::InputError);
  auto rec = record("neural");
  rec.split.group_by = core::GroupBy::kDetector;
  run::write_run_record(a, rec);
  const auto back = run::read_run_record(a);
  EXPECT_EQ(back.family, "neural");
  EXPECT_EQ(back.split.group_by, core::GroupBy::kDetector);
  EXPECT_EQ(back.targets, rec.targets);
  a.write_text("run.json", "{\"format\": \"other\"}");
  EXPECT_THROW(run::read_run_record(a), core::InputError);
}

TEST(Select, GroupedByDetectorNoDetectorIsOnBothSides) {
  auto ev = test::synthetic_events(4000, 6);
  for (std::size_t i = 0; i < ev.table.size(); ++i) ev.table.detector[i] = static_cast<int64_t>(i % 10);
  auto rec = record("neural");
  rec.split.group_by = core::GroupBy::kDetector;
  const auto sel = run::select_events(ev.table, rec, true, false, 100000);
  std::set<int64_t> test_detectors, train_detectors;
  for (auto r : sel.evaluate) test_detectors.insert(ev.table.detector[r]);
  for (auto r : sel.train) train_detectors.insert(ev.table.detector[r]);
  EXPECT_EQ(test_detectors.size(), 2u);
  EXPECT_EQ(train_detectors.size(), 6u);
  for (auto d : test_detectors) EXPECT_EQ(train_detectors.count(d), 0u) << "detector " << d << " on both sides";
}

TEST(RunDir, ASecondWriterIsRefusedAndAStaleLockTakenOver) {
  Scratch scratch;
  fs::create_directories(scratch.path);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  // A live holder (pid 1 always runs) on this host: a one-line error naming it.
  { std::ofstream(scratch.path / ".wavelearn.lock") << "1 " << host << "\n"; }
  try {
    run::RunDir::claim_for_training(scratch.path, true, false);
    FAIL() << "a directory held by another process was claimed";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("pid 1 "), std::string::npos) << e.what();
  }
  // A holder that has exited: the lock is stale and taken over.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  { std::ofstream(scratch.path / ".wavelearn.lock") << child << " " << host << "\n"; }
  {
    const auto d = run::RunDir::claim_for_training(scratch.path, true, false);
    EXPECT_NE(read_all(scratch.path / ".wavelearn.lock").find(std::to_string(getpid())), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(scratch.path / ".wavelearn.lock")) << "the lock outlived its RunDir";
}
