// `wavelearn evaluate` as a user meets it: the printed table and where the report is, and
// one-line errors (exit 2) for a missing run directory, a run without model.pt, and a data
// file without the run's target label.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "cli/run_cli.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

class EvaluateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("wl_cli_evaluate_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    data_ = (dir_ / "sim.h5").string();
    auto s = run_cli("-q --threads 2 simulate --events 1500 --seed 11 --out " + data_);
    ASSERT_EQ(s.status, 0) << s.err;
    s = run_cli("-q --threads 2 simulate --events 300 --seed 12 --no-labels --out " +
                (dir_ / "unlabelled.h5").string());
    ASSERT_EQ(s.status, 0) << s.err;
    run_ = dir_ / "run";
    s = run_cli("-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) +
                "/configs/seed-fcnet.toml --data " + data_ + " --out " + run_.string() +
                " --set data.energy_threshold_kev=500 --set model.hidden=[16] --set train.epochs=1");
    ASSERT_EQ(s.status, 0) << s.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static void expect_one_line_error(const wl::test::CliResult& r, const std::string& needle) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  }
  static inline fs::path dir_, run_;
  static inline std::string data_;
};

TEST_F(EvaluateCli, PrintsKeyNumbersAndWritesTheReportWhereAsked) {
  const auto out = dir_ / "report";
  const auto r = run_cli("-q --threads 2 evaluate --model " + run_.string() + " --data " + data_ +
                         " --out " + out.string() + " --bootstrap 20");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* k : {"auc", "auc_95cl_lower", "pr_auc", "working_point_threshold", "survival_SEP",
                        "report.html", "MODEL_CARD.md"})
    EXPECT_NE(r.out.find(k), std::string::npos) << k << "\n" << r.out;
  for (const char* f : {"report.html", "MODEL_CARD.md", "metrics.json", "predictions.h5", "plots/roc.png",
                        "plots/survival_vs_energy.png"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  // Not overwritten without --force.
  expect_one_line_error(run_cli("-q evaluate --model " + run_.string() + " --data " + data_ +
                                " --out " + out.string()),
                        "report.html");
}

TEST_F(EvaluateCli, BadInputIsOneLineErrorWithExitTwo) {
  expect_one_line_error(run_cli("-q evaluate --model " + (dir_ / "nope").string() + " --data " + data_),
                        "nope");
  const auto empty = dir_ / "empty_run";
  fs::create_directories(empty);
  expect_one_line_error(run_cli("-q evaluate --model " + empty.string() + " --data " + data_),
                        "run.json");
  expect_one_line_error(run_cli("-q evaluate --model " + run_.string() + " --out " +
                                (dir_ / "r2").string() + " --data " + (dir_ / "unlabelled.h5").string()),
                        "unlabelled.h5");
  expect_one_line_error(run_cli("-q evaluate --model " + run_.string() + " --out " +
                                (dir_ / "r3").string() + " --data " + (dir_ / "missing.h5").string()),
                        "missing.h5");
}

}  // namespace
