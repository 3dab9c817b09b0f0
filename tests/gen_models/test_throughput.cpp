// Throughput figures at the presets' sizes (not assertions): run with
//   test_gen_models --gtest_also_run_disabled_tests --gtest_filter='*Throughput*'
// WL_GEN_BENCH_L (window length, default 256), WL_GEN_BENCH_C (conditions, default 2),
// WL_GEN_BENCH_BATCH (default 128), WL_GEN_BENCH_T (diffusion steps, default 200) and
// WL_GEN_BENCH_K (kernel, default 7), WL_GEN_BENCH_THREADS (torch threads, default 2) set the
// sizes.
// bench/reference/gan_reference.py measures the same WGAN-GP in PyTorch.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "toy_shapes.hpp"

namespace wl::gen::test {
namespace {

int64_t env_or(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoll(v) : fallback;
}

GeneratorSpec bench_spec(const std::string& type) {
  GeneratorSpec s;
  s.type = type;
  s.samples = env_or("WL_GEN_BENCH_L", 256);
  s.conditions = env_or("WL_GEN_BENCH_C", 2);
  s.latent = 32;
  s.channels = {16, 32, 64};
  s.kernel = env_or("WL_GEN_BENCH_K", 7);
  s.critic_steps = 5;
  s.diffusion_steps = env_or("WL_GEN_BENCH_T", 200);
  s.sampling_steps = 50;
  s.lr = 2e-4;
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Training samples per second on one toy batch, after 5 warm-up steps.
double train_rate(GeneratorModel& m, const GeneratorSpec& s, int64_t steps) {
  const int64_t batch = env_or("WL_GEN_BENCH_BATCH", 128);
  const auto b = toy_batch(batch, s.samples, 1);
  const auto c = torch::cat({b.c, torch::rand({batch, s.conditions - 1})}, 1);
  for (int i = 0; i < 5; ++i) m.train_step(b.x, c, static_cast<uint64_t>(i));
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < steps; ++i) m.train_step(b.x, c, static_cast<uint64_t>(i));
  return static_cast<double>(batch * steps) / seconds_since(t0);
}

TEST(Throughput, DISABLED_GanAndDiffusion) {
  torch::set_num_threads(static_cast<int>(env_or("WL_GEN_BENCH_THREADS", 2)));
  torch::manual_seed(0);
  const auto gs = bench_spec("gan");
  auto gan = make_wgan_gp(gs);
  const int64_t L = gs.samples;
  std::printf("gan L=%ld C=%ld params=%ld: training %.0f samples/s (a critic update per batch, generator every 5th)\n",
              static_cast<long>(L), static_cast<long>(gs.conditions), static_cast<long>(gan->parameter_count()),
              train_rate(*gan, gs, 100));
  const auto c = torch::rand({1024, gs.conditions});
  auto t0 = std::chrono::steady_clock::now();
  gan->sample(c, 1);
  std::printf("gan sampling: %.0f waveforms/s\n", 1024.0 / seconds_since(t0));
  for (const double attention : {1.0, 0.0}) {
    auto spec = bench_spec("diffusion");
    spec.extra["attention"] = attention;
    auto ddpm = make_diffusion(spec);
    std::printf("diffusion L=%ld T=%ld attention=%g params=%ld: training %.0f samples/s\n", static_cast<long>(L),
                static_cast<long>(spec.diffusion_steps), attention, static_cast<long>(ddpm->parameter_count()),
                train_rate(*ddpm, spec, 20));
    for (const int64_t steps : {int64_t{50}, spec.diffusion_steps}) {
      spec.sampling_steps = steps;
      auto sampler = make_diffusion(spec);
      t0 = std::chrono::steady_clock::now();
      sampler->sample(c.slice(0, 0, 32), 1);
      std::printf("diffusion sampling %ld steps: %.1f waveforms/s (%ld network evaluations per waveform)\n",
                  static_cast<long>(steps), 32.0 / seconds_since(t0), static_cast<long>(steps));
    }
  }
}

}  // namespace
}  // namespace wl::gen::test
