// `wavelearn tune` end to end on a small simulated file: four trials, rungs of 1 and 2
// epochs, the outputs, best.toml retraining to the best trial's validation figure, and a
// resume that trains only the trial whose results were removed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

std::string preset(const std::string& name) { return std::string(WL_SOURCE_DIR) + "/configs/" + name + ".toml"; }

nlohmann::json json_of(const fs::path& p) { return nlohmann::json::parse(read_all(p)); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

const char* kSpace = R"(
[space."train.lr"]
log_uniform = [1e-3, 1e-2]

[space."model.hidden"]
choice = [[32], [64, 16]]

[space."data.batch_size"]
choice = [32, 64]
)";

std::string tune_command(const wl::test::ScratchDir& dir, const std::string& extra) {
  return "--threads 1 tune --config " + preset("seed-fcnet") + " --space " + dir / "space.toml" + " --data " +
         dir / "sim.h5" + " --out " + dir / "tune" + " --trials 4 --eta 2 --min-epochs 1 --seed 3 "
         "--max-epochs 2 --set data.energy_threshold_kev=0 --set eval.bootstrap_replicas=10 " + extra;
}

}  // namespace

TEST(CliTune, SearchesRetrainsAndResumes) {
  wl::test::ScratchDir dir("wl_cli_tune");
  ASSERT_EQ(run_cli("-q simulate --events 1500 --seed 5 --out " + dir / "sim.h5").status, 0);
  std::ofstream(dir / "space.toml") << kSpace;
  auto r = run_cli(tune_command(dir, ""));
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path out = dir / "tune";
  for (const char* f : {"trials.csv", "best.toml", "tune.json", "tune.html", "trial_000/report.html"})
    EXPECT_TRUE(fs::exists(out / f)) << f;

  // trials.csv: a header, four trials; rungs of 1 and 2 epochs keep the best 2 of 4.
  const auto csv = lines_of(read_all(out / "trials.csv"));
  ASSERT_EQ(csv.size(), 5u);
  EXPECT_EQ(csv[0], "trial,data.batch_size,model.hidden,train.lr,epochs,rung,val_auc,val_loss,status,seconds");
  int completed = 0, halted = 0;
  for (std::size_t i = 1; i < csv.size(); ++i) {
    completed += csv[i].find(",completed,") != std::string::npos;
    halted += csv[i].find(",halted,") != std::string::npos;
  }
  EXPECT_EQ(completed, 2);
  EXPECT_EQ(halted, 2);
  // Trial 0 is the base configuration as it is: no overrides, its own values in the table.
  EXPECT_EQ(json_of(out / "trial_000" / "tune_trial.json")["assignments"], nlohmann::json::array());
  EXPECT_EQ(csv[1].rfind("0,64,", 0), 0u) << csv[1];
  EXPECT_NE(csv[1].find("512, 256, 32"), std::string::npos) << csv[1];
  EXPECT_NE(csv[1].find(",0.001,"), std::string::npos) << csv[1];

  const auto tune = json_of(out / "tune.json");
  EXPECT_EQ(tune["status"], "finished");
  EXPECT_EQ(tune["settings"]["rungs"], nlohmann::json({1, 2}));
  const auto& best = tune["best"];
  const int best_trial = best["trial"].get<int>();
  char name[32];
  std::snprintf(name, sizeof name, "trial_%03d", best_trial);
  EXPECT_EQ(best["epochs"], 2);
  const double val = best["val_auc"].get<double>();
  // The best trial's own run agrees, and its test figure is the one reported.
  const auto trial_metrics = json_of(out / name / "metrics.json");
  EXPECT_DOUBLE_EQ(trial_metrics["training"]["val_auc"].get<double>(), val);
  EXPECT_DOUBLE_EQ(trial_metrics["test"]["auc"].get<double>(), best["test_auc"].get<double>());
  for (const auto& t : tune["trials"])
    if (t["status"] == "completed") {
      EXPECT_GE(val, t["val_metric"].get<double>());
    }

  // best.toml retrains, as is, to the same validation figure (same seed and thread count).
  r = run_cli("-q --threads 1 train --config " + (out / "best.toml").string() + " --out " + dir / "again");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_DOUBLE_EQ(json_of(fs::path(dir / "again") / "metrics.json")["training"]["val_auc"].get<double>(), val);

  // Resume after removing the last trial's results: only that trial trains again.
  std::map<std::string, fs::file_time_type> before;
  for (const char* t : {"trial_000", "trial_001", "trial_002"}) before[t] = fs::last_write_time(out / t / "model.pt");
  fs::remove_all(out / "trial_003");
  r = run_cli("--threads 1 tune --out " + out.string() + " --resume");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const auto& [t, when] : before) EXPECT_EQ(fs::last_write_time(out / t / "model.pt"), when) << t;
  EXPECT_TRUE(fs::exists(out / "trial_003" / "model.pt"));
  EXPECT_EQ(r.err.find("trial_000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("trial_003"), std::string::npos) << r.err;
  EXPECT_EQ(lines_of(read_all(out / "trials.csv")).size(), 5u);
  EXPECT_EQ(json_of(out / "tune.json")["best"]["trial"], best_trial);
  EXPECT_DOUBLE_EQ(json_of(out / "tune.json")["best"]["val_auc"].get<double>(), val);

  // An existing tune without --force or --resume is refused, and another seed on resume too.
  r = run_cli(tune_command(dir, ""));
  EXPECT_EQ(r.status, 2);
  r = run_cli("--threads 1 tune --out " + out.string() + " --resume --seed 4");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--seed"), std::string::npos) << r.err;
}
