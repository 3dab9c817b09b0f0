// Domain-adversarial training: the gradient-reversal layer and the strength schedule.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/train/dann.hpp"

TEST(Dann, GradientReversalIsIdentityForwardAndFlipsTheGradientTimesLambda) {
  const auto x = torch::tensor({1.0, -2.0, 3.0}, torch::requires_grad());
  const auto w = torch::tensor({0.5, 2.0, -1.0});
  const auto y = wl::train::reverse_gradient(x, 0.3);
  EXPECT_TRUE(torch::equal(y.detach(), x.detach()));
  (y * w).sum().backward();
  // Without the layer the gradient would be w; through it, -0.3 w.
  EXPECT_TRUE(torch::allclose(x.grad(), -0.3 * w));

  const auto x0 = torch::tensor({1.0, 2.0}, torch::requires_grad());
  wl::train::reverse_gradient(x0, 0.0).sum().backward();
  EXPECT_TRUE(torch::allclose(x0.grad(), torch::zeros_like(x0)));
}

TEST(Dann, LambdaRisesFromZeroToLambdaMaxAsGaninEtAl) {
  wl::train::DannSpec s;
  s.lambda_max = 0.5;
  EXPECT_DOUBLE_EQ(wl::train::dann_lambda(s, 0.0), 0.0);
  EXPECT_NEAR(wl::train::dann_lambda(s, 0.5), 0.5 * (2.0 / (1.0 + std::exp(-5.0)) - 1.0), 1e-12);
  EXPECT_NEAR(wl::train::dann_lambda(s, 1.0), 0.5, 1e-4);
  EXPECT_LT(wl::train::dann_lambda(s, 0.1), wl::train::dann_lambda(s, 0.2));
}

TEST(Dann, SpecNeedsATargetFileOnlyWhenOn) {
  auto off = wl::core::Config::parse("[train]\nepochs = 1\n");
  EXPECT_FALSE(wl::train::dann_spec_from(off).enabled);
  auto on = wl::core::Config::parse("[train]\ndomain_adversarial = true\n");
  try {
    wl::train::dann_spec_from(on);
    FAIL() << "no data.target_file accepted";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("data.target_file"), std::string::npos) << e.what();
  }
}
