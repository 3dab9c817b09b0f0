// Uncertainty from the CLI: a deep ensemble (train.ensemble) whose scores are its members'
// mean and spread, which resumes member by member and is checked against a shifted detector
// (evaluate --shifted); and Monte Carlo dropout (predict --mc-samples), reproducible by seed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "wavelearn/io/table.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

class CliUncertainty : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("wl_cli_uncertainty_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    run_ok("-q --threads 2 simulate --events 1500 --seed 3 --out " + path("nominal.h5"));
    // Another detector response: slower electronics and more noise than any nominal detector.
    run_ok("-q --threads 2 simulate --events 500 --seed 4 --out " + path("shifted.h5") +
           " --param electronics_tau_min_ns=150 --param electronics_tau_max_ns=200"
           " --param white_noise_min_kev=10 --param white_noise_max_kev=12");
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static void run_ok(const std::string& args) {
    const auto r = run_cli(args);
    ASSERT_EQ(r.status, 0) << args << "\n" << r.err;
  }
  static std::string preset(const std::string& name) {
    return std::string(WL_SOURCE_DIR) + "/configs/" + name + ".toml";
  }
  static std::vector<double> column(const std::string& file, const std::string& name) {
    const auto t = wl::io::read_table_h5(file, {name});
    return t.columns.at(0);
  }
  static fs::path dir_;
};

fs::path CliUncertainty::dir_;

TEST_F(CliUncertainty, EnsembleIsItsMembersMeanAndSpread) {
  const std::string run = path("ensemble");
  run_ok("-q --threads 2 train --config " + preset("cnn") + " --data " + path("nominal.h5") + " --out " + run +
         " --set train.ensemble=2 --set train.epochs=2 --set data.energy_threshold_kev=0 "
         "--set eval.bootstrap_replicas=10");
  for (const char* m : {"member_0/model.pt", "member_1/model.pt", "report.html", "predictions.h5"})
    EXPECT_TRUE(fs::exists(fs::path(run) / m)) << m;
  const auto record = nlohmann::json::parse(read_all(run + "/run.json"));
  EXPECT_EQ(record.at("ensemble_members"), 2);
  const auto metrics = nlohmann::json::parse(read_all(run + "/metrics.json"));
  EXPECT_EQ(metrics.at("ensemble").at("members"), 2);
  EXPECT_GT(metrics.at("ensemble").at("mean_score_std").get<double>(), 0.0);
  EXPECT_EQ(metrics.at("training").at("ensemble").at("member_runs").size(), 2u);

  // The ensemble's score is the members' mean, score_std their sample standard deviation.
  run_ok("-q predict --model " + run + " --data " + path("nominal.h5") + " --out " + path("ens.h5"));
  run_ok("-q predict --model " + run + "/member_0 --data " + path("nominal.h5") + " --out " + path("m0.h5"));
  run_ok("-q predict --model " + run + "/member_1 --data " + path("nominal.h5") + " --out " + path("m1.h5"));
  const auto mean = column(path("ens.h5"), "score"), spread = column(path("ens.h5"), "score_std");
  const auto a = column(path("m0.h5"), "score"), b = column(path("m1.h5"), "score");
  ASSERT_EQ(mean.size(), a.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_NEAR(mean[i], 0.5 * (a[i] + b[i]), 1e-9) << i;
    ASSERT_NEAR(spread[i], std::abs(a[i] - b[i]) / std::sqrt(2.0), 1e-9) << i;
    differ += a[i] != b[i];
  }
  EXPECT_GT(differ, a.size() / 2) << "members trained from different seeds must differ";

  // explain takes the ensemble whole: the members' mean output, attributed.
  run_ok("-q --threads 2 explain --model " + run + " --out " + path("ens-explain") +
         " --max-events 20 --methods integrated_gradients,saliency");
  const auto ex = nlohmann::json::parse(read_all(path("ens-explain/explain.json")));
  EXPECT_EQ(ex.at("n_events"), 20);
  EXPECT_TRUE(ex.at("completeness_max_rel_error").is_number());
  const auto rollout = run_cli("-q explain --model " + run + " --out " + path("ens-rollout") +
                               " --methods attention_rollout");
  EXPECT_EQ(rollout.status, 2);
  EXPECT_NE(rollout.err.find("member_0"), std::string::npos) << rollout.err;

  // A member interrupted after its last checkpoint (no model.pt yet) is finished by
  // --resume from that checkpoint; the other member is not retrained: same scores.
  for (const char* f : {"model.pt", "run.json", "metrics.json"}) fs::remove(fs::path(run) / "member_1" / f);
  const std::string again = "-q --threads 2 train --config " + preset("cnn") + " --data " + path("nominal.h5") +
                            " --out " + run + " --set train.ensemble=2 --set train.epochs=2 "
                            "--set data.energy_threshold_kev=0 --set eval.bootstrap_replicas=10 --resume";
  run_ok(again);
  run_ok("-q predict --model " + run + " --data " + path("nominal.h5") + " --out " + path("ens2.h5"));
  EXPECT_EQ(column(path("ens2.h5"), "score"), mean);
  EXPECT_EQ(column(path("ens2.h5"), "score_std"), spread);
  // A changed configuration is refused by every member's guard, naming the key.
  const auto changed = run_cli(again + " --set train.lr=0.01");
  EXPECT_EQ(changed.status, 2) << changed.err;
  EXPECT_NE(changed.err.find("train.lr"), std::string::npos) << changed.err;

  // The shifted detector's events: the check runs and reports the spread's AUROC.
  run_ok("-q evaluate --model " + run + " --shifted " + path("shifted.h5") + " --out " + path("ood") +
         " --bootstrap 0 --alpha 0.2");
  const auto ood = nlohmann::json::parse(read_all(path("ood/metrics.json")));
  const auto& s = ood.at("ood").at("scores").at("score_std");
  // A number (NaN would be written as null): the size of the effect is measured in
  // docs/uncertainty.md on a trained ensemble, not in a 2-epoch test.
  EXPECT_TRUE(s.at("auroc").is_number()) << s.dump();
  EXPECT_EQ(ood.at("ood").at("n_shifted"), 500);
  EXPECT_TRUE(ood.at("ood").at("scores").contains("entropy:score"));
  EXPECT_DOUBLE_EQ(ood.at("conformal").at("alpha").get<double>(), 0.2);
  const auto page = read_all(path("ood/report.html"));
  EXPECT_NE(page.find("shifted"), std::string::npos);
  EXPECT_NE(page.find("Mean score_std in bins of score"), std::string::npos);
  EXPECT_TRUE(fs::exists(path("ood/plots/spread_vs_score.png")));
}

