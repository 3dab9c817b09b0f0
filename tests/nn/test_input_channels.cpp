// model.input_channels: the current (derivative) as a second channel computed inside the
// network from the (batch, L) window: what each model sees, the first layer's extra
// parameters, the masked pretraining models, gradients w.r.t. the window, bad names.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/models.hpp"

namespace {

using wl::nn::ModelSpec;

ModelSpec spec_of(const std::string& type, std::vector<std::string> channels) {
  ModelSpec s;
  s.type = type;
  s.input_channels = std::move(channels);
  return s;
}

torch::Tensor expected_current(const torch::Tensor& x) {
  auto c = torch::zeros_like(x);
  c.slice(1, 1).copy_((x.slice(1, 1) - x.slice(1, 0, -1)) * wl::nn::kCurrentScale);
  return c;
}

}  // namespace

TEST(InputChannels, FirstLayerGrowsByOneChannelsWorth) {
  constexpr int64_t L = 200;
  const ModelSpec d;  // the defaults give the sizes below
  const std::map<std::string, int64_t> extra = {
      {"cnn", d.channels[0] * d.kernels[0]},
      {"transformer", d.d_model * d.patch_samples},
      {"lstm", 4 * d.rnn_hidden * d.rnn_step_samples},
      {"gru", 3 * d.rnn_hidden * d.rnn_step_samples},
      {"fcnet", d.hidden[0] * L}};
  for (const auto& [type, n] : extra) {
    torch::manual_seed(1);
    auto one = wl::nn::build_model(spec_of(type, {"waveform"}), L, 1);
    auto two = wl::nn::build_model(spec_of(type, {"waveform", "current"}), L, 1);
    EXPECT_EQ(wl::nn::count_parameters(two) - wl::nn::count_parameters(one), n) << type;
    auto y = two.forward({torch::rand({4, L})}).toTensor();
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{4, 1})) << type;
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << type;
  }
}

TEST(InputChannels, ChannelsAreTheWindowAndItsScaledDerivative) {
  const auto x = torch::rand({3, 100});
  auto cnn = wl::nn::build_model(spec_of("cnn", {"waveform", "current"}), 100, 1);
  const auto c = cnn.get_method("stack_channels")({x}).toTensor();
  ASSERT_EQ(c.sizes(), (std::vector<int64_t>{3, 2, 100}));
  EXPECT_TRUE(torch::equal(c.select(1, 0), x));
  EXPECT_TRUE(torch::allclose(c.select(1, 1), expected_current(x), 1e-6, 1e-6));
  auto only = wl::nn::build_model(spec_of("cnn", {"current"}), 100, 1);
  EXPECT_TRUE(torch::allclose(only.get_method("stack_channels")({x}).toTensor().select(1, 0), expected_current(x),
                              1e-6, 1e-6));
  // Transformer patch p: its P window samples, then its P current samples.
  auto tr = wl::nn::build_model(spec_of("transformer", {"waveform", "current"}), 100, 1);
  const auto p = tr.get_method("patches")({x}).toTensor();
  const int64_t P = ModelSpec{}.patch_samples, T = 100 / P;
  ASSERT_EQ(p.sizes(), (std::vector<int64_t>{3, T, 2 * P}));
  EXPECT_TRUE(torch::equal(p[0][1].slice(0, 0, P), x[0].slice(0, P, 2 * P)));
  EXPECT_TRUE(torch::allclose(p[0][1].slice(0, P), expected_current(x)[0].slice(0, P, 2 * P), 1e-6, 1e-6));
}

TEST(InputChannels, AttributionsStayOnTheWindow) {
  auto m = wl::nn::build_model(spec_of("cnn", {"waveform", "current"}), 100, 1);
  m.eval();
  auto x = torch::rand({2, 100}).requires_grad_(true);
  m.forward({x}).toTensor().sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().sizes(), x.sizes());
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

TEST(InputChannels, MaskedPretrainingModelsTakeThem) {
  const auto spec_t = spec_of("transformer", {"waveform", "current"});
  auto t = wl::nn::build_masked_transformer(spec_t, 100, 0.5);
  const int64_t P = spec_t.patch_samples;
  EXPECT_EQ(t.forward({torch::rand({2, 100})}).toTensor().sizes(), (std::vector<int64_t>{2, 100 / P, 2 * P + 1}));
  auto c = wl::nn::build_masked_cnn(spec_of("cnn", {"waveform", "current"}), 100, 0.5, 10);
  EXPECT_EQ(c.forward({torch::rand({2, 100})}).toTensor().sizes(), (std::vector<int64_t>{2, 10, 21}));
}

TEST(InputChannels, ConfigKeyAndBadNames) {
  auto cfg = wl::core::Config::parse("[model]\ntype = \"cnn\"\ninput_channels = [\"waveform\", \"current\"]\n");
  EXPECT_EQ(wl::nn::model_spec_from(cfg).input_channels, (std::vector<std::string>{"waveform", "current"}));
  EXPECT_EQ(wl::nn::model_spec_from(wl::core::Config::parse("[model]\ntype = \"cnn\"\n")).input_channels,
            (std::vector<std::string>{"waveform"}));
  for (const char* bad : {"[\"waveform\", \"voltage\"]", "[]", "[\"current\", \"current\"]"}) {
    try {
      wl::nn::model_spec_from(wl::core::Config::parse(std::string("[model]\ninput_channels = ") + bad + "\n"));
      ADD_FAILURE() << bad;
    } catch (const wl::core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("model.input_channels"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(wl::nn::build_model(spec_of("cnn", {"charge"}), 100, 1), wl::core::InputError);
}
