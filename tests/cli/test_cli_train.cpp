// `wavelearn train` / `predict` end to end on a small file with a real pulse-shape signal
// (tests/interop/make_toy_mjd.py): the lectures' pipeline learns it, the run directory is
// complete, unknown keys and existing outputs are refused, --resume continues.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "test_paths.hpp"

using wl::test::run_cli;
namespace fs = std::filesystem;

namespace {

class TrainCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("wl_cli_train_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    data_ = (dir_ / "toy.h5").string();
    const std::string cmd = "/usr/bin/python3 " + std::string(WL_SOURCE_DIR) +
                            "/tests/interop/make_toy_mjd.py " + data_ + " --events 1500 --seed 4";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string preset(const std::string& name) {
    return std::string(WL_SOURCE_DIR) + "/configs/" + name + ".toml";
  }
  static std::string train(const std::string& preset_name, const std::string& out,
                           const std::string& extra = "") {
    return "-q --threads 2 train --config " + preset(preset_name) + " --data " + data_ +
           " --out " + out + " --set data.energy_threshold_kev=500 " + extra;
  }
  static void expect_one_line_error(const wl::test::CliResult& r, const std::string& needle) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  }
  static inline fs::path dir_;
  static inline std::string data_;
};

TEST_F(TrainCli, SeedFcnetLearnsThePulseShapeAndWritesTheRunDirectory) {
  const auto run = (dir_ / "seed").string();
  const auto r = run_cli(train("seed-fcnet", run, "--set train.epochs=4"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("auc"), std::string::npos) << r.out;
  for (const char* f : {"config.toml", "model.pt", "preprocess.json", "checkpoint.pt", "run.json",
                        "history.csv", "metrics.json", "predictions.h5", "report.html", "MODEL_CARD.md"})
    EXPECT_TRUE(fs::exists(fs::path(run) / f)) << f;
  const auto m = nlohmann::json::parse(wl::test::read_all(fs::path(run) / "metrics.json"));
  EXPECT_GT(m.at("training").at("val_auc").get<double>(), 0.8) << m.dump();
  EXPECT_EQ(m.at("training").at("epochs_done").get<int>(), 4);
  // The held-out test events, scored once more, give the contract's AUC with its interval.
  EXPECT_GT(m.at("test").at("auc").get<double>(), 0.8) << m.dump();
  EXPECT_LE(m.at("test").at("auc_ci95")[0].get<double>(), m.at("test").at("auc").get<double>());
  const auto hist = wl::test::read_all(fs::path(run) / "history.csv");
  EXPECT_EQ(wl::test::count_lines(hist), 5) << hist;
  // The resolved config records the override and the defaults that were used.
  const auto toml = wl::test::read_all(fs::path(run) / "config.toml");
  EXPECT_NE(toml.find("epochs = 4"), std::string::npos) << toml;

  // An existing run directory is refused; --resume continues to more epochs.
  expect_one_line_error(run_cli(train("seed-fcnet", run)), "exists");
  const auto resumed = run_cli("-q --threads 2 train --out " + run + " --resume --set train.epochs=5");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(wl::test::count_lines(wl::test::read_all(fs::path(run) / "history.csv")), 6);
  // The README's form: the preset again, no --data: the run's own file.
  const auto again = run_cli("-q --threads 2 train --config " + preset("seed-fcnet") + " --out " + run +
                             " --resume --set data.energy_threshold_kev=500 --set train.epochs=6");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(wl::test::count_lines(wl::test::read_all(fs::path(run) / "history.csv")), 7);

  // predict on the run directory: one row per selected event, refuses to overwrite.
  const auto pred = (dir_ / "pred.h5").string();
  const auto p = run_cli("-q predict --model " + run + " --data " + data_ + " --out " + pred);
  ASSERT_EQ(p.status, 0) << p.err;
  EXPECT_TRUE(fs::exists(pred));
  EXPECT_NE(p.out.find("score"), std::string::npos) << p.out;
  expect_one_line_error(run_cli("-q predict --model " + run + " --data " + data_ + " --out " + pred),
                        pred);
  EXPECT_EQ(run_cli("-q predict --model " + run + "/model.pt --data " + data_ + " --out " + pred +
                    " --force").status,
            0);
}

TEST_F(TrainCli, UnknownConfigKeyIsAnError) {
  const auto r = run_cli(train("seed-fcnet", (dir_ / "typo").string(), "--set train.epocs=3"));
  expect_one_line_error(r, "train.epocs");
  EXPECT_FALSE(fs::exists(dir_ / "typo" / "model.pt"));
}

TEST_F(TrainCli, EveryPresetTrainsAnEpoch) {
  for (const std::string name : {"cnn", "lstm", "transformer", "energy-regression", "multitask",
                                 "multiclass"}) {
    const auto run = (dir_ / ("preset_" + name)).string();
    const auto r = run_cli(train(name, run, "--set train.epochs=1 --set data.max_events=300"));
    EXPECT_EQ(r.status, 0) << name << ": " << r.err;
    EXPECT_TRUE(fs::exists(fs::path(run) / "model.pt")) << name;
  }
}

TEST_F(TrainCli, EnergyRegressionOnMinMaxIsRefused) {
  const auto r = run_cli(train("energy-regression", (dir_ / "trap").string(),
                               "--set preprocess.normalization=minmax"));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
}

TEST_F(TrainCli, PredictWithAMissingModelIsAnError) {
  expect_one_line_error(run_cli("-q predict --model " + (dir_ / "nope.pt").string() + " --data " +
                                data_ + " --out " + (dir_ / "x.h5").string()),
                        "nope.pt");
}

}  // namespace

