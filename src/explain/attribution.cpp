#include "wavelearn/explain/attribution.hpp"

#include <cmath>

#include "wavelearn/core/error.hpp"

namespace wl::explain {

torch::Tensor gradient(const OutputFn& f, const torch::Tensor& x) {
  torch::AutoGradMode grad_on(true);
  auto xi = x.detach().clone().requires_grad_(true);
  const auto out = f(xi);
  // The events of a batch are independent, so the gradient of the sum is each event's own.
  const auto g = torch::autograd::grad({out.sum()}, {xi}, {}, false, false, true);
  return g[0].defined() ? g[0].detach() : torch::zeros_like(x);
}

torch::Tensor saliency(const OutputFn& f, const torch::Tensor& x) { return gradient(f, x).abs(); }

torch::Tensor gradient_times_input(const OutputFn& f, const torch::Tensor& x) { return gradient(f, x) * x; }

void gauss_legendre_01(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  if (n < 1) throw core::InputError("integrated gradients: steps must be >= 1");
  nodes.assign(static_cast<std::size_t>(n), 0.0);
  weights.assign(static_cast<std::size_t>(n), 0.0);
  for (int i = 0; i < n; ++i) {
    // Newton's method on P_n from the Chebyshev guess; then map [-1, 1] onto [0, 1].
    double z = std::cos(M_PI * (i + 0.75) / (n + 0.5)), dp = 0.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = 0.0;
      for (int k = 1; k <= n; ++k) {
        const double p2 = p1;
        p1 = p0;
        p0 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p2) / k;
      }
      dp = n * (z * p0 - p1) / (z * z - 1.0);
      const double dz = p0 / dp;
      z -= dz;
      if (std::fabs(dz) < 1e-15) break;
    }
    nodes[static_cast<std::size_t>(i)] = 0.5 * (1.0 - z);
    weights[static_cast<std::size_t>(i)] = 1.0 / ((1.0 - z * z) * dp * dp);
  }
}

IntegratedGradients integrated_gradients(const OutputFn& f, const torch::Tensor& x, const torch::Tensor& baseline,
                                         int steps, int64_t max_rows) {
  std::vector<double> nodes, weights;
  gauss_legendre_01(steps, nodes, weights);
  const auto b = baseline.dim() == 1 ? baseline.unsqueeze(0).expand_as(x) : baseline;
  const auto diff = x - b;
  const int64_t n = x.size(0);
  auto total = torch::zeros_like(x);
  // Several steps share one forward pass: rows = events x steps in this chunk.
  const int64_t per_pass = std::max<int64_t>(1, max_rows / std::max<int64_t>(n, 1));
  for (int64_t s0 = 0; s0 < steps; s0 += per_pass) {
    const int64_t s1 = std::min<int64_t>(steps, s0 + per_pass);
    std::vector<torch::Tensor> points;
    for (int64_t s = s0; s < s1; ++s) points.push_back(b + nodes[static_cast<std::size_t>(s)] * diff);
    const auto g = gradient(f, torch::cat(points)).view({s1 - s0, n, x.size(1)});
    for (int64_t s = s0; s < s1; ++s) total += weights[static_cast<std::size_t>(s)] * g[s - s0];
  }
  IntegratedGradients r;
  r.attributions = total * diff;
  torch::NoGradGuard no_grad;
  r.delta = f(x) - f(b);
  r.rel_error = (r.attributions.sum(1) - r.delta).abs() / r.delta.abs().clamp_min(1e-12);
  return r;
}

torch::Tensor occlusion(const OutputFn& f, const torch::Tensor& x, const torch::Tensor& baseline, int64_t window,
                        int64_t stride) {
  const int64_t length = x.size(1);
  if (window < 1 || stride < 1 || window > length)
    throw core::InputError("occlusion: window " + std::to_string(window) + " and stride " + std::to_string(stride) +
                           " samples must be >= 1 and the window at most the " + std::to_string(length) +
                           "-sample input");
  torch::NoGradGuard no_grad;
  const auto b = baseline.dim() == 1 ? baseline.unsqueeze(0).expand_as(x) : baseline;
  const auto reference = f(x);
  auto sum = torch::zeros_like(x);
  auto covered = torch::zeros({length}, x.options());
  for (int64_t start = 0; start < length; start += stride) {
    const int64_t len = std::min(window, length - start);
    auto occluded = x.clone();
    occluded.narrow(1, start, len).copy_(b.narrow(1, start, len));
    const auto drop = (reference - f(occluded)).unsqueeze(1);
    sum.narrow(1, start, len) += drop;
    covered.narrow(0, start, len) += 1.0;
    if (start + window >= length) break;
  }
  return sum / covered.clamp_min(1.0);
}

torch::Tensor attention_rollout(const std::vector<torch::Tensor>& layers, int64_t length) {
  if (layers.empty()) throw core::InputError("attention rollout: the model returned no attention maps");
  torch::NoGradGuard no_grad;
  const int64_t tokens = layers.front().size(-1);
  const auto eye = torch::eye(tokens, layers.front().options());
  torch::Tensor rollout;
  for (const auto& a : layers) {
    auto mixed = 0.5 * a.mean(1) + 0.5 * eye;
    mixed = mixed / mixed.sum(-1, true);
    rollout = rollout.defined() ? torch::matmul(mixed, rollout) : mixed;
  }
  const auto per_token = rollout.mean(1);  // (B, T): attention the averaged output places on each patch
  const int64_t patch = length / tokens;
  auto out = torch::zeros({per_token.size(0), length}, per_token.options());
  out.narrow(1, 0, patch * tokens).copy_(per_token.repeat_interleave(patch, 1) / static_cast<double>(patch));
  return out;
}

}  // namespace wl::explain
