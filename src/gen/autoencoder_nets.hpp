#pragma once
// The convolutional encoder and the conditioned decoder the autoencoder and the VAE share.
// Encoder: the shape (B, L) with the conditions as constant extra channels -> one stride-2
// conv per level -> a hidden linear layer -> `out` numbers. Decoder: latent + conditions ->
// linear layers -> (channels.back(), L / 2^levels) -> per level a linear upsampling x2 and a
// conv with the conditions as extra channels -> (B, L). Upsampling + conv rather than
// transposed convs: no checkerboard pattern a classifier could tell generated pulses by.
// Internal to src/gen.
#include <cstdint>
#include <vector>

#include "generator_model.hpp"

namespace wl::gen::detail {

namespace F = torch::nn::functional;

inline torch::Tensor leaky(const torch::Tensor& x) {
  return F::leaky_relu(x, F::LeakyReLUFuncOptions().negative_slope(0.2));
}

// c (B, C) as C constant channels of h (B, ch, n).
inline torch::Tensor cat_conditions(const torch::Tensor& h, const torch::Tensor& c) {
  if (c.size(1) == 0) return h;
  return torch::cat({h, c.unsqueeze(2).expand({c.size(0), c.size(1), h.size(2)})}, 1);
}

inline torch::nn::Conv1d conv1d(int64_t in, int64_t out, int64_t kernel, int64_t stride) {
  return torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

struct ShapeEncoderImpl : torch::nn::Module {
  ShapeEncoderImpl(const GeneratorSpec& s, int64_t conditions, int64_t hidden, int64_t out) {
    int64_t in = 1;
    for (auto ch : s.channels) {
      convs->push_back(conv1d(in + conditions, ch, s.kernel, 2));
      in = ch;
    }
    register_module("convs", convs);
    const int64_t flat = s.channels.back() * (s.samples >> s.channels.size());
    fc1 = register_module("fc1", torch::nn::Linear(flat + conditions, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, out));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& c) {
    auto h = x.unsqueeze(1);
    for (auto& m : *convs) h = leaky(m->as<torch::nn::Conv1d>()->forward(cat_conditions(h, c)));
    h = torch::cat({h.flatten(1), c}, 1);
    return fc2(leaky(fc1(h)));
  }
  torch::nn::ModuleList convs;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ShapeEncoder);

struct ShapeDecoderImpl : torch::nn::Module {
  ShapeDecoderImpl(const GeneratorSpec& s, int64_t latent, int64_t hidden)
      : levels(static_cast<int64_t>(s.channels.size())), start_len(s.samples >> s.channels.size()) {
    fc1 = register_module("fc1", torch::nn::Linear(latent + s.conditions, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, s.channels.back() * start_len));
    for (int64_t i = levels - 1; i >= 0; --i) {
      const int64_t ch = s.channels[static_cast<std::size_t>(i)];
      const int64_t next = i > 0 ? s.channels[static_cast<std::size_t>(i - 1)] : s.channels.front();
      convs->push_back(conv1d(ch + s.conditions, next, s.kernel, 1));
    }
    register_module("convs", convs);
    out = register_module("out", conv1d(s.channels.front(), 1, s.kernel, 1));
  }
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& c) {
    auto h = leaky(fc2(leaky(fc1(torch::cat({z, c}, 1)))));
    h = h.view({z.size(0), -1, start_len});
    for (auto& m : *convs) {
      h = F::interpolate(h, F::InterpolateFuncOptions()
                                .scale_factor(std::vector<double>{2.0})
                                .mode(torch::kLinear)
                                .align_corners(false));
      h = leaky(m->as<torch::nn::Conv1d>()->forward(cat_conditions(h, c)));
    }
    return out(h).squeeze(1);
  }
  int64_t levels, start_len;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::ModuleList convs;
  torch::nn::Conv1d out{nullptr};
};
TORCH_MODULE(ShapeDecoder);

// Spec checks both models share (InputError naming the [model] key).
void check_autoencoder_spec(const GeneratorSpec& s);

}  // namespace wl::gen::detail