// history.csv without its last column (wall-clock seconds per epoch).
std::string without_seconds(const std::string& csv) {
  std::string out, line;
  std::istringstream in(csv);
  while (std::getline(in, line)) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

// A resume continues the same run: killed before its first checkpoint it restarts from epoch
// 0 and gives the uninterrupted history; a changed key or data file is refused unless
// --resume-with-changes, which records the change in the run and on its page.
TEST_F(TrainCli, ResumeContinuesTheSameRunOrRecordsTheChange) {
  const auto data = (dir_ / "resume_copy.h5").string();
  fs::copy_file(data_, data, fs::copy_options::overwrite_existing);
  const auto a = (dir_ / "resume_a").string(), b = (dir_ / "resume_b").string();
  const std::string common = "-q --threads 2 train --config " + preset("seed-fcnet") +
                             " --set data.energy_threshold_kev=500 --set train.epochs=2 ";
  ASSERT_EQ(run_cli(common + "--data " + data + " --out " + a).status, 0);
  const auto history = without_seconds(wl::test::read_all(fs::path(a) / "history.csv"));

  // What a kill -9 before the first checkpoint leaves: the set-up files only.
  fs::create_directories(b);
  for (const char* f : {"config.toml", "preprocess.json", "resume.json"}) fs::copy_file(fs::path(a) / f, fs::path(b) / f);
  const auto restarted = run_cli("-q --threads 2 train --out " + b + " --resume");
  ASSERT_EQ(restarted.status, 0) << restarted.err;
  EXPECT_EQ(without_seconds(wl::test::read_all(fs::path(b) / "history.csv")), history);

  expect_one_line_error(run_cli("-q --threads 2 train --out " + a + " --resume --set train.lr=0.01 --set train.epochs=3"),
                        "train.lr 0.001 -> 0.01");
  EXPECT_EQ(without_seconds(wl::test::read_all(fs::path(a) / "history.csv")), history);
  const auto changed =
      run_cli("-q --threads 2 train --out " + a + " --resume-with-changes --set train.lr=0.01 --set train.epochs=3");
  ASSERT_EQ(changed.status, 0) << changed.err;
  const auto m = nlohmann::json::parse(wl::test::read_all(fs::path(a) / "metrics.json"));
  const auto& c = m.at("training").at("resumed_with_changes");
  ASSERT_EQ(c.size(), 1u) << c.dump();
  EXPECT_EQ(c[0].at("key"), "train.lr");
  EXPECT_EQ(c[0].at("after_epoch"), 2);
  // The resumed run's training time counts its first two epochs too (history.csv).
  double history_seconds = 0;
  std::istringstream rows(wl::test::read_all(fs::path(a) / "history.csv"));
  std::string row;
  std::getline(rows, row);  // header
  while (std::getline(rows, row)) history_seconds += std::stod(row.substr(row.rfind(',') + 1));
  const double train_seconds = m.at("training").at("train_seconds").get<double>();
  EXPECT_GE(train_seconds, 0.999 * history_seconds);
  EXPECT_LE(train_seconds, history_seconds + 5.0);
  EXPECT_NE(wl::test::read_all(fs::path(a) / "report.html").find("Resumed with a change"), std::string::npos);

  // The same path with other contents is another data file.
  std::ofstream(data, std::ios::app) << "appended";
  expect_one_line_error(run_cli("-q --threads 2 train --out " + a + " --resume --set train.epochs=4"),
                        "data file content");
  // Its held-out events, rebuilt from ids, are no longer known to be held out.
  expect_one_line_error(run_cli("-q evaluate --model " + a + " --out " + (dir_ / "eval_changed").string()),
                        "changed since");
}
