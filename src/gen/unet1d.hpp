#pragma once
// A small 1-D U-Net for the DDPM's noise prediction: eps(x_t, t, c). Internal to src/gen.
//
// Levels follow channels (e.g. 16/32/64): per level one residual block on the way down (its
// output kept as the skip) and a stride-2 conv to the next level; a residual block (plus
// optional self-attention) at the coarsest level; on the way up the skip is concatenated
// and another residual block runs, then a nearest x2 upsample + conv to the finer width.
// Every residual block adds a projection of emb = time embedding (sinusoidal, MLP) +
// condition embedding (MLP of c), so the noise level and the conditions reach all scales.
#include <cstdint>
#include <vector>

#include "generator_model.hpp"

namespace wl::gen {

struct UNet1dOptions {
  int64_t conditions = 1;
  std::vector<int64_t> channels = {16, 32, 64};
  int64_t kernel = 7;
  bool attention = true;      // self-attention at the coarsest level (global context)
  double time_scale = 1.0;    // t is multiplied by this before the sinusoids (maps T to ~1000)
  int64_t in_channels = 1;    // >1: x is (B, in_channels, L), e.g. a trace plus position channels
};

// Residual conv block: GroupNorm-SiLU-conv, + emb projection, GroupNorm-SiLU-conv, + skip.
struct ResBlock1dImpl : torch::nn::Module {
  ResBlock1dImpl(int64_t in, int64_t out, int64_t emb_dim, int64_t kernel);
  torch::Tensor forward(const torch::Tensor& h, const torch::Tensor& emb);

  torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
  torch::nn::Conv1d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
  torch::nn::Linear emb_proj{nullptr};
};
TORCH_MODULE(ResBlock1d);

// Single-head self-attention over positions with a residual (output projection starts at 0).
struct Attention1dImpl : torch::nn::Module {
  explicit Attention1dImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& h);

  torch::nn::GroupNorm norm{nullptr};
  torch::nn::Conv1d qkv{nullptr}, proj{nullptr};
};
TORCH_MODULE(Attention1d);

struct UNet1dImpl : torch::nn::Module {
  explicit UNet1dImpl(const UNet1dOptions& o);
  // x (B, L) or (B, in_channels, L), t (B) noise-level indices as float, c (B, C) -> (B, L).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& c);

  UNet1dOptions opt;
  int64_t emb_dim = 0;
  torch::nn::Sequential time_mlp{nullptr}, cond_mlp{nullptr};
  torch::nn::Conv1d in_conv{nullptr}, out_conv{nullptr};
  torch::nn::ModuleList down_blocks, downsample, up_blocks, upsample;
  ResBlock1d mid{nullptr};
  Attention1d attn{nullptr};
  torch::nn::GroupNorm out_norm{nullptr};

 private:
  torch::Tensor embedding(const torch::Tensor& t, const torch::Tensor& c);
};
TORCH_MODULE(UNet1d);

// The GroupNorm group count used for a width (the largest of 8, 4, 2, 1 dividing it).
int64_t unet_groups(int64_t channels);

}  // namespace wl::gen
