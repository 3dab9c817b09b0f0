// wavelearn's CPU kernels against libtorch's own (at::cpu::...), and through the dispatcher
// once installed.
#include <ATen/ops/bmm_cpu_dispatch.h>
#include <ATen/ops/max_pool2d_with_indices_backward_cpu_dispatch.h>
#include <ATen/ops/max_pool2d_with_indices_cpu_dispatch.h>
#include <ATen/ops/native_batch_norm_backward_cpu_dispatch.h>
#include <ATen/ops/native_batch_norm_cpu_dispatch.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "../../src/nn/cpu_kernels_impl.hpp"
#include "wavelearn/nn/cpu_kernels.hpp"

namespace {

using wl::nn::detail::bernoulli_scalar_cpu;
using wl::nn::detail::bmm_cpu;
using wl::nn::detail::max_pool2d_with_indices_backward_cpu;
using wl::nn::detail::max_pool2d_with_indices_cpu;
using wl::nn::detail::native_batch_norm_backward_cpu;
using wl::nn::detail::native_batch_norm_cpu;

void expect_close(const at::Tensor& got, const at::Tensor& want, double tol) {
  ASSERT_EQ(got.sizes(), want.sizes());
  EXPECT_LE((got - want).abs().max().item<double>(), tol);
}

TEST(CpuKernels, BmmMatchesLibtorchForEveryOperandLayout) {
  torch::manual_seed(1);
  const auto a = torch::randn({12, 40, 8});                   // q: row-major
  const auto b = torch::randn({12, 40, 8}).transpose(1, 2);   // k^T: column-major
  expect_close(bmm_cpu(a, b), at::cpu::bmm(a, b), 1e-5);
  const auto at_ = a.transpose(1, 2).contiguous().transpose(1, 2);  // column-major first operand
  expect_close(bmm_cpu(at_, b.contiguous()), at::cpu::bmm(a, b), 1e-5);
  const auto expanded = torch::randn({1, 8, 5}).expand({12, 8, 5});  // batch stride 0
  expect_close(bmm_cpu(a, expanded), at::cpu::bmm(a, expanded), 1e-5);
  const auto strided = torch::randn({12, 40, 16}).slice(2, 0, 16, 2);  // neither layout
  const auto c = torch::randn({12, 8, 3});
  expect_close(bmm_cpu(strided, c), at::cpu::bmm(strided.contiguous(), c), 1e-5);
  const auto one_row = torch::randn({6, 1, 8});
  expect_close(bmm_cpu(one_row, c.slice(0, 0, 6)), at::cpu::bmm(one_row, c.slice(0, 0, 6)), 1e-5);
}

TEST(CpuKernels, BmmLeavesOtherCasesToLibtorch) {
  torch::manual_seed(2);
  const auto a = torch::randn({3, 4, 5}, torch::kDouble), b = torch::randn({3, 5, 2}, torch::kDouble);
  EXPECT_TRUE(bmm_cpu(a, b).equal(at::cpu::bmm(a, b)));
  const auto big = torch::randn({2, 100, 100}), big2 = torch::randn({2, 100, 100});
  EXPECT_TRUE(bmm_cpu(big, big2).equal(at::cpu::bmm(big, big2)));
  EXPECT_THROW(bmm_cpu(torch::randn({3, 4, 5}), torch::randn({3, 6, 2})), c10::Error);
}

TEST(CpuKernels, BernoulliHasTheRequestedRateAndIsSeeded) {
  for (double p : {0.1, 0.5, 0.9}) {
    auto x = torch::empty({1000001});
    torch::manual_seed(3);
    bernoulli_scalar_cpu(x, p, c10::nullopt);
    const double n = static_cast<double>(x.numel());
    EXPECT_NEAR(x.sum().item<double>() / n, p, 5.0 * std::sqrt(p * (1 - p) / n)) << p;
    EXPECT_TRUE(((x == 0) | (x == 1)).all().item<bool>());
    auto again = torch::empty({1000001});
    torch::manual_seed(3);
    bernoulli_scalar_cpu(again, p, c10::nullopt);
    EXPECT_TRUE(again.equal(x)) << "the same seed gives the same mask";
    bernoulli_scalar_cpu(again, p, c10::nullopt);
    EXPECT_FALSE(again.equal(x)) << "the next call draws a new mask";
  }
}

TEST(CpuKernels, BernoulliDoesNotDependOnTheThreadCount) {
  const int saved = at::get_num_threads();
  auto one = torch::empty({300001}), two = torch::empty({300001});
  at::set_num_threads(1);
  torch::manual_seed(4);
  bernoulli_scalar_cpu(one, 0.3, c10::nullopt);
  at::set_num_threads(2);
  torch::manual_seed(4);
  bernoulli_scalar_cpu(two, 0.3, c10::nullopt);
  at::set_num_threads(saved);
  EXPECT_TRUE(one.equal(two));
  // Neighbouring elements (the two halves of one 64-bit word) are not correlated.
  const auto a = one.slice(0, 0, 300000, 2), b = one.slice(0, 1, 300001, 2);
  const double both = (a * b).mean().item<double>();
  EXPECT_NEAR(both, 0.09, 5.0 * std::sqrt(0.09 * 0.91 / 150000.0));
}

TEST(CpuKernels, BernoulliEdgesAndOtherTypes) {
  auto x = torch::empty({1001});
  EXPECT_EQ(bernoulli_scalar_cpu(x, 0.0, c10::nullopt).sum().item<double>(), 0.0);
  EXPECT_EQ(bernoulli_scalar_cpu(x, 1.0, c10::nullopt).sum().item<double>(), 1001.0);
  EXPECT_THROW(bernoulli_scalar_cpu(x, 1.5, c10::nullopt), c10::Error);
  auto b = torch::empty({2001}, torch::kBool);
  const auto kept = bernoulli_scalar_cpu(b, 0.5, c10::nullopt).sum().item<int64_t>();
  EXPECT_GT(kept, 800);
  EXPECT_LT(kept, 1200);
  auto strided = torch::zeros({100, 2}).select(1, 0);  // not contiguous: libtorch's kernel
  bernoulli_scalar_cpu(strided, 1.0, c10::nullopt);
  EXPECT_EQ(strided.sum().item<double>(), 100.0);
}

// max_pool1d(x, 2) reaches max_pool2d_with_indices with these arguments.
std::tuple<at::Tensor, at::Tensor> pool(const at::Tensor& x, bool ours, bool ceil = false) {
  const std::vector<int64_t> k{1, 2}, s{1, 2}, p{0, 0}, d{1, 1};
  return ours ? max_pool2d_with_indices_cpu(x, k, s, p, d, ceil) : at::cpu::max_pool2d_with_indices(x, k, s, p, d, ceil);
}

TEST(CpuKernels, PairwisePoolMatchesLibtorchWithTiesNansAndInfinities) {
  torch::manual_seed(5);
  for (int64_t width : {1000, 7}) {
    auto x = torch::randn({4, 3, 1, width});
    x.index_put_({0, 0, 0, 0}, 1.0);
    x.index_put_({0, 0, 0, 1}, 1.0);  // tie
    x.index_put_({0, 1, 0, 2}, std::nanf(""));
    x.index_put_({0, 2, 0, 5}, std::nanf(""));
    x.index_put_({1, 0, 0, 2}, -std::numeric_limits<float>::infinity());
    x.index_put_({1, 0, 0, 3}, -std::numeric_limits<float>::infinity());
    x = torch::relu(x);  // many ties at zero, as after a ReLU
    const auto [v, i] = pool(x, true);
    const auto [w, j] = pool(x, false);
    EXPECT_TRUE(i.equal(j)) << width;
    EXPECT_TRUE(v.isnan().equal(w.isnan()));
    EXPECT_TRUE(v.nan_to_num().equal(w.nan_to_num()));
    const auto g = torch::randn(v.sizes());
    const std::vector<int64_t> k{1, 2}, s{1, 2}, p{0, 0}, d{1, 1};
    EXPECT_TRUE(max_pool2d_with_indices_backward_cpu(g, x, k, s, p, d, false, i)
                    .equal(at::cpu::max_pool2d_with_indices_backward(g, x, k, s, p, d, false, j)));
  }
  // Indices that do not come from the forward pass (all naming each row's first value) are
  // scattered as libtorch does.
  const auto x = torch::randn({2, 3, 1, 10});
  const auto g = torch::randn({2, 3, 1, 5});
  const auto first = torch::zeros({2, 3, 1, 5}, torch::kLong);
  const std::vector<int64_t> k{1, 2}, s{1, 2}, p{0, 0}, d{1, 1};
  EXPECT_TRUE(max_pool2d_with_indices_backward_cpu(g, x, k, s, p, d, false, first)
                  .allclose(at::cpu::max_pool2d_with_indices_backward(g, x, k, s, p, d, false, first)));
  EXPECT_THROW(max_pool2d_with_indices_backward_cpu(g, x, k, s, p, d, false, first + 10), c10::Error);
  const auto plane = torch::randn({2, 3, 6});  // 3-D input, pooled plane of height 3
  EXPECT_TRUE(std::get<1>(pool(plane, true)).equal(std::get<1>(pool(plane, false))));
}

TEST(CpuKernels, OtherPoolsAreLibtorchs) {
  torch::manual_seed(6);
  const auto x = torch::randn({2, 3, 1, 9});
  EXPECT_TRUE(std::get<1>(pool(x, true, true)).equal(std::get<1>(pool(x, false, true))));  // ceil, odd
  const std::vector<int64_t> k{1, 3}, s{1, 1}, p{0, 1}, d{1, 1};
  EXPECT_TRUE(std::get<0>(max_pool2d_with_indices_cpu(x, k, s, p, d, false))
                  .equal(std::get<0>(at::cpu::max_pool2d_with_indices(x, k, s, p, d, false))));
}

TEST(CpuKernels, BatchNormMatchesLibtorchForwardBackwardAndRunningStatistics) {
  torch::manual_seed(9);
  for (auto shape : {std::vector<int64_t>{64, 8, 1000}, std::vector<int64_t>{5, 3}, std::vector<int64_t>{4, 6, 3, 7}}) {
    const auto x = torch::randn(shape) * 3 + 2;
    const int64_t c = shape[1];
    const auto w = torch::rand({c}) + 0.5, b = torch::randn({c});
    auto rm = torch::randn({c}), rv = torch::rand({c}) + 0.5;
    auto rm2 = rm.clone(), rv2 = rv.clone();
    const auto [y, m, s] = native_batch_norm_cpu(x, w, b, rm, rv, true, 0.1, 1e-5);
    const auto [y2, m2, s2] = at::cpu::native_batch_norm(x, w, b, rm2, rv2, true, 0.1, 1e-5);
    expect_close(y, y2, 2e-5);
    expect_close(m, m2, 1e-5);
    expect_close(s, s2, 1e-5);
    expect_close(rm, rm2, 1e-5);
    expect_close(rv, rv2, 1e-5);
    const auto g = torch::randn(shape);
    const auto [dx, dw, db] = native_batch_norm_backward_cpu(g, x, w, rm, rv, m, s, true, 1e-5, {true, true, true});
    const auto [dx2, dw2, db2] =
        at::cpu::native_batch_norm_backward(g, x, w, rm2, rv2, m2, s2, true, 1e-5, {true, true, true});
    expect_close(dx, dx2, 1e-4);
    expect_close(dw, dw2, 1e-2);  // sums of 64,000 products: float rounding of the reference
    expect_close(db, db2, 1e-2);
  }
  // Evaluation mode and no affine parameters: libtorch's, and the affine-free case ours.
  const auto x = torch::randn({6, 4, 10});
  auto rm = torch::zeros({4}), rv = torch::ones({4});
  EXPECT_TRUE(std::get<0>(native_batch_norm_cpu(x, {}, {}, rm, rv, false, 0.1, 1e-5))
                  .equal(std::get<0>(at::cpu::native_batch_norm(x, {}, {}, rm, rv, false, 0.1, 1e-5))));
  expect_close(std::get<0>(native_batch_norm_cpu(x, {}, {}, {}, {}, true, 0.1, 1e-5)),
               std::get<0>(at::cpu::native_batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5)), 1e-5);
}

