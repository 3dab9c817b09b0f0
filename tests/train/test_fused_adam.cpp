// FusedAdam against libtorch's Adam: same trajectory, same state, interchangeable checkpoints.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "wavelearn/train/fused_adam.hpp"

namespace {

std::vector<torch::Tensor> make_params(uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<torch::Tensor> ps = {torch::randn({300, 70}), torch::randn({70}), torch::randn({5, 3, 7})};
  for (auto& p : ps) p.set_requires_grad(true);
  return ps;
}

std::vector<torch::Tensor> clone_params(const std::vector<torch::Tensor>& ps) {
  std::vector<torch::Tensor> out;
  for (const auto& p : ps) out.push_back(p.detach().clone().set_requires_grad(true));
  return out;
}

// The same gradients on both sets: a quadratic pull towards a target, plus tiny components
// (down to 1e-25) so some second moments become subnormal.
void set_grads(std::vector<torch::Tensor>& a, std::vector<torch::Tensor>& b, int step) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto g = (a[i].detach() - 0.1 * step) * 0.5;
    g.view(-1).slice(0, 0, 10).fill_(static_cast<float>(std::pow(10.0, -25 + step % 5)));
    a[i].mutable_grad() = g.clone();
    b[i].mutable_grad() = g.clone();
  }
}

double max_rel_diff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto d = (a[i] - b[i]).abs() / (b[i].abs() + 1e-3);
    worst = std::max(worst, d.max().item<double>());
  }
  return worst;
}

void run_both(torch::optim::AdamOptions opt, int steps, double tol) {
  auto a = make_params(3), b = clone_params(a);
  wl::train::FusedAdam fused(a, opt);
  torch::optim::Adam ref(b, opt);
  for (int s = 0; s < steps; ++s) {
    set_grads(a, b, s);
    fused.step();
    ref.step();
  }
  EXPECT_LT(max_rel_diff(a, b), tol);
  // The parameters moved: the comparison is not between two untouched copies.
  EXPECT_GT((a[0] - make_params(3)[0]).abs().max().item<double>(), 0.01);
}

}  // namespace

TEST(FusedAdam, FollowsLibtorchAdam) { run_both(torch::optim::AdamOptions(1e-2), 60, 1e-4); }

TEST(FusedAdam, FollowsLibtorchAdamWithWeightDecay) {
  run_both(torch::optim::AdamOptions(1e-2).weight_decay(0.05).betas({0.8, 0.95}).eps(1e-6), 60, 1e-4);
}

TEST(FusedAdam, AmsgradFallsBackToLibtorchExactly) {
  auto a = make_params(5), b = clone_params(a);
  const auto opt = torch::optim::AdamOptions(1e-2).amsgrad(true);
  wl::train::FusedAdam fused(a, opt);
  torch::optim::Adam ref(b, opt);
  for (int s = 0; s < 10; ++s) {
    set_grads(a, b, s);
    fused.step();
    ref.step();
  }
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i]));
}

TEST(FusedAdam, StateRoundTripsThroughLibtorchSerialisation) {
  auto a = make_params(7), b = clone_params(a);
  const auto opt = torch::optim::AdamOptions(5e-3);
  wl::train::FusedAdam fused(a, opt);
  for (int s = 0; s < 5; ++s) {
    set_grads(a, b, s);
    fused.step();
  }
  // Save the fused state, load it into libtorch's Adam on a copy of the parameters; both
  // continue alike (the step count and moments carried over).
  std::stringstream buf;
  {
    torch::serialize::OutputArchive out;
    fused.save(out);
    out.save_to(buf);
  }
  auto c = clone_params(a);
  torch::optim::Adam ref(c, opt);
  {
    torch::serialize::InputArchive in;
    in.load_from(buf);
    ref.load(in);
  }
  for (int s = 5; s < 15; ++s) {
    set_grads(a, c, s);
    fused.step();
    ref.step();
  }
  EXPECT_LT(max_rel_diff(a, c), 1e-4);
  const auto& st = static_cast<const torch::optim::AdamParamState&>(
      *ref.state().at(wl::train::optimizer_state_key(ref, c[0])));
  EXPECT_EQ(st.step(), 15);
}
