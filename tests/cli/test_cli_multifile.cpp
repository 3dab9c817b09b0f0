// Datasets of several files end to end: three files that are the rows of one simulated
// file give that file's features and predictions;
// a run on a pattern records every file; files that cannot form one dataset are refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "data/copy_rows.hpp"
#include "test_paths.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/io/table.hpp"

using wl::test::copy_rows;
using wl::test::count_lines;
using wl::test::run_cli;
namespace fs = std::filesystem;

namespace {

class MultiFileCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new wl::test::ScratchDir("wl_cli_multifile");
    must("-q simulate --seed 9 --detectors 3 --events 600 --out " + (*dir_ / "whole.h5"));
    for (int k = 0; k < 3; ++k) copy_rows(*dir_ / "whole.h5", *dir_ / ("part_" + std::to_string(k) + ".h5"), 200 * k, 200);
  }
  static void TearDownTestSuite() { delete dir_; }
  static void must(const std::string& args) {
    const auto r = run_cli(args);
    ASSERT_EQ(r.status, 0) << args << "\n" << r.err;
  }
  static std::string parts() { return "'" + (*dir_ / "part_*.h5") + "'"; }
  static std::string train(const std::string& data, const std::string& out, const std::string& extra = "") {
    return "-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/seed-fcnet.toml --data " + data +
           " --out " + out + " --set train.epochs=1 --set data.energy_threshold_kev=500 " + extra;
  }
  static void expect_same_table(const std::string& a, const std::string& b, const std::vector<std::string>& columns) {
    const auto ta = wl::io::read_table_h5(a), tb = wl::io::read_table_h5(b);
    ASSERT_GT(ta.n_rows(), 0u);
    ASSERT_EQ(ta.n_rows(), tb.n_rows());
    for (const auto& c : columns) EXPECT_EQ(ta.column(c), tb.column(c)) << "column " << c;
  }

  static wl::test::ScratchDir* dir_;
};
wl::test::ScratchDir* MultiFileCli::dir_ = nullptr;

}  // namespace

TEST_F(MultiFileCli, DspAndInspectReadSeveralFilesAsTheirConcatenation) {
  must("-q dsp " + (*dir_ / "whole.h5") + " --out " + (*dir_ / "whole_feat.h5"));
  // Several paths, a pattern and a comma list all name the same three files.
  must("-q dsp " + (*dir_ / "part_0.h5") + " " + (*dir_ / "part_1.h5") + " " + (*dir_ / "part_2.h5") + " --out " +
       (*dir_ / "parts_feat.h5"));
  const auto whole = wl::io::read_table_h5(*dir_ / "whole_feat.h5");
  expect_same_table(*dir_ / "whole_feat.h5", *dir_ / "parts_feat.h5", whole.names);
  const auto r = run_cli("inspect " + parts());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("events: 600"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("files: 3,"), std::string::npos) << r.out;
  for (int k = 0; k < 3; ++k)
    EXPECT_NE(r.out.find("part_" + std::to_string(k) + ".h5  200 events"), std::string::npos) << r.out;
}

TEST_F(MultiFileCli, TrainOnAPatternRecordsEveryFileAndPredictsLikeTheConcatenation) {
  const auto run = *dir_ / "run_parts";
  const auto t = run_cli(train(parts(), run));
  ASSERT_EQ(t.status, 0) << t.err;
  std::ifstream in(fs::path(run) / "resume.json");
  const auto resume = nlohmann::json::parse(in);
  const auto fingerprint = resume.at("data_fingerprint").get<std::string>();
  EXPECT_EQ(fingerprint.rfind("3 files:", 0), 0u) << fingerprint;
  for (int k = 0; k < 3; ++k)
    EXPECT_NE(fingerprint.find("part_" + std::to_string(k) + ".h5 (size "), std::string::npos) << fingerprint;
  // The model scores the same selected events of the files and of their concatenation.
  must("-q predict --model " + run + " --data " + parts() + " --out " + (*dir_ / "pred_parts.h5"));
  must("-q predict --model " + run + " --data " + (*dir_ / "whole.h5") + " --out " + (*dir_ / "pred_whole.h5"));
  expect_same_table(*dir_ / "pred_parts.h5", *dir_ / "pred_whole.h5", {"id", "event_index", "energy_kev", "score"});
  const auto pred = wl::io::read_table_h5(*dir_ / "pred_parts.h5");
  const auto& file = pred.column("file_index");
  const auto& index = pred.column("event_index");
  for (std::size_t i = 0; i < index.size(); ++i) ASSERT_EQ(file[i], std::floor(index[i] / 200)) << "row " << i;
  EXPECT_FALSE(wl::io::read_table_h5(*dir_ / "pred_whole.h5").has("file_index"));
  // Repeated --data is the same list; evaluate on the training files rebuilds the test part.
  must("-q predict --model " + run + " --data " + (*dir_ / "part_0.h5") + " --data " + (*dir_ / "part_1.h5") +
       " --data " + (*dir_ / "part_2.h5") + " --out " + (*dir_ / "pred_repeated.h5"));
  expect_same_table(*dir_ / "pred_parts.h5", *dir_ / "pred_repeated.h5", {"id", "score"});
  const auto e = run_cli("-q evaluate --model " + run + " --out " + (*dir_ / "eval_parts"));
  ASSERT_EQ(e.status, 0) << e.err;
}

