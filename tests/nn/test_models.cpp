// Every model's forward shape, the lectures' FCNet sizes, and training-mode switches.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/models.hpp"

namespace {

using wl::nn::ModelSpec;

torch::Tensor forward(torch::jit::Module& m, const torch::Tensor& x) {
  return m.forward({x}).toTensor();
}

ModelSpec spec_of(const std::string& type) {
  ModelSpec s;
  s.type = type;
  return s;
}

TEST(Models, EveryTypeGivesBatchByOutputs) {
  torch::manual_seed(3);
  for (const std::string type : {"fcnet", "cnn", "lstm", "gru", "transformer"}) {
    for (int64_t n_out : {1, 3}) {
      auto spec = spec_of(type);
      spec.dropout = 0.1;
      const int64_t samples = 200;  // not the lectures' 1000: nothing assumes a length
      auto m = wl::nn::build_model(spec, samples, n_out);
      auto y = forward(m, torch::rand({5, samples}));
      EXPECT_EQ(y.sizes(), (std::vector<int64_t>{5, n_out})) << type;
      EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << type;
      EXPECT_GT(wl::nn::count_parameters(m), 0) << type;
    }
  }
}

TEST(Models, FcnetLayerSizesAreTheLectures) {
  auto m = wl::nn::build_model(spec_of("fcnet"), 1000, 1);
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& p : m.named_parameters()) shapes[p.name] = p.value.sizes().vec();
  const std::map<std::string, std::vector<int64_t>> expected = {
      {"fe0_weight", {512, 1000}}, {"fe0_bias", {512}}, {"fe1_weight", {256, 512}},
      {"fe1_bias", {256}},         {"fe2_weight", {32, 256}}, {"fe2_bias", {32}},
      {"task_weight", {1, 32}},    {"task_bias", {1}}};
  EXPECT_EQ(shapes, expected);
  // 1000*512+512 + 512*256+256 + 256*32+32 + 32+1
  EXPECT_EQ(wl::nn::count_parameters(m), 512512 + 131328 + 8224 + 33);
}

TEST(Models, FcnetMatchesAReferenceComputation) {
  torch::manual_seed(5);
  auto m = wl::nn::build_model(spec_of("fcnet"), 40, 2);
  std::map<std::string, torch::Tensor> p;
  for (const auto& np : m.named_parameters()) p[np.name] = np.value;
  auto x = torch::rand({4, 40});
  auto h = x;
  for (int i = 0; i < 3; ++i) {
    const std::string n = "fe" + std::to_string(i);
    h = torch::relu(torch::matmul(h, p[n + "_weight"].t()) + p[n + "_bias"]);
  }
  auto ref = torch::matmul(h, p["task_weight"].t()) + p["task_bias"];
  EXPECT_TRUE(torch::allclose(forward(m, x), ref, 1e-5, 1e-6));
}

TEST(Models, DropoutOnlyInTrainingMode) {
  torch::manual_seed(1);
  auto spec = spec_of("fcnet");
  spec.dropout = 0.5;
  auto m = wl::nn::build_model(spec, 50, 1);
  auto x = torch::rand({8, 50});
  m.eval();
  EXPECT_TRUE(torch::equal(forward(m, x), forward(m, x)));
  m.train();
  EXPECT_FALSE(torch::equal(forward(m, x), forward(m, x)));
}

TEST(Models, BatchNormUpdatesRunningStatsOnlyWhenTraining) {
  torch::manual_seed(2);
  auto m = wl::nn::build_model(spec_of("cnn"), 100, 1);
  auto mean_of = [&] { return m.attr("bn0_running_mean").toTensor().clone(); };
  auto before = mean_of();
  m.eval();
  forward(m, torch::rand({4, 100}) + 3);
  EXPECT_TRUE(torch::equal(before, mean_of()));
  m.train();
  forward(m, torch::rand({4, 100}) + 3);
  EXPECT_FALSE(torch::equal(before, mean_of()));
}

TEST(Models, InitialisationsDiffer) {
  for (const std::string init : {"he", "xavier"}) {
    torch::manual_seed(4);
    auto a = wl::nn::build_model(spec_of("fcnet"), 100, 1);
    auto spec = spec_of("fcnet");
    spec.init = init;
    torch::manual_seed(4);
    auto b = wl::nn::build_model(spec, 100, 1);
    EXPECT_FALSE(torch::equal(a.attr("fe0_weight").toTensor(), b.attr("fe0_weight").toTensor()));
    EXPECT_EQ(b.attr("fe0_bias").toTensor().abs().sum().item<double>(), 0.0);
  }
}

TEST(Models, SameSeedSameWeights) {
  torch::manual_seed(9);
  auto a = wl::nn::build_model(spec_of("transformer"), 100, 1);
  torch::manual_seed(9);
  auto b = wl::nn::build_model(spec_of("transformer"), 100, 1);
  auto pa = wl::nn::parameter_list(a), pb = wl::nn::parameter_list(b);
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i]));
}

TEST(Models, TransformerAttentionMapsAreDistributions) {
  auto spec = spec_of("transformer");
  auto m = wl::nn::build_model(spec, 100, 1);
  m.eval();
  auto maps = m.get_method("attention")({torch::rand({3, 100})}).toTensorList();
  ASSERT_EQ(static_cast<int64_t>(maps.size()), spec.layers);
  const torch::Tensor a = maps.get(0);
  const int64_t T = 100 / spec.patch_samples;
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{3, spec.heads, T, T}));
  EXPECT_TRUE(torch::allclose(a.sum(-1), torch::ones({3, spec.heads, T}), 1e-5, 1e-5));
}

// With global max and mean pooling the hidden layer sees 2C numbers, and a pulse moved by a
// multiple of the pooling stride (3 blocks of pool 2: 8 samples) gives the same output;
// flattened, the position matters.
TEST(Models, CnnGlobalPoolingSeesFeaturesWhereverTheyAre) {
  torch::manual_seed(11);
  auto spec = spec_of("cnn");
  spec.global_pool = "max_mean";
  auto m = wl::nn::build_model(spec, 400, 1);
  for (const auto& p : m.named_parameters()) {
    if (p.name == "fc_weight") {
      EXPECT_EQ(p.value.sizes(), (std::vector<int64_t>{32, 64}));
    }
  }
  m.eval();
  auto x = torch::zeros({1, 400});
  x.index_put_({0, torch::indexing::Slice(150, 190)}, torch::linspace(0.0, 1.0, 40));
  const auto moved = torch::roll(x, 64, 1);
  EXPECT_LT((forward(m, x) - forward(m, moved)).abs().item<double>(), 1e-5);
  auto flat = wl::nn::build_model(spec_of("cnn"), 400, 1);
  flat.eval();
  EXPECT_GT((forward(flat, x) - forward(flat, moved)).abs().item<double>(), 1e-4);
}

TEST(Models, BadSpecsAreInputErrors) {
  auto spec = spec_of("transformer");
  spec.d_model = 30;  // not a multiple of 4 heads
  EXPECT_THROW(wl::nn::build_model(spec, 100, 1), wl::core::InputError);
  EXPECT_THROW(wl::nn::build_model(spec_of("mlp"), 100, 1), wl::core::InputError);
  auto cnn = spec_of("cnn");
  cnn.pool = 8;
  EXPECT_THROW(wl::nn::build_model(cnn, 20, 1), wl::core::InputError);
  auto global = spec_of("cnn");
  global.global_pool = "max";
  EXPECT_THROW(wl::nn::build_model(global, 100, 1), wl::core::InputError);
}

}  // namespace