TEST_F(CliUncertainty, McDropoutIsReproducibleAndSpreads) {
  const std::string run = path("dropout");
  run_ok("-q --threads 2 train --config " + preset("seed-fcnet") + " --data " + path("nominal.h5") + " --out " +
         run + " --set train.epochs=1 --set data.energy_threshold_kev=0 --set model.dropout=0.3");
  run_ok("-q predict --model " + run + " --data " + path("nominal.h5") + " --out " + path("mc1.h5") +
         " --mc-samples 8");
  run_ok("-q predict --model " + run + " --data " + path("nominal.h5") + " --out " + path("mc2.h5") +
         " --mc-samples 8");
  run_ok("-q predict --model " + run + " --data " + path("nominal.h5") + " --out " + path("mc3.h5") +
         " --mc-samples 8 --mc-seed 7");
  run_ok("-q predict --model " + run + " --data " + path("nominal.h5") + " --out " + path("plain.h5"));
  EXPECT_EQ(column(path("mc1.h5"), "score"), column(path("mc2.h5"), "score"));
  EXPECT_NE(column(path("mc1.h5"), "score"), column(path("mc3.h5"), "score"));
  EXPECT_NE(column(path("mc1.h5"), "score"), column(path("plain.h5"), "score"));
  std::size_t spread = 0;
  for (const double v : column(path("mc1.h5"), "score_std")) spread += v > 0.0;
  EXPECT_GT(spread, 0u);
  // evaluate --mc-samples: the spread reaches metrics.json.
  run_ok("-q evaluate --model " + run + " --out " + path("mc-eval") + " --mc-samples 4 --bootstrap 0");
  const auto m = nlohmann::json::parse(read_all(path("mc-eval/metrics.json")));
  EXPECT_EQ(m.at("mc_dropout").at("samples"), 4);
  EXPECT_GT(m.at("mc_dropout").at("mean_score_std").get<double>(), 0.0);
}

}  // namespace
