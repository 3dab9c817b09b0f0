#pragma once
// A toy distribution of normalised pulse shapes for the generator tests: smooth steps
// (logistic) from 0 to 1 at a random rise position, whose rise width grows with the
// condition c in [0, 1), plus white noise. Seeded, no files.
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include "../../src/gen/generator_model.hpp"

namespace wl::gen::test {

struct ToyBatch {
  torch::Tensor x, c;  // (B, L), (B, 1)
};

inline ToyBatch toy_batch(int64_t batch, int64_t length, uint64_t seed, double noise = 0.01) {
  auto rng = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto c = torch::rand({batch, 1}, rng);
  const auto rise = (0.35 + 0.2 * torch::rand({batch, 1}, rng)) * static_cast<double>(length);
  const auto width = (1.0 + 4.0 * c) * static_cast<double>(length) / 64.0;
  const auto s = torch::arange(length, torch::kFloat).unsqueeze(0);
  const auto x = torch::sigmoid((s - rise) / width) + noise * torch::randn({batch, length}, rng);
  return {x, c};
}

// The per-sample mean shape of a big toy sample: what generated means are compared with.
inline torch::Tensor toy_mean(int64_t length) { return toy_batch(4096, length, 999, 0.0).x.mean(0); }

inline double rms(const torch::Tensor& a) { return a.pow(2).mean().sqrt().item<double>(); }

inline GeneratorSpec small_spec(const std::string& type, int64_t length) {
  GeneratorSpec s;
  s.type = type;
  s.samples = length;
  s.conditions = 1;
  s.latent = 8;
  s.channels = {8, 16};
  s.kernel = 5;
  s.critic_steps = 2;
  s.diffusion_steps = 50;
  s.sampling_steps = 10;
  s.lr = 1e-3;
  return s;
}

}  // namespace wl::gen::test

namespace wl::gen::test {

// Mean over samples of each trace's steepest rise per sample: 1 / (4 width) for a clean
// toy step, so it falls as c grows; a conditioned generator must reproduce that.
inline double mean_max_slope(const torch::Tensor& x) {
  const auto d = x.slice(1, 2) - x.slice(1, 0, -2);  // central difference over 2 samples
  return (d.amax(1) / 2.0).mean().item<double>();
}

inline torch::Tensor constant_conditions(int64_t batch, double value) { return torch::full({batch, 1}, value); }

}  // namespace wl::gen::test
