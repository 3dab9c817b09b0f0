// Every task head learns a separable toy problem, and its TorchScript score method computes
// exactly what Head::score does.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/heads.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"
#include "wavelearn/train/trainer.hpp"

namespace {

using wl::nn::Head;
using wl::nn::HeadSpec;

constexpr int64_t kSamples = 32;

// Toy waveforms: a step whose height tells the class; the baseline level tells the energy.
struct Toy {
  torch::Tensor x, labels, energy;
};
Toy make_toy(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  Toy t;
  t.labels = (torch::rand({n, 1}) > 0.5).to(torch::kFloat);
  t.energy = 1000.0 + 1500.0 * torch::rand({n, 1});
  auto step = (torch::arange(kSamples) >= kSamples / 2).to(torch::kFloat).unsqueeze(0);
  t.x = step * (0.3 + 0.6 * t.labels) + 0.05 * torch::randn({n, kSamples});
  t.x = t.x + (t.energy - 1750.0) / 1000.0 * (1 - step);  // energy in the baseline level
  return t;
}

HeadSpec spec(const std::string& kind, std::vector<std::string> targets) {
  HeadSpec s;
  s.kind = kind;
  s.target_names = std::move(targets);
  return s;
}

struct Case {
  HeadSpec head;
  std::function<torch::Tensor(const Toy&)> targets;
};

std::vector<Case> cases() {
  std::vector<Case> c;
  auto label = [](const Toy& t) { return t.labels; };
  c.push_back({spec("binary_sigmoid", {"label"}), label});
  c.push_back({spec("binary_logits", {"label"}), label});
  c.push_back({spec("binary_ce", {"label"}), label});
  auto mc = spec("multiclass", {"label", "psd_class"});
  mc.n_classes = 3;
  c.push_back({mc, [](const Toy& t) {
                  // three classes from the label and the energy half
                  return torch::cat({t.labels, t.labels + (t.energy > 1750).to(torch::kFloat) *
                                                               (1 - t.labels) * 2},
                                    1);
                }});
  for (const std::string loss : {"mse", "l1", "smooth_l1"}) {
    auto r = spec("regression", {"energy"});
    r.loss = loss;
    c.push_back({r, [](const Toy& t) { return t.energy; }});
  }
  auto quantile = spec("quantile", {"energy"});
  quantile.quantiles = wl::nn::kDefaultQuantiles;
  c.push_back({quantile, [](const Toy& t) { return t.energy; }});
  c.push_back({spec("gaussian", {"energy"}), [](const Toy& t) { return t.energy; }});
  auto rs = spec("regression", {"efficiency"});
  rs.activation = "sigmoid";
  rs.scale_auto = false;
  c.push_back({rs, [](const Toy& t) { return 0.2 + 0.6 * t.labels; }});
  auto mt = spec("multitask", {"label", "inverse", "energy"});
  mt.is_regression = {false, false, true};
  mt.task_weights = {1.0, 0.5, 1.0};
  c.push_back({mt, [](const Toy& t) { return torch::cat({t.labels, 1 - t.labels, t.energy}, 1); }});
  return c;
}

TEST(Heads, EveryHeadLearnsASeparableToy) {
  const auto toy = make_toy(512, 11);
  for (const auto& c : cases()) {
    Head head(c.head);
    const auto y = c.targets(toy);
    head.fit_target_scaling(y);
    wl::nn::ModelSpec ms;
    ms.hidden = {16, 8};
    torch::manual_seed(1);
    auto model = wl::nn::build_model(ms, kSamples, head.n_outputs());
    wl::nn::attach_head(model, head);
    wl::train::TrainSpec ts;
    ts.epochs = 8;
    ts.lr = 1e-2;
    wl::train::Trainer trainer(model, head, ts, /*quiet=*/true);
    wl::train::TensorSource train(toy.x, y, 32, true, true, 5);
    wl::train::TensorSource val(toy.x, y, 128, false, false, 5);
    const double before = trainer.evaluate(val).loss;
    trainer.fit(train, &val);
    const auto ev = trainer.evaluate(val);
    EXPECT_LT(ev.loss, 0.6 * before) << c.head.kind << " " << c.head.loss << " " << c.head.activation;
    const auto& h = trainer.state().history;
    ASSERT_EQ(h.size(), 8u);
    EXPECT_LT(h.back().train_loss, h.front().train_loss) << c.head.kind;
    EXPECT_EQ(ev.scores.size(1), static_cast<int64_t>(head.score_names().size()));
    if (head.metric_name() == "auc" || head.metric_name() == "mean_auc") {
      EXPECT_GT(ev.metric, 0.9) << c.head.kind;
    }
    if (head.metric_name() == "accuracy") {
      EXPECT_GT(ev.metric, 0.8);
    }
    // The exported score method equals Head::score.
    model.eval();
    torch::NoGradGuard ng;
    const auto xs = toy.x.narrow(0, 0, 10);
    const auto scripted = model.get_method("score")({xs}).toTensor();
    const auto direct = head.score(model.forward({xs}).toTensor());
    EXPECT_TRUE(torch::allclose(scripted, direct, 1e-5, 1e-4)) << c.head.kind;
  }
}

TEST(Heads, RegressionScoreIsInTargetUnits) {
  const auto toy = make_toy(64, 3);
  Head head(spec("regression", {"energy"}));
  head.fit_target_scaling(toy.energy);
  EXPECT_NEAR(head.spec().target_offset[0], toy.energy.mean().item<double>(), 1e-3);
  // A model output of 0 means the training mean, 1 one standard deviation above it.
  const auto s = head.score(torch::tensor({{0.0f}, {1.0f}}));
  EXPECT_NEAR(s[0][0].item<double>(), head.spec().target_offset[0], 1e-2);
  EXPECT_NEAR(s[1][0].item<double>() - s[0][0].item<double>(), head.spec().target_scale[0], 1e-2);
}

TEST(Heads, JsonRoundTrip) {
  auto mt = spec("multitask", {"a", "energy"});
  mt.is_regression = {false, true};
  Head head(mt);
  head.fit_target_scaling(torch::tensor({{0.0f, 100.0f}, {1.0f, 300.0f}}));
  const auto back = Head::from_json(head.to_json());
  EXPECT_EQ(back.score_source(), head.score_source());
  EXPECT_EQ(back.score_names(), head.score_names());
}

TEST(Heads, BadKindIsInputError) {
  EXPECT_THROW(Head(spec("binary", {"a"})), wl::core::InputError);
  EXPECT_THROW(Head(spec("multiclass", {"a"})), wl::core::InputError);  // no classes
  auto r = spec("regression", {"energy"});
  r.loss = "huber";
  EXPECT_THROW(Head{r}, wl::core::InputError);
}

}  // namespace
