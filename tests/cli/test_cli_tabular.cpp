// End-to-end: `wavelearn train` of tabular models, predict, evaluate and compare on a synthetic
// feature table.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

// A unique scratch directory removed at the end of the test.
struct Scratch {
  fs::path path;
  Scratch() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("wl_cli_tabular_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path operator/(const std::string& n) const { return path / n; }
};

// Synthetic feature table written with h5py (the CLI test binary links no HDF5).
std::string make_table(const Scratch& dir, int n, int seed) {
  const auto path = (dir / "features.h5").string();
  const std::string cmd = "/usr/bin/python3 " + std::string(WL_SOURCE_DIR) + "/tests/tabular/make_feature_table.py " +
                          path + " " + std::to_string(n) + " " + std::to_string(seed);
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot run " + cmd);
  return path;
}

}  // namespace

TEST(CliTabular, TrainTwoModelsAndCompare) {
  Scratch dir;
  const auto features = make_table(dir, 1200, 21);
  const std::string cfg = std::string(WL_SOURCE_DIR) + "/configs/";
  const std::string common =
      " --data " + features + " --set 'features.names=[\"informative\", \"weak\", \"noise1\"]'"
      " --set task.label=psd_label_test --set eval.bootstrap_replicas=10";
  auto r = run_cli("-q --threads 1 train --config " + cfg + "bdt.toml --out " + (dir / "bdt").string() +
                   common + " --set model.n_trees=30");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "bdt" / "shap.html"));
  // Every family goes through predict and evaluate.
  r = run_cli("-q --threads 1 predict --model " + (dir / "bdt").string() + " --data " + features + " --out " +
              (dir / "scores.h5").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("predicted 1200 events"), std::string::npos) << r.out;
  r = run_cli("-q --threads 1 evaluate --model " + (dir / "bdt").string() + " --out " + (dir / "bdt-eval").string() +
              " --bootstrap 10");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("test events"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir / "bdt-eval" / "report.html"));
  // A label the table lacks is a one-line error, before any training.
  r = run_cli("-q --threads 1 train --config " + cfg + "bdt.toml --out " + (dir / "circular").string() +
              " --data " + features + " --set 'features.names=[\"avse_raw\", \"weak\"]' --set task.label=psd_label_low_avse"
              " --set model.n_trees=10");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  r = run_cli("-q --threads 1 train --config " + cfg + "logistic.toml --out " + (dir / "lr").string() + common);
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("-q --threads 1 compare " + (dir / "bdt").string() + " " + (dir / "lr").string() + " --features " +
              features + " --label psd_label_test --bootstrap 10 --out " + (dir / "cmp").string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bdt"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("A/E"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir / "cmp" / "compare.json"));
}

TEST(CliTabular, FeatureTypoIsOneLineError) {
  Scratch dir;
  const auto features = make_table(dir, 100, 22);
  const auto r = run_cli("-q train --config " + std::string(WL_SOURCE_DIR) +
                         "/configs/logistic.toml --data " + features + " --out " + (dir / "x").string() +
                         " --set task.label=psd_label_test --set 'features.names=[\"informativ\"]'");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("informativ"), std::string::npos) << r.err;
}
