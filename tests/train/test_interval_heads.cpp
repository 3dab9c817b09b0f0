// The quantile and gaussian heads: their losses on hand-computed examples, the direction their
// gradients push, scores in target units (quantiles sorted), the exported score method, and
// the refusal of bad quantile levels.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/heads.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"

namespace {

using wl::nn::Head;
using wl::nn::HeadSpec;

HeadSpec interval_spec(const std::string& kind, std::vector<double> levels = wl::nn::kDefaultQuantiles) {
  HeadSpec s;
  s.kind = kind;
  s.target_names = {"energy"};
  if (kind == "quantile") s.quantiles = std::move(levels);
  return s;
}

TEST(IntervalHeads, PinballLossMatchesAHandComputation) {
  // Event 1, truth 2.5 above q10 = 1 and q50 = 2, below q90 = 3: residuals 1.5, 0.5, -0.5
  // cost 0.1 * 1.5, 0.5 * 0.5, (0.9 - 1) * -0.5 = 0.15, 0.25, 0.05.
  // Event 2, truth 0 below all: residuals -1, -2, -3 cost 0.9, 1.0, 0.3.
  const auto q = torch::tensor({{1.0, 2.0, 3.0}, {1.0, 2.0, 3.0}}, torch::kDouble);
  const auto t = torch::tensor({{2.5}, {0.0}}, torch::kDouble);
  const double loss = wl::nn::pinball_loss(q, t, {0.1, 0.5, 0.9}).item<double>();
  EXPECT_NEAR(loss, (0.15 + 0.25 + 0.05 + 0.9 + 1.0 + 0.3) / 6.0, 1e-12);
}

TEST(IntervalHeads, PinballGradientMovesEachQuantileTowardsItsLevel) {
  // A quantile below the truth is pushed up with weight tau, one above it down with 1 - tau:
  // at balance a fraction tau of the events lies below the quantile.
  auto q = torch::tensor({{0.0, 0.0}, {5.0, 5.0}}, torch::kDouble).requires_grad_(true);
  const auto t = torch::tensor({{1.0}, {1.0}}, torch::kDouble);
  wl::nn::pinball_loss(q, t, {0.2, 0.9}).backward();
  const auto g = q.grad();
  // d/dq of the mean over 4 terms: -tau / 4 below the truth, (1 - tau) / 4 above it.
  EXPECT_NEAR(g[0][0].item<double>(), -0.2 / 4, 1e-12);
  EXPECT_NEAR(g[0][1].item<double>(), -0.9 / 4, 1e-12);
  EXPECT_NEAR(g[1][0].item<double>(), 0.8 / 4, 1e-12);
  EXPECT_NEAR(g[1][1].item<double>(), 0.1 / 4, 1e-12);
}

TEST(IntervalHeads, GaussianNllMatchesAHandComputation) {
  // 0.5 * (log 4 + (3 - 1)^2 / 4) = 0.5 * (1.386294 + 1) and 0.5 * (0 + 0) for a perfect
  // unit-variance guess.
  const auto mean = torch::tensor({{1.0}, {0.0}}, torch::kDouble);
  const auto log_var = torch::tensor({{std::log(4.0)}, {0.0}}, torch::kDouble);
  const auto t = torch::tensor({{3.0}, {0.0}}, torch::kDouble);
  EXPECT_NEAR(wl::nn::gaussian_nll(mean, log_var, t).item<double>(), 0.5 * 0.5 * (std::log(4.0) + 1.0), 1e-12);
}

TEST(IntervalHeads, GaussianNllClampsTheValueNotTheGradient) {
  auto log_var = torch::tensor({{-50.0}}, torch::kDouble).requires_grad_(true);
  const auto mean = torch::zeros({1, 1}, torch::kDouble), t = torch::ones({1, 1}, torch::kDouble);
  const auto loss = wl::nn::gaussian_nll(mean, log_var, t);
  EXPECT_NEAR(loss.item<double>(), 0.5 * (wl::nn::kMinLogVariance + std::exp(-wl::nn::kMinLogVariance)), 1e-3);
  loss.backward();
  // Far too confident: the gradient says raise the variance, though the value was clamped.
  EXPECT_LT(log_var.grad().item<double>(), 0.0);
}

TEST(IntervalHeads, ScoresAreInTargetUnitsSortedAndNamed) {
  Head q(interval_spec("quantile"));
  q.fit_target_scaling(torch::tensor({{1000.0f}, {2000.0f}, {3000.0f}}));
  const double off = q.spec().target_offset[0], scale = q.spec().target_scale[0];
  EXPECT_EQ(q.n_outputs(), 3);
  EXPECT_EQ(q.score_names(), (std::vector<std::string>{"pred_energy_q16", "pred_energy_q50", "pred_energy_q84"}));
  EXPECT_EQ(q.metric_name(), "rmse");
  EXPECT_FALSE(q.metric_higher_is_better());
  // Crossed outputs come back sorted: q16 <= q50 <= q84 on every event.
  const auto s = q.score(torch::tensor({{0.5f, -1.0f, 0.0f}}));
  EXPECT_NEAR(s[0][0].item<double>(), off - scale, 1e-3);
  EXPECT_NEAR(s[0][1].item<double>(), off, 1e-3);
  EXPECT_NEAR(s[0][2].item<double>(), off + 0.5 * scale, 1e-3);

  Head g(interval_spec("gaussian"));
  g.fit_target_scaling(torch::tensor({{1000.0f}, {2000.0f}, {3000.0f}}));
  EXPECT_EQ(g.n_outputs(), 2);
  EXPECT_EQ(g.score_names(), (std::vector<std::string>{"pred_energy", "pred_energy_sigma"}));
  // log-variance 2 ln 0.01: sigma is 1 % of the training spread, in keV.
  const auto gs = g.score(torch::tensor({{1.0f, static_cast<float>(2 * std::log(0.01))}}));
  EXPECT_NEAR(gs[0][0].item<double>(), g.spec().target_offset[0] + g.spec().target_scale[0], 1e-2);
  EXPECT_NEAR(gs[0][1].item<double>(), 0.01 * g.spec().target_scale[0], 1e-3);
}

TEST(IntervalHeads, ExportedScoreEqualsHeadScoreAndJsonRoundTrips) {
  for (const std::string kind : {"quantile", "gaussian"}) {
    Head head(interval_spec(kind, {0.025, 0.16, 0.5, 0.84, 0.975}));
    head.fit_target_scaling(torch::tensor({{1000.0f}, {2500.0f}}));
    wl::nn::ModelSpec ms;
    ms.hidden = {8};
    torch::manual_seed(2);
    auto model = wl::nn::build_model(ms, 16, head.n_outputs());
    wl::nn::attach_head(model, head);
    model.eval();
    torch::NoGradGuard ng;
    const auto x = torch::randn({6, 16});
    const auto scripted = model.get_method("score")({x}).toTensor();
    EXPECT_TRUE(torch::allclose(scripted, head.score(model.forward({x}).toTensor()), 1e-5, 1e-4)) << kind;
    const auto back = Head::from_json(head.to_json());
    EXPECT_EQ(back.score_source(), head.score_source()) << kind;
    EXPECT_EQ(back.score_names(), head.score_names()) << kind;
  }
  EXPECT_EQ(Head(interval_spec("quantile", {0.025, 0.5})).score_names()[0], "pred_energy_q2p5");
}

TEST(IntervalHeads, QuantileLevelsComeFromTheConfig) {
  const auto dflt = wl::nn::head_spec_from(wl::core::Config::parse("[task]\nkind = \"quantile\"\n"), {"energy"}, 0, "");
  EXPECT_EQ(dflt.quantiles, wl::nn::kDefaultQuantiles);
  const auto set = wl::nn::head_spec_from(
      wl::core::Config::parse("[task]\nkind = \"quantile\"\nquantiles = [0.05, 0.5, 0.95]\n"), {"energy"}, 0, "");
  EXPECT_EQ(set.quantiles, (std::vector<double>{0.05, 0.5, 0.95}));
}

TEST(IntervalHeads, BadQuantileLevelsNameTheKey) {
  for (const auto& levels : std::vector<std::vector<double>>{
           {0.84, 0.5, 0.16}, {0.16, 0.5, 0.5}, {0.0, 0.5}, {0.5, 1.0}, {0.16, 0.84}, {}, {-0.1, 0.5}}) {
    try {
      Head h(interval_spec("quantile", levels));
      ADD_FAILURE() << "accepted " << levels.size() << " levels";
    } catch (const wl::core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("task.quantiles"), std::string::npos) << e.what();
    }
  }
  auto neg = interval_spec("gaussian");
  neg.scale_auto = false;
  neg.target_offset = {0.0};
  neg.target_scale = {-1.0};
  EXPECT_THROW(Head{neg}, wl::core::InputError);
}

}  // namespace
