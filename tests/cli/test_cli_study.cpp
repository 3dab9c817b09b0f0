// `wavelearn study` end to end, tiny: two models (the BDT without the label's inputs and the
// CNN) x two labels (low A/E and the derived psd_pass) x one seed on a small simulated file.
// The files, the cells against the runs' own metrics.json and the comparisons, the inputs
// the reference BDT drops, and a resume that retrains only the run whose record was removed.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

nlohmann::json json_of(const fs::path& p) { return nlohmann::json::parse(read_all(p)); }

std::string study_command(const wl::test::ScratchDir& dir, const std::string& extra) {
  return "-q --threads 2 study --config " + std::string(WL_SOURCE_DIR) + "/configs/study-psd.toml --data " +
         dir / "sim.h5" + " --out " + dir / "study" +
         " --set 'study.models=[\"bdt_without_label\", \"cnn\"]'"
         " --set 'study.labels=[\"psd_label_low_avse\", \"psd_pass\"]' --set study.seeds=[1]"
         " --set study.bootstrap_replicas=50"
         " --neural-set train.epochs=1 --neural-set data.energy_threshold_kev=0 --neural-set eval.bootstrap_replicas=10"
         " --tabular-set model.n_trees=30 --tabular-set data.energy_threshold_kev=0 --tabular-set eval.bootstrap_replicas=10 " +
         extra;
}

// The cell of (model, label) agrees with its run: the comparison's entry, and the run's own
// test AUC (the same number when the common events are the run's test events).
void expect_cell_matches_run(const fs::path& study, const std::string& model, const std::string& label,
                             const std::string& run, const std::string& short_label) {
  const auto board = json_of(study / "leaderboard.json");
  const auto& cell = board["cells"][model][label];
  ASSERT_TRUE(cell.is_object()) << model << " " << label;
  EXPECT_EQ(cell["runs"], nlohmann::json({run}));
  const auto cmp = json_of(study / "compare" / short_label / "compare.json");
  bool found = false;
  for (const auto& e : cmp["entries"])
    if (e["name"] == run) {
      found = true;
      EXPECT_DOUBLE_EQ(cell["auc"].get<double>(), e["auc"].get<double>());
      EXPECT_DOUBLE_EQ(cell["auc_ci95"][0].get<double>(), e["auc_ci95"][0].get<double>());
    }
  EXPECT_TRUE(found) << run;
  const auto metrics = json_of(study / "runs" / run / "metrics.json");
  const auto& own = metrics["evaluation"]["labels"][label];
  EXPECT_DOUBLE_EQ(cell["run_test_auc"][0].get<double>(), own["auc"].get<double>());
  const double tol = own["n_events"].get<std::size_t>() == cmp["n_common"].get<std::size_t>() ? 1e-9 : 0.03;
  EXPECT_NEAR(cell["auc"].get<double>(), own["auc"].get<double>(), tol);
  EXPECT_GT(cell["train_seconds"].get<double>(), 0.0);
  const double sse = cell["sse_efficiency"].get<double>();
  EXPECT_TRUE(sse >= cell["sse_efficiency_ci95"][0].get<double>() && sse <= cell["sse_efficiency_ci95"][1].get<double>());
}

}  // namespace

TEST(CliStudy, LeaderboardOfRunsAndResume) {
  wl::test::ScratchDir dir("wl_cli_study");
  ASSERT_EQ(run_cli("-q simulate --events 800 --seed 11 --out " + dir / "sim.h5").status, 0);
  auto r = run_cli(study_command(dir, ""));
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path study = dir / "study";
  for (const char* f : {"leaderboard.json", "leaderboard.html", "study.toml", "study.json", "features.h5",
                        "compare/low_avse/compare.html", "compare/pass/compare.json",
                        "runs/cnn-pass-s1/report.html", "runs/bdt_without_label-low_avse-s1/study_run.json"})
    EXPECT_TRUE(fs::exists(study / f)) << f;
  expect_cell_matches_run(study, "cnn", "psd_label_low_avse", "cnn-low_avse-s1", "low_avse");
  expect_cell_matches_run(study, "cnn", "psd_pass", "cnn-pass-s1", "pass");
  expect_cell_matches_run(study, "bdt_without_label", "psd_pass", "bdt_without_label-pass-s1", "pass");

  // The reference BDT of psd_pass reads no input of any cut, and no page calls it circular.
  const auto config = read_all(study / "runs/bdt_without_label-pass-s1/config.toml");
  for (const char* input : {"avse_raw", "dcr_raw", "lq_raw", "current_amp_adc_per_ns"})
    EXPECT_EQ(config.find(input), std::string::npos) << input;
  EXPECT_NE(config.find("drift_time_ns"), std::string::npos);
  const auto board = json_of(study / "leaderboard.json");
  EXPECT_TRUE(board["cells"]["bdt_without_label"]["psd_pass"]["circular_inputs"].empty());
  EXPECT_EQ(board["verdict"]["reference"], "bdt_without_label");
  EXPECT_EQ(board["verdicts"].size(), 2u);
  EXPECT_NE(read_all(study / "leaderboard.html").find("Verdict"), std::string::npos);

  // Without --resume or --force the study is not replaced.
  EXPECT_EQ(run_cli(study_command(dir, "")).status, 2);
  // A resume trains only the run whose record is gone.
  fs::remove(study / "runs/cnn-pass-s1/study_run.json");
  r = run_cli(study_command(dir, "--resume"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("4 runs (1 trained, 3 kept from before)"), std::string::npos) << r.out;
}