// A relative comma list is recorded entry by entry as absolute paths, so the run finds its
// files from any working directory, and a pattern naming the same files is its training data.
TEST_F(MultiFileCli, ARelativeListIsRecordedAbsoluteAndMatchesThePattern) {
  const auto run = *dir_ / "run_relative";
  const auto here = fs::current_path();
  fs::current_path(dir_->path);
  const auto t = run_cli(train("part_0.h5,part_1.h5,part_2.h5", run));
  fs::current_path(here);
  ASSERT_EQ(t.status, 0) << t.err;
  std::ifstream in(fs::path(run) / "resume.json");
  const auto recorded = nlohmann::json::parse(in).at("data_file").get<std::string>();
  std::string expected;
  for (int k = 0; k < 3; ++k) expected += (k ? "," : "") + (*dir_ / ("part_" + std::to_string(k) + ".h5"));
  EXPECT_EQ(recorded, expected);
  std::ifstream rin(fs::path(run) / "run.json");
  EXPECT_EQ(nlohmann::json::parse(rin).at("training_file").get<std::string>(), recorded);
  must("-q evaluate --model " + run + " --out " + (*dir_ / "eval_relative"));
  must("-q evaluate --model " + run + " --data " + parts() + " --out " + (*dir_ / "eval_pattern"));
  // Both evaluate the held-out test part, not every event of the files.
  const auto a = wl::io::read_table_h5(*dir_ / "eval_relative/predictions.h5");
  const auto b = wl::io::read_table_h5(*dir_ / "eval_pattern/predictions.h5");
  EXPECT_EQ(a.column("id"), b.column("id"));
  EXPECT_LT(a.n_rows(), 300u);
}

TEST_F(MultiFileCli, SplitByFileTrainsAndEvaluatesOnWholeFiles) {
  const auto run = *dir_ / "run_by_file";
  const auto t = run_cli(train(parts(), run, "--set data.group_by=\\\"file\\\""));
  ASSERT_EQ(t.status, 0) << t.err;
  std::ifstream in(fs::path(run) / "run.json");
  const auto record = nlohmann::json::parse(in);
  EXPECT_EQ(record.at("split").at("group_by"), "file");
  const auto e = run_cli("-q evaluate --model " + run + " --out " + (*dir_ / "eval_by_file"));
  ASSERT_EQ(e.status, 0) << e.err;
  // The test part is one whole file: 200 simulated events before the energy selection.
  const auto pred = wl::io::read_table_h5(*dir_ / "eval_by_file/predictions.h5");
  const auto& index = pred.column("event_index");
  ASSERT_FALSE(index.empty());
  const double file = std::floor(index.front() / 200);
  for (double i : index) ASSERT_EQ(std::floor(i / 200), file);
}

TEST_F(MultiFileCli, FilesOfAnotherSamplingPeriodOrNoMatchAreOneLineErrors) {
  must("-q simulate --seed 9 --detectors 3 --events 50 --no-labels --set sampling.period_ns=16 "
       "--set sampling.samples=1400 --out " + (*dir_ / "slow.h5"));
  const auto mixed = run_cli(train((*dir_ / "part_0.h5") + "," + (*dir_ / "slow.h5"), *dir_ / "run_mixed"));
  EXPECT_EQ(mixed.status, 2) << mixed.err;
  EXPECT_EQ(count_lines(mixed.err), 1) << mixed.err;
  EXPECT_NE(mixed.err.find("differ in sampling period"), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("part_0.h5"), std::string::npos) << mixed.err;
  EXPECT_NE(mixed.err.find("slow.h5"), std::string::npos) << mixed.err;
  EXPECT_FALSE(fs::exists(*dir_ / "run_mixed"));
  const auto none = run_cli("-q dsp '" + (*dir_ / "nothing_*.h5") + "' --out " + (*dir_ / "none.h5"));
  EXPECT_EQ(none.status, 2) << none.err;
  EXPECT_EQ(count_lines(none.err), 1) << none.err;
  EXPECT_NE(none.err.find("nothing_*.h5' matches no file"), std::string::npos) << none.err;
}
