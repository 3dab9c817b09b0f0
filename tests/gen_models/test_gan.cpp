// WGAN-GP: learns the toy shapes' mean, reproducible sampling, exact resume, bad specs.
#include <gtest/gtest.h>

#include "toy_shapes.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::gen::test {
namespace {

constexpr int64_t kLength = 64;

void train(GeneratorModel& m, int64_t from_step, int64_t to_step) {
  for (int64_t i = from_step; i < to_step; ++i) {
    const auto b = toy_batch(32, kLength, 1000 + static_cast<uint64_t>(i));
    m.train_step(b.x, b.c, 5000 + static_cast<uint64_t>(i));
  }
}

TEST(Gan, GeneratedMeanShapeApproachesDataMean) {
  torch::manual_seed(1);
  auto m = make_wgan_gp(small_spec("gan", kLength));
  const auto probe = toy_batch(512, kLength, 77);
  const auto mean = toy_mean(kLength);
  const double before = rms(m->sample(probe.c, 3).mean(0) - mean);
  const auto val = toy_batch(256, kLength, 78);
  const double w_before = m->evaluate(val.x, val.c, 9).parts.at("wasserstein");
  train(*m, 0, 800);
  const double after = rms(m->sample(probe.c, 3).mean(0) - mean);
  const auto ev = m->evaluate(val.x, val.c, 9);
  std::printf("gan: mean-shape rms %.4f -> %.4f, val wasserstein %.4f -> %.4f\n", before, after, w_before,
              ev.parts.at("wasserstein"));
  EXPECT_LT(after, 0.1);
  EXPECT_LT(after, 0.3 * before);
  for (const char* k : {"critic", "gen", "gp", "wasserstein"}) EXPECT_TRUE(ev.parts.count(k)) << k;
  EXPECT_DOUBLE_EQ(ev.loss, ev.parts.at("wasserstein"));
}

TEST(Gan, SampleIsReproducibleFromSeed) {
  torch::manual_seed(2);
  auto m = make_wgan_gp(small_spec("gan", kLength));
  train(*m, 0, 4);
  const auto c = toy_batch(16, kLength, 5).c;
  const auto a = m->sample(c, 11), b = m->sample(c, 11), d = m->sample(c, 12);
  ASSERT_EQ(a.sizes(), (std::vector<int64_t>{16, kLength}));
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_GT((a - d).abs().max().item<double>(), 1e-4);
  EXPECT_TRUE(torch::isfinite(a).all().item<bool>());
}

TEST(Gan, ResumeContinuesExactly) {
  const auto spec = small_spec("gan", kLength);  // critic_steps 2: the resume point splits a cycle
  torch::manual_seed(3);
  auto straight = make_wgan_gp(spec);
  torch::manual_seed(3);
  auto first = make_wgan_gp(spec);
  torch::manual_seed(99);  // a different initialisation, overwritten by load_state
  auto resumed = make_wgan_gp(spec);
  train(*straight, 0, 9);
  train(*first, 0, 5);
  resumed->load_state(first->state());
  train(*resumed, 5, 9);
  const auto a = straight->state(), b = resumed->state();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, t] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_LE((t.to(torch::kDouble) - b.at(name).to(torch::kDouble)).abs().max().item<double>(), 1e-6) << name;
  }
  const auto c = toy_batch(8, kLength, 6).c;
  EXPECT_TRUE(torch::allclose(straight->sample(c, 1), resumed->sample(c, 1), 0.0, 1e-6));
}

TEST(Gan, LoadStateNamesMissingKey) {
  auto m = make_wgan_gp(small_spec("gan", kLength));
  auto s = m->state();
  s.erase("critic.head.weight");
  try {
    m->load_state(s);
    FAIL() << "no InputError";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("critic.head.weight"), std::string::npos) << e.what();
  }
}

void expect_bad(GeneratorSpec s, const std::string& key) {
  try {
    make_wgan_gp(s);
    FAIL() << "no InputError for " << key;
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model." + key), std::string::npos) << e.what();
  }
}

TEST(Gan, BadSpecNamesTheKey) {
  auto s = small_spec("gan", kLength);
  s.critic_steps = 0;
  expect_bad(s, "critic_steps");
  s = small_spec("gan", kLength);
  s.samples = 66;  // three levels need L divisible by 4
  s.channels = {8, 16, 32};
  expect_bad(s, "samples");
  s = small_spec("gan", kLength);
  s.kernel = 4;
  expect_bad(s, "kernel");
  s = small_spec("gan", kLength);
  s.latent = 0;
  expect_bad(s, "latent");
}

}  // namespace
}  // namespace wl::gen::test
