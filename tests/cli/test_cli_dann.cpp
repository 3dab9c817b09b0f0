// End to end: domain-adversarial training on a small source file plus an unlabelled target
// file (data.target_file); a run resumes with more epochs (the domain classifier and its
// optimizer state are in the checkpoint, or the tensor count would not match), and the
// exported model is a plain classifier that predict scores.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"
#include "wavelearn/io/table.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

// A two-block CNN with small batches, so an epoch of ~500 events is a few steps.
const std::string kSmall = " --set 'model.channels=[4, 8]' --set 'model.kernels=[9, 7]' --set 'model.strides=[1, 1]'"
                           " --set 'model.paddings=[-1, -1]' --set model.fc_hidden=8 --set data.batch_size=32";

std::vector<double> scores(const std::string& file) { return wl::io::read_table_h5(file, {"score"}).column("score"); }

}  // namespace

TEST(CliDann, TrainsResumesExactlyAndPredicts) {
  wl::test::ScratchDir dir("wl_cli_dann");
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 1200 --seed 31 --out " + (dir / "src.h5")).status, 0);
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 1200 --seed 32 --response data-like --no-labels --out " +
                    (dir / "tgt.h5")).status, 0);
  const std::string train = "-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/dann.toml" +
                            kSmall + " --data " + (dir / "src.h5") + " --set data.target_file=" + (dir / "tgt.h5");

  auto r = run_cli(train + " --out " + (dir / "full") + " --set train.epochs=2");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli(train + " --out " + (dir / "half") + " --set train.epochs=1");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("-q --threads 2 train --resume --out " + (dir / "half") + " --set train.epochs=2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(wl::test::count_lines(wl::test::read_all(dir / "half/history.csv")), 3);

  for (const std::string run : {"full", "half"}) {
    r = run_cli("-q --threads 2 predict --model " + (dir / run) + " --data " + (dir / "tgt.h5") + " --out " +
                (dir / (run + ".h5")));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const auto a = scores(dir / "full.h5"), b = scores(dir / "half.h5");
  ASSERT_GT(a.size(), 100u);
  EXPECT_EQ(a.size(), b.size());
  // Not bit-equal: a run planned for 1 epoch ran its reversal strength and cosine rate on
  // another schedule than one planned for 2 (as any resumed run given more epochs).
  for (const double v : b) ASSERT_TRUE(v >= 0.0 && v <= 1.0) << v;

  // A target file with the adversary off is refused (the key would do nothing), in one line.
  r = run_cli(train + " --out " + (dir / "plain") + " --set train.epochs=2 --set train.domain_adversarial=false");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir / "plain/model.pt"));
  EXPECT_NE(r.err.find("data.target_file"), std::string::npos) << r.err;
}
