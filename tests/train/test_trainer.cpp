// Trainer: resume == uninterrupted, NaN detection, interrupts, schedules, early stopping,
// every optimizer.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"
#include "wavelearn/train/interrupt.hpp"
#include "wavelearn/train/trainer.hpp"

namespace fs = std::filesystem;

namespace {

constexpr int64_t kSamples = 24;

struct Data {
  torch::Tensor x, y;
};
Data toy(int64_t n) {
  torch::manual_seed(21);
  Data d;
  d.y = (torch::rand({n, 1}) > 0.5).to(torch::kFloat);
  d.x = torch::randn({n, kSamples}) * 0.5 + d.y;
  return d;
}

wl::nn::Head binary_head() {
  wl::nn::HeadSpec s;
  s.kind = "binary_logits";
  s.target_names = {"label"};
  return wl::nn::Head(s);
}

wl::train::Trainer make_trainer(wl::train::TrainSpec ts, double dropout = 0.2,
                                uint64_t init_seed = 1) {
  wl::nn::ModelSpec ms;
  ms.hidden = {16, 8};
  ms.dropout = dropout;
  torch::manual_seed(init_seed);
  auto model = wl::nn::build_model(ms, kSamples, 1);
  auto head = binary_head();
  wl::nn::attach_head(model, head);
  return wl::train::Trainer(model, head, ts, true);
}

fs::path temp_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("wl_train_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

TEST(Trainer, ResumeGivesTheSameWeightsAsAnUninterruptedRun) {
  const auto d = toy(256);
  for (const std::string opt : {"adam", "sgd"}) {
    wl::train::TrainSpec ts;
    ts.epochs = 4;
    ts.optimizer = opt;
    ts.momentum = 0.9;
    ts.schedule = "plateau";
    ts.plateau_patience = 1;
    wl::train::TensorSource train(d.x, d.y, 32, true, true, 7), val(d.x, d.y, 64, false, false, 7);

    auto full = make_trainer(ts);
    full.fit(train, &val);

    const auto ckpt = temp_dir("resume") / "checkpoint.pt";
    auto first = make_trainer(ts);
    first.mutable_spec().epochs = 2;
    first.fit(train, &val, [&](const wl::train::Trainer& t) { t.save_checkpoint(ckpt); });

    auto resumed = make_trainer(ts, 0.2, /*init_seed=*/999);  // different start, overwritten
    resumed.load_checkpoint(ckpt);
    EXPECT_EQ(resumed.state().epochs_done, 2);
    resumed.fit(train, &val);

    const auto a = wl::nn::parameter_list(full.model()), b = wl::nn::parameter_list(resumed.model());
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << opt << " " << i;
    ASSERT_EQ(resumed.state().history.size(), 4u);
    for (std::size_t e = 0; e < 4; ++e)
      EXPECT_EQ(resumed.state().history[e].train_loss, full.state().history[e].train_loss);
    EXPECT_DOUBLE_EQ(resumed.current_lr(), full.current_lr());
    fs::remove_all(ckpt.parent_path());
  }
}

// Warm-up: Adam's first step moves each weight by about lr, so with train.warmup_steps = 8
// the first step is 1/8 of the unwarmed one; a run resumed inside the warm-up continues it.
TEST(Trainer, WarmupScalesTheFirstStepsAndResumesInsideIt) {
  const auto d = toy(32);
  const auto first_step = [&](int64_t warmup) {
    wl::train::TrainSpec ts;
    ts.epochs = 1;
    ts.warmup_steps = warmup;
    wl::train::TensorSource one_batch(d.x, d.y, 32, false, true, 7);
    auto t = make_trainer(ts, 0.0);
    const auto before = wl::nn::parameter_list(t.model());
    std::vector<torch::Tensor> start;
    for (const auto& p : before) start.push_back(p.detach().clone());
    t.fit(one_batch, nullptr);
    const auto after = wl::nn::parameter_list(t.model());
    double largest = 0;
    for (std::size_t i = 0; i < after.size(); ++i)
      largest = std::max(largest, (after[i] - start[i]).abs().max().item<double>());
    return largest;
  };
  EXPECT_NEAR(first_step(8) / first_step(0), 1.0 / 8.0, 1e-3);

  const auto big = toy(256);
  wl::train::TrainSpec ts;
  ts.epochs = 4;
  ts.warmup_steps = 12;  // 8 steps per epoch: the resume at epoch 2 is inside the warm-up
  wl::train::TensorSource train(big.x, big.y, 32, true, true, 7);
  auto full = make_trainer(ts);
  full.fit(train, nullptr);
  const auto ckpt = temp_dir("warmup") / "checkpoint.pt";
  auto part = make_trainer(ts);
  part.mutable_spec().epochs = 1;
  part.fit(train, nullptr, [&](const wl::train::Trainer& t) { t.save_checkpoint(ckpt); });
  auto resumed = make_trainer(ts, 0.2, 999);
  resumed.load_checkpoint(ckpt);
  resumed.fit(train, nullptr);
  const auto a = wl::nn::parameter_list(full.model()), b = wl::nn::parameter_list(resumed.model());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << i;
  fs::remove_all(ckpt.parent_path());
}

TEST(Trainer, NanLossNamesEpochAndBatch) {
  auto d = toy(64);
  d.x[40][3] = std::nanf("");  // in the second batch of the unshuffled order
  wl::train::TrainSpec ts;
  ts.epochs = 1;
  auto t = make_trainer(ts, 0.0);
  wl::train::TensorSource train(d.x, d.y, 32, false, true, 1);
  try {
    t.fit(train, nullptr);
    FAIL() << "no error";
  } catch (const wl::core::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("epoch 1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("batch 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("nan"), std::string::npos) << msg;
  }
}

TEST(Trainer, InterruptStopsWithInterrupted) {
  const auto d = toy(64);
  wl::train::TrainSpec ts;
  ts.epochs = 3;
  auto t = make_trainer(ts);
  wl::train::TensorSource train(d.x, d.y, 16, true, true, 1);
  int epochs_seen = 0;
  EXPECT_THROW(t.fit(train, nullptr,
                     [&](const wl::train::Trainer&) {
                       if (++epochs_seen == 1) wl::train::request_interrupt();
                     }),
               wl::core::Interrupted);
  wl::train::clear_interrupt();
  EXPECT_EQ(t.state().epochs_done, 1);
}

TEST(Trainer, SchedulesFollowTheirFormulas) {
  wl::train::TrainSpec s;
  s.lr = 0.1;
  s.epochs = 10;
  s.schedule = "step";
  s.step_epochs = 3;
  s.gamma = 0.5;
  wl::train::LrSchedule step(s);
  EXPECT_DOUBLE_EQ(step.lr_for_epoch(2), 0.1);
  EXPECT_DOUBLE_EQ(step.lr_for_epoch(3), 0.05);
  EXPECT_DOUBLE_EQ(step.lr_for_epoch(7), 0.025);
  s.schedule = "cosine";
  s.min_lr = 0.0;
  wl::train::LrSchedule cosine(s);
  EXPECT_DOUBLE_EQ(cosine.lr_for_epoch(0), 0.1);
  EXPECT_NEAR(cosine.lr_for_epoch(5), 0.05, 1e-12);
  s.schedule = "plateau";
  s.plateau_patience = 2;
  s.plateau_factor = 0.5;
  wl::train::LrSchedule plateau(s);
  plateau.step(1.0);
  plateau.step(1.0);
  EXPECT_DOUBLE_EQ(plateau.lr_for_epoch(2), 0.1);
  plateau.step(1.1);
  EXPECT_DOUBLE_EQ(plateau.lr_for_epoch(3), 0.05);
}

TEST(Trainer, EarlyStoppingKeepsTheBestEpoch) {
  const auto d = toy(128);
  // Validation on labels that are the opposite of training: validation loss rises.
  wl::train::TrainSpec ts;
  ts.epochs = 20;
  ts.lr = 1e-2;
  ts.early_stopping_patience = 2;
  auto t = make_trainer(ts, 0.0);
  wl::train::TensorSource train(d.x, d.y, 32, true, true, 1), val(d.x, 1 - d.y, 64, false, false, 1);
  t.fit(train, &val);
  EXPECT_TRUE(t.state().stopped_early);
  EXPECT_LT(t.state().epochs_done, 20);
  EXPECT_EQ(t.state().epochs_done, t.state().best_epoch + 2);
  t.restore_best();
  EXPECT_NEAR(t.evaluate(val).loss, t.state().best_val_loss, 1e-5);
}

TEST(Trainer, EveryOptimizerLowersTheLoss) {
  const auto d = toy(256);
  for (const std::string opt : {"adam", "adamw", "sgd", "rmsprop", "adagrad"}) {
    wl::train::TrainSpec ts;
    ts.epochs = 3;
    ts.optimizer = opt;
    ts.lr = opt == "sgd" ? 0.05 : 3e-3;
    ts.momentum = 0.9;
    ts.weight_decay = 1e-4;
    ts.l1 = 1e-5;
    ts.clip_grad_norm = 1.0;
    auto t = make_trainer(ts, 0.0);
    wl::train::TensorSource train(d.x, d.y, 32, true, true, 1), val(d.x, d.y, 64, false, false, 1);
    const double before = t.evaluate(val).loss;
    t.fit(train, &val);
    EXPECT_LT(t.state().history.back().val_loss, before) << opt;
  }
}

TEST(Trainer, HistoryCsvHasOneRowPerEpoch) {
  const auto d = toy(64);
  wl::train::TrainSpec ts;
  ts.epochs = 2;
  auto t = make_trainer(ts);
  wl::train::TensorSource train(d.x, d.y, 16, true, true, 1), val(d.x, d.y, 64, false, false, 1);
  t.fit(train, &val);
  const auto csv = wl::train::history_csv(t.state(), "auc");
  EXPECT_EQ(csv.rfind("epoch,train_loss,val_loss,val_auc,lr,seconds\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
}

TEST(Trainer, TooFewEventsForABatchIsAnInputError) {
  const auto d = toy(10);
  wl::train::TrainSpec ts;
  ts.epochs = 1;
  auto t = make_trainer(ts);
  wl::train::TensorSource train(d.x, d.y, 32, true, true, 1);
  EXPECT_THROW(t.fit(train, nullptr), wl::core::InputError);
}

TEST(Trainer, CorruptCheckpointIsAnInputError) {
  const auto dir = temp_dir("corrupt");
  const auto p = dir / "checkpoint.pt";
  { std::ofstream(p) << "not a checkpoint"; }
  wl::train::TrainSpec ts;
  auto t = make_trainer(ts);
  EXPECT_THROW(t.load_checkpoint(p), wl::core::InputError);
  EXPECT_THROW(t.load_checkpoint(dir / "missing.pt"), wl::core::InputError);
  fs::remove_all(dir);
}

}  // namespace
