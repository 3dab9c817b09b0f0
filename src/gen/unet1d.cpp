#include "unet1d.hpp"

#include <cmath>

namespace wl::gen {

namespace {

namespace F = torch::nn::functional;

// Sinusoid features of the noise level fed to the time MLP.
constexpr int64_t kTimeFeatures = 32;

torch::nn::Conv1d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1) {
  return torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

// Output layers of residual branches start at zero so every block starts as the identity
// (Ho et al. 2020 / Nichol & Dhariwal 2021): the untrained net passes its input through and
// deep stacks train from the first step.
void zero_init(torch::nn::Conv1d& c) {
  torch::NoGradGuard no_grad;
  c->weight.zero_();
  if (c->bias.defined()) c->bias.zero_();
}

// Sinusoids of the (scaled) noise-level index, as in the Transformer position encoding.
torch::Tensor sinusoids(const torch::Tensor& t, int64_t dim) {
  const int64_t half = dim / 2;
  const auto freq = torch::exp(-std::log(10000.0) * torch::arange(half, torch::kFloat) / static_cast<double>(half));
  const auto arg = t.unsqueeze(1) * freq.unsqueeze(0);
  return torch::cat({torch::sin(arg), torch::cos(arg)}, 1);
}

}  // namespace

int64_t unet_groups(int64_t channels) {
  for (const int64_t g : {8, 4, 2}) if (channels % g == 0) return g;
  return 1;
}

ResBlock1dImpl::ResBlock1dImpl(int64_t in, int64_t out, int64_t emb_dim, int64_t kernel) {
  norm1 = register_module("norm1", torch::nn::GroupNorm(unet_groups(in), in));
  conv1 = register_module("conv1", conv(in, out, kernel));
  emb_proj = register_module("emb_proj", torch::nn::Linear(emb_dim, out));
  norm2 = register_module("norm2", torch::nn::GroupNorm(unet_groups(out), out));
  conv2 = register_module("conv2", conv(out, out, kernel));
  zero_init(conv2);
  if (in != out) skip = register_module("skip", conv(in, out, 1));
}

torch::Tensor ResBlock1dImpl::forward(const torch::Tensor& h, const torch::Tensor& emb) {
  auto y = conv1(F::silu(norm1(h)));
  y = y + emb_proj(F::silu(emb)).unsqueeze(2);
  y = conv2(F::silu(norm2(y)));
  return y + (skip ? skip(h) : h);
}

Attention1dImpl::Attention1dImpl(int64_t channels) {
  norm = register_module("norm", torch::nn::GroupNorm(unet_groups(channels), channels));
  qkv = register_module("qkv", conv(channels, 3 * channels, 1));
  proj = register_module("proj", conv(channels, channels, 1));
  zero_init(proj);
}

torch::Tensor Attention1dImpl::forward(const torch::Tensor& h) {
  const auto parts = qkv(norm(h)).chunk(3, 1);  // each (B, ch, n)
  const double scale = 1.0 / std::sqrt(static_cast<double>(h.size(1)));
  const auto weights = torch::softmax(torch::bmm(parts[0].transpose(1, 2), parts[1]) * scale, -1);  // (B, n, n)
  const auto mixed = torch::bmm(parts[2], weights.transpose(1, 2));                                // (B, ch, n)
  return h + proj(mixed);
}

UNet1dImpl::UNet1dImpl(const UNet1dOptions& o) : opt(o) {
  const auto& ch = o.channels;
  const int64_t levels = static_cast<int64_t>(ch.size());
  emb_dim = 4 * ch.front();
  time_mlp = register_module("time_mlp", torch::nn::Sequential(torch::nn::Linear(kTimeFeatures, emb_dim),
                                                               torch::nn::SiLU(), torch::nn::Linear(emb_dim, emb_dim)));
  if (o.conditions > 0)
    cond_mlp = register_module(
        "cond_mlp", torch::nn::Sequential(torch::nn::Linear(o.conditions, emb_dim), torch::nn::SiLU(),
                                          torch::nn::Linear(emb_dim, emb_dim)));
  in_conv = register_module("in_conv", conv(o.in_channels, ch.front(), o.kernel));
  int64_t width = ch.front();
  for (int64_t i = 0; i < levels; ++i) {
    const int64_t w = ch[static_cast<std::size_t>(i)];
    down_blocks->push_back(ResBlock1d(width, w, emb_dim, o.kernel));
    if (i + 1 < levels) downsample->push_back(conv(w, w, 3, 2));
    width = w;
  }
  mid = register_module("mid", ResBlock1d(width, width, emb_dim, o.kernel));
  if (o.attention) attn = register_module("attn", Attention1d(width));
  for (int64_t i = levels - 1; i >= 0; --i) {
    const int64_t w = ch[static_cast<std::size_t>(i)];
    up_blocks->push_back(ResBlock1d(2 * w, w, emb_dim, o.kernel));
    if (i > 0) upsample->push_back(conv(w, ch[static_cast<std::size_t>(i - 1)], 3));
  }
  register_module("down_blocks", down_blocks);
  register_module("downsample", downsample);
  register_module("up_blocks", up_blocks);
  register_module("upsample", upsample);
  out_norm = register_module("out_norm", torch::nn::GroupNorm(unet_groups(ch.front()), ch.front()));
  out_conv = register_module("out_conv", conv(ch.front(), 1, o.kernel));
  zero_init(out_conv);
}

torch::Tensor UNet1dImpl::embedding(const torch::Tensor& t, const torch::Tensor& c) {
  auto emb = time_mlp->forward(sinusoids(t * opt.time_scale, kTimeFeatures));
  if (cond_mlp) emb = emb + cond_mlp->forward(c);
  return emb;
}

torch::Tensor UNet1dImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& c) {
  const auto emb = embedding(t, c);
  const int64_t levels = static_cast<int64_t>(opt.channels.size());
  auto h = in_conv(x.dim() == 2 ? x.unsqueeze(1) : x);
  std::vector<torch::Tensor> skips;
  for (int64_t i = 0; i < levels; ++i) {
    h = down_blocks[i]->as<ResBlock1d>()->forward(h, emb);
    skips.push_back(h);
    if (i + 1 < levels) h = downsample[i]->as<torch::nn::Conv1d>()->forward(h);
  }
  h = mid(h, emb);
  if (attn) h = attn(h);
  for (int64_t j = 0; j < levels; ++j) {
    const auto i = static_cast<std::size_t>(levels - 1 - j);
    h = up_blocks[j]->as<ResBlock1d>()->forward(torch::cat({h, skips[i]}, 1), emb);
    if (i > 0) {
      h = F::interpolate(h, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0}).mode(torch::kNearest));
      h = upsample[j]->as<torch::nn::Conv1d>()->forward(h);
    }
  }
  return out_conv(F::silu(out_norm(h))).squeeze(1);
}

}  // namespace wl::gen
