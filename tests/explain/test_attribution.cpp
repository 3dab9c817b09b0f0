// Attribution methods on models whose answer is known in closed form.
#include <gtest/gtest.h>

#include <cmath>

#include "wavelearn/explain/attribution.hpp"

using namespace wl::explain;

namespace {

// f(x) = w . x + 0.3: every gradient method has an exact answer.
struct Linear {
  torch::Tensor w = torch::linspace(-1.0, 2.0, 12);
  OutputFn fn() const {
    auto w_ = w;
    return [w_](const torch::Tensor& x) { return torch::matmul(x, w_) + 0.3; };
  }
};

torch::Tensor batch() { return torch::arange(36, torch::kFloat).view({3, 12}) / 10.0 - 1.0; }

TEST(Attribution, LinearModelGradientsAreTheWeights) {
  Linear m;
  const auto x = batch();
  EXPECT_TRUE(torch::allclose(gradient(m.fn(), x), m.w.expand_as(x)));
  EXPECT_TRUE(torch::allclose(saliency(m.fn(), x), m.w.abs().expand_as(x)));
  EXPECT_TRUE(torch::allclose(gradient_times_input(m.fn(), x), m.w * x));
}

TEST(Attribution, IntegratedGradientsOfALinearModelAreWeightTimesInputMinusBaseline) {
  Linear m;
  const auto x = batch();
  const auto baseline = torch::full({12}, 0.25);
  const auto ig = integrated_gradients(m.fn(), x, baseline, 4);
  EXPECT_TRUE(torch::allclose(ig.attributions, m.w * (x - baseline), 1e-5, 1e-6));
  EXPECT_LT(ig.rel_error.max().item<double>(), 1e-5);
}

// f(x) = sum x^2 with a zero baseline: the path integrand is linear in alpha, so the
// attribution of sample i is exactly x_i^2, and they add up to f(x) - f(0).
TEST(Attribution, IntegratedGradientsAreCompleteOnAQuadraticModel) {
  const OutputFn f = [](const torch::Tensor& x) { return (x * x).sum(1); };
  const auto x = batch();
  const auto ig = integrated_gradients(f, x, torch::zeros({12}), 2);
  EXPECT_TRUE(torch::allclose(ig.attributions, x * x, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(ig.delta, (x * x).sum(1)));
  EXPECT_LT(ig.rel_error.max().item<double>(), 1e-5);
}

TEST(Attribution, IntegratedGradientsChunkStepsWithoutChangingTheResult) {
  const OutputFn f = [](const torch::Tensor& x) { return torch::tanh(x).sum(1) * x.sum(1); };
  const auto x = batch();
  const auto one_pass = integrated_gradients(f, x, torch::zeros({12}), 16, 4096);
  const auto chunked = integrated_gradients(f, x, torch::zeros({12}), 16, 3);
  EXPECT_TRUE(torch::allclose(one_pass.attributions, chunked.attributions, 1e-5, 1e-6));
  // A smooth model: 16 Gauss-Legendre steps integrate it to high precision.
  EXPECT_LT(one_pass.rel_error.max().item<double>(), 1e-4);
}

TEST(Attribution, OcclusionOfSingleSamplesIsWeightTimesInputMinusBaseline) {
  Linear m;
  const auto x = batch();
  const auto a = occlusion(m.fn(), x, torch::zeros({12}), 1, 1);
  EXPECT_TRUE(torch::allclose(a, m.w * x, 1e-5, 1e-6));
  // Windows of 4 every 2 samples: each sample gets the mean drop of the windows covering it.
  const auto wide = occlusion(m.fn(), x, torch::zeros({12}), 4, 2);
  const auto contrib = m.w * x;
  const double first_window = contrib[0].narrow(0, 0, 4).sum().item<double>();
  EXPECT_NEAR(wide[0][0].item<double>(), first_window, 1e-5);
  EXPECT_THROW(occlusion(m.fn(), x, torch::zeros({12}), 13, 1), std::exception);
}

TEST(Attribution, GaussLegendreIntegratesPolynomialsExactly) {
  std::vector<double> t, w;
  gauss_legendre_01(5, t, w);
  double sum = 0.0, t9 = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i) sum += w[i], t9 += w[i] * std::pow(t[i], 9);
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_NEAR(t9, 0.1, 1e-12);  // degree 9 = 2 n - 1: still exact
}

TEST(Attribution, AttentionRolloutFollowsTheAttention) {
  // One layer, 4 tokens of 3 samples: uniform attention spreads evenly; attention that all
  // goes to token 2 puts most of the rollout there.
  const auto uniform = torch::full({1, 2, 4, 4}, 0.25);
  const auto r = attention_rollout({uniform}, 12);
  EXPECT_TRUE(torch::allclose(r, torch::full({1, 12}, 0.25 / 3.0)));
  auto focused = torch::zeros({1, 2, 4, 4});
  focused.select(3, 2).fill_(1.0);
  const auto f = attention_rollout({focused, focused}, 13);
  EXPECT_GT(f[0][6].item<double>(), 3.0 * f[0][0].item<double>());
  EXPECT_EQ(f[0][12].item<double>(), 0.0);  // beyond the last full patch
  EXPECT_NEAR(f.sum().item<double>(), 1.0, 1e-5);
}

}  // namespace
