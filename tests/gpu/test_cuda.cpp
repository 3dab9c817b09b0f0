// The CUDA cases (skipped with a message on machines without CUDA): training on the GPU
// matches the CPU, checkpoints of a GPU run resume on the CPU, mixed precision learns, and
// scoring on the GPU gives the CPU's scores.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>

#include "gpu_fixtures.hpp"
#include "test_paths.hpp"
#include "wavelearn/run/scorer.hpp"

namespace fs = std::filesystem;

namespace {

double max_abs_diff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double m = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, (a[i] - b[i]).abs().max().item<double>());
  return m;
}

// float32 matrix products on the GPU sum in another order (and libtorch does not use TF32
// for them by default): a few epochs stay within 1e-3 of the CPU.
TEST(Cuda, FcnetTrainingMatchesTheCpu) {
  WL_REQUIRE_CUDA();
  const auto d = wl::test::toy_data(512);
  wl::train::TensorSource train(d.x, d.y, 64, true, true, 7), val(d.x, d.y, 128, false, false, 7);
  auto cpu = wl::test::toy_trainer("cpu");
  cpu.fit(train, &val);
  auto gpu = wl::test::toy_trainer("cuda");
  EXPECT_TRUE(gpu.device().is_cuda());
  gpu.fit(train, &val);
  const auto &hc = cpu.state().history, &hg = gpu.state().history;
  ASSERT_EQ(hc.size(), hg.size());
  for (std::size_t e = 0; e < hc.size(); ++e) {
    EXPECT_NEAR(hg[e].train_loss, hc[e].train_loss, 1e-3 * std::abs(hc[e].train_loss) + 1e-5) << "epoch " << e + 1;
    EXPECT_NEAR(hg[e].val_loss, hc[e].val_loss, 1e-3 * std::abs(hc[e].val_loss) + 1e-5) << "epoch " << e + 1;
  }
  EXPECT_LT(max_abs_diff(wl::test::host_state(cpu), wl::test::host_state(gpu)), 1e-3);
}

// checkpoint.pt of a GPU run holds CPU tensors; a CPU trainer resumes it and continues as the
// GPU run would have.
TEST(Cuda, CheckpointOfAGpuRunResumesOnTheCpu) {
  WL_REQUIRE_CUDA();
  const auto d = wl::test::toy_data(512);
  wl::train::TensorSource train(d.x, d.y, 64, true, true, 7), val(d.x, d.y, 128, false, false, 7);
  const auto ckpt = wl::test::scratch_dir("resume") / "checkpoint.pt";
  auto gpu = wl::test::toy_trainer("cuda");
  gpu.mutable_spec().epochs = 2;
  gpu.fit(train, &val, [&](const wl::train::Trainer& t) { t.save_checkpoint(ckpt); });

  torch::serialize::InputArchive ar, model_ar;
  ar.load_from(ckpt.string());  // no map_location: the devices as saved
  ar.read("model", model_ar);
  torch::Tensor first;
  model_ar.read("0", first);
  EXPECT_TRUE(first.device().is_cpu());

  auto cpu = wl::test::toy_trainer("cpu");
  cpu.load_checkpoint(ckpt);
  EXPECT_EQ(cpu.state().epochs_done, 2);
  EXPECT_LT(max_abs_diff(wl::test::host_state(cpu), wl::test::host_state(gpu)), 1e-7);
  cpu.fit(train, &val);  // to epoch 4 on the CPU
  gpu.mutable_spec().epochs = 4;
  gpu.fit(train, &val);
  EXPECT_LT(max_abs_diff(wl::test::host_state(cpu), wl::test::host_state(gpu)), 1e-3);

  auto back = wl::test::toy_trainer("cuda");  // and a CPU checkpoint resumes on the GPU
  back.load_checkpoint(ckpt);
  back.fit(train, &val);
  EXPECT_TRUE(std::isfinite(back.state().history.back().val_loss));
}

TEST(Cuda, MixedPrecisionLearns) {
  WL_REQUIRE_CUDA();
  const auto d = wl::test::toy_data(1024);
  wl::train::TensorSource train(d.x, d.y, 64, true, true, 7), val(d.x, d.y, 256, false, false, 7);
  for (const std::string mode : {"fp16", "bf16"}) {
    auto t = wl::test::toy_trainer("cuda", mode);
    const auto ckpt = wl::test::scratch_dir("amp_" + mode) / "checkpoint.pt";
    t.fit(train, &val, [&](const wl::train::Trainer& tr) { tr.save_checkpoint(ckpt); });
    const auto& h = t.state().history;
    ASSERT_EQ(h.size(), 4U) << mode;
    EXPECT_LT(h.back().train_loss, 0.8 * h.front().train_loss) << mode;
    EXPECT_GT(h.back().val_metric, 0.9) << mode;  // AUC on a separable problem
    torch::serialize::InputArchive ar;
    ar.load_from(ckpt.string());
    torch::Tensor scale;
    EXPECT_EQ(ar.try_read("grad_scaler", scale), mode == "fp16") << mode;  // the loss scale resumes
    auto resumed = wl::test::toy_trainer("cuda", mode);
    resumed.load_checkpoint(ckpt);
    EXPECT_EQ(resumed.state().epochs_done, 4) << mode;
  }
}

int run(const std::string& args) {
  return std::system((std::string(WL_CLI_PATH) + " -q --threads 4 " + args + " >/dev/null 2>&1").c_str());
}

// A run trained with the CLI on the GPU, scored by its Scorer on the CPU and on the GPU.
TEST(Cuda, ScoringOnTheGpuEqualsTheCpu) {
  WL_REQUIRE_CUDA();
  const auto dir = wl::test::scratch_dir("score");
  const auto data = (dir / "events.h5").string(), out = (dir / "run").string();
  ASSERT_EQ(run("simulate --events 1500 --seed 11 --out " + data + " --force"), 0);
  ASSERT_EQ(run("train --config " WL_SOURCE_DIR "/configs/seed-fcnet.toml --data " + data + " --out " + out +
                " --force --device cuda --set train.epochs=2"),
            0);
  wl::run::ScorerOptions o;
  o.batch_size = 128;
  const auto on_cpu = wl::run::load_scorer(out, o);
  o.device = "cuda";
  const auto on_gpu = wl::run::load_scorer(out, o);
  wl::run::OpenOptions every;
  every.all_events = true;  // not only the training selection: more events to compare
  auto source = on_cpu->open(data, every);
  std::vector<std::size_t> rows(source->events().size());
  std::iota(rows.begin(), rows.end(), 0);
  ASSERT_GT(rows.size(), 1000U);
  const auto a = on_cpu->score(*source, rows), b = on_gpu->score(*source, rows);
  ASSERT_EQ(a.size(), b.size());
  double m = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  EXPECT_LT(m, 1e-4);
  fs::remove_all(dir);
}

}  // namespace
