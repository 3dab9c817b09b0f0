// End to end: masked-patch pretraining on a file without labels, the refusal of predict and
// evaluate on it, fine-tuning from it (init_from recorded, resumable) and a tiny
// label-efficiency study (rows, reuse of finished runs, an incompatible encoder refused).
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

// A small transformer for every run of this file; pretraining and fine-tuning must agree.
const std::string kSmall =
    " --set model.d_model=16 --set model.heads=2 --set model.layers=1 --set model.mlp_hidden=32";
const std::string kConfigs = std::string(WL_SOURCE_DIR) + "/configs/";

nlohmann::json load(const std::string& path) { return nlohmann::json::parse(wl::test::read_all(path)); }

}  // namespace

TEST(CliPretrain, PretrainFineTuneAndLabelEfficiency) {
  wl::test::ScratchDir dir("wl_cli_pretrain");
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 600 --seed 21 --no-labels --out " + (dir / "unl.h5")).status, 0);
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 1500 --seed 22 --out " + (dir / "lab.h5")).status, 0);

  auto r = run_cli("--threads 2 train --config " + kConfigs + "pretrain-transformer.toml --data " + (dir / "unl.h5") +
                   " --out " + (dir / "pre") + kSmall + " --set train.epochs=2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("pretraining run"), std::string::npos) << r.out;
  EXPECT_EQ(load(dir / "pre/run.json")["family"], "pretrain");
  EXPECT_EQ(wl::test::count_lines(wl::test::read_all(dir / "pre/history.csv")), 3);
  EXPECT_FALSE(fs::exists(dir / "pre/predictions.h5"));

  for (const std::string cmd : {"predict", "evaluate"}) {
    r = run_cli("-q " + cmd + " --model " + (dir / "pre") + " --data " + (dir / "lab.h5") + " --out " + (dir / "x.h5"));
    EXPECT_EQ(r.status, 2) << cmd;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("pretraining run"), std::string::npos) << r.err;
  }

  const std::string study = "-q --threads 2 label-efficiency --config " + kConfigs + "transformer.toml" + kSmall +
                            " --set train.epochs=1 --set eval.bootstrap_replicas=10 --pretrained " + (dir / "pre") +
                            " --data " + (dir / "lab.h5") + " --fractions 0.5,1 --seeds 1 --out " + (dir / "study");
  r = run_cli(study);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = load(dir / "study/label_efficiency.json");
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_LT(j["rows"][0]["n_labels"].get<int>(), j["rows"][1]["n_labels"].get<int>());
  for (const auto& row : j["rows"]) {
    EXPECT_TRUE(row["auc_scratch"].is_number()) << row.dump();
    EXPECT_TRUE(row["auc_pretrained"].is_number()) << row.dump();
    EXPECT_EQ(row["auc_pretrained_per_seed"].size(), 1u);
  }
  EXPECT_EQ(j["pretrained_n_vs_scratch_2n"].size(), 1u);  // 0.5 against 1
  EXPECT_TRUE(fs::exists(dir / "study/label_efficiency.html"));
  const std::string arm = dir / "study/runs/f0.5_s0/pretrained";
  const auto rec = load(arm + "/run.json");
  ASSERT_TRUE(rec.contains("init_from")) << rec.dump();
  EXPECT_EQ(rec["init_from"]["task"], "masked_patches");
  EXPECT_EQ(rec["init_from"]["run"], fs::absolute(dir / "pre").lexically_normal().string());
  EXPECT_FALSE(load(dir / "study/runs/f0.5_s0/scratch/run.json").contains("init_from"));
  EXPECT_NE(wl::test::read_all(arm + "/MODEL_CARD.md").find("self-supervised pretraining run"), std::string::npos);

  // A rerun reuses the finished runs.
  const auto stamp = fs::last_write_time(arm + "/model.pt");
  r = run_cli(study);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(fs::last_write_time(arm + "/model.pt"), stamp);

  // A fine-tuning run resumes (its init_from is part of the configuration).
  r = run_cli("-q --threads 2 train --resume --out " + arm + " --set train.epochs=2");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(load(arm + "/metrics.json")["training"]["epochs_done"], 2);

  // Another width: one line naming the key, nothing trained.
  r = run_cli("-q label-efficiency --config " + kConfigs + "transformer.toml --pretrained " + (dir / "pre") +
              " --data " + (dir / "lab.h5") + " --fractions 0.5 --seeds 1 --out " + (dir / "study2"));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("model.d_model is 16 there, 32 here"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "study2"));
}