// Installed, the kernels are what torch's operators run, gradients included.
TEST(CpuKernels, InstalledKernelsServeTheOperatorsAndTheirGradients) {
  ASSERT_TRUE(wl::nn::install_cpu_kernels());
  EXPECT_TRUE(wl::nn::install_cpu_kernels());  // once only
  torch::manual_seed(7);
  auto x = torch::randn({8, 4, 100}, torch::requires_grad());
  auto y = torch::max_pool1d(torch::relu(x), 2);
  y.sum().backward();
  // libtorch's kernels called directly, the gradient through the ReLU by hand.
  const auto r = torch::relu(x.detach()).unsqueeze(-2);
  const auto [v, i] = pool(r, false);
  const std::vector<int64_t> k{1, 2}, s{1, 2}, p{0, 0}, d{1, 1};
  const auto g = at::cpu::max_pool2d_with_indices_backward(torch::ones(v.sizes()), r, k, s, p, d, false, i);
  EXPECT_TRUE(y.equal(v.squeeze(-2)));
  EXPECT_TRUE(x.grad().equal(g.squeeze(-2) * (x.detach() > 0)));

  auto q = torch::randn({2, 4, 40, 8}, torch::requires_grad());
  auto att = torch::matmul(q, q.transpose(-2, -1));
  att.sum().backward();
  const auto qd = q.detach();
  expect_close(att, at::cpu::bmm(qd.reshape({8, 40, 8}), qd.reshape({8, 40, 8}).transpose(1, 2)).reshape({2, 4, 40, 40}),
               1e-4);
  expect_close(q.grad(), 2 * torch::matmul(torch::ones({2, 4, 40, 40}), qd), 1e-3);

  torch::nn::BatchNorm1d bn(3);
  auto xb = torch::randn({16, 3, 20}, torch::requires_grad());
  bn->forward(xb).pow(2).sum().backward();
  const auto ref = at::cpu::native_batch_norm(xb.detach(), bn->weight.detach(), bn->bias.detach(), {}, {}, true, 0.1, 1e-5);
  const auto ref_grad = at::cpu::native_batch_norm_backward(2 * std::get<0>(ref), xb.detach(), bn->weight.detach(), {}, {},
                                                            std::get<1>(ref), std::get<2>(ref), true, 1e-5, {true, true, true});
  expect_close(xb.grad(), std::get<0>(ref_grad), 1e-4);
  expect_close(bn->weight.grad(), std::get<1>(ref_grad), 1e-3);

  torch::manual_seed(8);
  const auto d1 = torch::dropout(torch::ones({1000}), 0.25, true);
  torch::manual_seed(8);
  const auto d2 = torch::dropout(torch::ones({1000}), 0.25, true);
  EXPECT_TRUE(d1.equal(d2));
  EXPECT_TRUE(((d1 == 0) | ((d1 - 1.0 / 0.75).abs() < 1e-6)).all().item<bool>());
}

}  // namespace
