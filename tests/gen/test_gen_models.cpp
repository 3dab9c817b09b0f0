// The autoencoder and the VAE: the KL term, falling losses, state round trip, sampling.
#include <gtest/gtest.h>

#include <cmath>

#include "../../src/gen/generator_model.hpp"
#include "sim_file.hpp"
#include "wavelearn/gen/prepare.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::gen {
namespace {

TEST(GenVae, KlTermMatchesTheClosedForm) {
  // D_KL(N(mu, s) || N(0, 1)) = -log s + (s^2 + mu^2) / 2 - 1/2, summed over latents.
  const auto mu = torch::tensor({{0.5f, -1.0f}, {0.0f, 0.0f}});
  const auto logvar = torch::tensor({{std::log(0.25f), 0.0f}, {0.0f, 0.0f}});
  const auto kl = vae_kl_divergence(mu, logvar);
  const double s = 0.5;
  const double expected = (-std::log(s) + (s * s + 0.25) / 2 - 0.5) + (0.0 + (1.0 + 1.0) / 2 - 0.5);
  EXPECT_NEAR(kl[0].item<double>(), expected, 1e-6);
  EXPECT_NEAR(kl[1].item<double>(), 0.0, 1e-7);  // zero exactly at the prior
}

struct Data {
  torch::Tensor x, c;
};

const Data& tiny_data() {
  static const Data d = [] {
    auto reader = io::open_reader(test::gen_sim_file());
    std::vector<std::size_t> events;
    for (std::size_t i = 0; i < 1200; ++i) events.push_back(i);
    PrepSpec spec;
    spec.window_samples = 128;
    spec.fit_events = 300;
    const auto m = fit_render_model(*reader, events, spec);
    const auto p = prepare_shapes(*reader, events, m);
    const auto n = static_cast<int64_t>(p.size());
    return Data{torch::from_blob(const_cast<float*>(p.shapes.data()), {n, 128}).clone(),
                torch::from_blob(const_cast<float*>(p.conditions.data()), {n, m.conditions()}).clone()};
  }();
  return d;
}

GeneratorSpec tiny_spec(const std::string& type) {
  GeneratorSpec s;
  s.type = type;
  s.samples = 128;
  s.conditions = tiny_data().c.size(1);
  s.latent = 4;
  s.channels = {8, 16, 16};
  s.kernel = 5;
  s.lr = 3e-3;
  s.extra["hidden"] = 32;
  // A wider assumed noise than the preset's: few steps are enough to pull the posterior
  // towards N(0, I), so that prior samples decode to pulses.
  if (type == "vae") s.extra["recon_sigma"] = 0.1;
  return s;
}

// Mean training loss of each of `epochs` passes over the tiny data.
std::vector<double> train_epochs(GeneratorModel& m, int epochs) {
  const auto& d = tiny_data();
  std::vector<double> out;
  const int64_t n = d.x.size(0), batch = 64;
  for (int e = 0; e < epochs; ++e) {
    double sum = 0;
    int64_t batches = 0;
    for (int64_t b = 0; b + batch <= n; b += batch, ++batches)
      sum += m.train_step(d.x.narrow(0, b, batch), d.c.narrow(0, b, batch), static_cast<uint64_t>(e * 1000 + b)).loss;
    out.push_back(sum / static_cast<double>(batches));
  }
  return out;
}

class GenModels : public ::testing::TestWithParam<std::string> {};

TEST_P(GenModels, LossFallsAndStateRoundTrips) {
  torch::manual_seed(1);
  auto m = make_generator(tiny_spec(GetParam()));
  const auto losses = train_epochs(*m, 8);
  EXPECT_LT(losses.back(), 0.7 * losses.front()) << losses.front() << " -> " << losses.back();
  const auto& d = tiny_data();
  m->finish_training(d.x, d.c);
  // A copy loaded from state() continues identically (parameters, optimiser, latent fit).
  torch::manual_seed(2);
  auto copy = make_generator(tiny_spec(GetParam()));
  copy->load_state(m->state());
  const auto a = m->train_step(d.x.narrow(0, 0, 64), d.c.narrow(0, 0, 64), 77);
  const auto b = copy->train_step(d.x.narrow(0, 0, 64), d.c.narrow(0, 0, 64), 77);
  EXPECT_DOUBLE_EQ(a.loss, b.loss);
  const auto s1 = m->sample(d.c.narrow(0, 0, 16), 9), s2 = copy->sample(d.c.narrow(0, 0, 16), 9);
  EXPECT_TRUE(torch::equal(s1, s2));
  EXPECT_TRUE(torch::equal(s1, m->sample(d.c.narrow(0, 0, 16), 9)));  // reproducible from the seed
  EXPECT_FALSE(torch::equal(s1, m->sample(d.c.narrow(0, 0, 16), 10)));
  // Generated shapes start at the baseline and reach the training shapes' mean height.
  const auto mean = m->sample(d.c, 3).mean(0), data_mean = d.x.mean(0);
  EXPECT_NEAR(mean[0].item<double>(), 0.0, 0.1);
  EXPECT_GT(mean[127].item<double>(), mean[0].item<double>() + 0.25);
  // Loose: a few hundred steps only begin to pull the VAE's posterior onto its prior.
  EXPECT_NEAR(mean[127].item<double>(), data_mean[127].item<double>(), 0.3);
}

INSTANTIATE_TEST_SUITE_P(AeVae, GenModels, ::testing::Values("autoencoder", "vae"));

TEST(GenModels, ImpossibleSpecNamesTheKey) {
  auto s = tiny_spec("vae");
  s.kernel = 4;
  try {
    make_generator(s);
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("model.kernel"), std::string::npos) << e.what();
  }
  s = tiny_spec("nope");
  EXPECT_THROW(make_generator(s), std::exception);
}

}  // namespace
}  // namespace wl::gen
