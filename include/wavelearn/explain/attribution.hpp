#pragma once
// Attribution of one model output to the samples of its input window, for any
// differentiable model given as a function of a batch: the methods of the lectures'
// interpretability part (saliency, gradient x input, integrated gradients, occlusion) and,
// for the transformer, attention rollout. Pure functions of tensors; the model is never
// changed. Batches are (B, L) windows; attributions have the same shape.
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace wl::explain {

// The output of interest per event, (B,), from a batch of windows (B, L): one column of the
// model's raw output (a logit for classifiers), so that attributions add up to it.
using OutputFn = std::function<torch::Tensor(const torch::Tensor&)>;

// d f / d x. Saliency is its magnitude; gradient x input its product with the window.
torch::Tensor gradient(const OutputFn& f, const torch::Tensor& x);
torch::Tensor saliency(const OutputFn& f, const torch::Tensor& x);
torch::Tensor gradient_times_input(const OutputFn& f, const torch::Tensor& x);

struct IntegratedGradients {
  torch::Tensor attributions;  // (B, L)
  torch::Tensor delta;         // (B,) f(x) - f(baseline), what the attributions should sum to
  torch::Tensor rel_error;     // (B,) |sum attributions - delta| / |delta| (completeness)
};

// (x - baseline) times the path integral of the gradient from baseline to x, by
// Gauss-Legendre quadrature with `steps` nodes (exact for paths along which the gradient is
// a polynomial of degree < 2 steps). `baseline` is (B, L) or (L). Steps are evaluated in
// chunks of at most `max_rows` windows per forward pass to bound memory.
IntegratedGradients integrated_gradients(const OutputFn& f, const torch::Tensor& x, const torch::Tensor& baseline,
                                         int steps, int64_t max_rows = 2048);

// f(x) - f(x with samples [s, s + window) replaced by the baseline), for windows every
// `stride` samples; each sample gets the mean over the windows covering it.
torch::Tensor occlusion(const OutputFn& f, const torch::Tensor& x, const torch::Tensor& baseline, int64_t window,
                        int64_t stride);

// Attention rollout (Abnar and Zuidema 2020) for a model that averages its tokens: each
// layer's attention (B, heads, T, T) is averaged over heads, mixed with the identity for
// the residual path (0.5 A + 0.5 I, rows renormalised), and the layers multiplied. A patch's
// weight is the mean attention all tokens place on it; each of its `patch` samples gets it
// (samples beyond T x patch get 0). Returns (B, length).
torch::Tensor attention_rollout(const std::vector<torch::Tensor>& layers, int64_t length);

// Nodes and weights of Gauss-Legendre quadrature on [0, 1].
void gauss_legendre_01(int n, std::vector<double>& nodes, std::vector<double>& weights);

}  // namespace wl::explain
