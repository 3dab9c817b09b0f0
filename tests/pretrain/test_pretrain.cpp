// Masked-patch pretraining, loading its encoder into a classifier, frozen fine-tuning and the
// labelled subset of the training part. Tiny tensors and files: the whole file runs in seconds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "data/synthetic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/pipeline.hpp"
#include "wavelearn/nn/heads.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"
#include "wavelearn/train/init_from.hpp"
#include "wavelearn/train/trainer.hpp"

namespace fs = std::filesystem;
using wl::nn::Head;
using wl::nn::HeadSpec;
using wl::nn::ModelSpec;

namespace {

constexpr int64_t kSamples = 200;

// Pulses: a smoothed step at a random time with a random rise, plus a little noise.
torch::Tensor pulses(int64_t n, uint64_t seed) {
  torch::manual_seed(seed);
  const auto t = torch::arange(kSamples, torch::kFloat).unsqueeze(0);
  const auto t0 = torch::rand({n, 1}) * 80 + 60;
  const auto rise = torch::rand({n, 1}) * 15 + 3;
  return torch::sigmoid((t - t0) / rise) + 0.01 * torch::randn({n, kSamples});
}

ModelSpec transformer_spec() {
  ModelSpec s;
  s.type = "transformer";
  s.patch_samples = 10;
  s.d_model = 16;
  s.heads = 2;
  s.layers = 1;
  s.mlp_hidden = 32;
  s.init = "xavier";
  return s;
}

ModelSpec cnn_spec() {
  ModelSpec s;
  s.type = "cnn";
  s.channels = {4, 8};
  s.kernels = {5, 3};
  s.strides = {1, 1};
  s.paddings = {-1, -1};
  s.fc_hidden = 8;
  s.init = "he";
  return s;
}

Head masked_head(int64_t span = 10) {
  HeadSpec h;
  h.kind = "masked_patches";
  h.mask_ratio = 0.6;
  h.mask_span_samples = span;
  return Head(h);
}

Head binary_head() {
  HeadSpec h;
  h.kind = "binary_logits";
  h.target_names = {"label"};
  return Head(h);
}

wl::train::TrainSpec spec(int64_t epochs, double lr = 3e-3) {
  wl::train::TrainSpec s;
  s.epochs = epochs;
  s.lr = lr;
  return s;
}

std::vector<double> train_losses(const ModelSpec& m, int64_t epochs) {
  const auto head = masked_head();
  torch::manual_seed(3);
  auto model = wl::nn::build_pretrain_model(m, kSamples, head.spec());
  wl::nn::attach_head(model, head);
  const auto x = pulses(256, 5);
  wl::train::TensorSource src(x, torch::empty({256, 0}), 32, true, true, 1);
  wl::train::Trainer trainer(model, head, spec(epochs), true);
  trainer.fit(src, nullptr);
  std::vector<double> out;
  for (const auto& r : trainer.state().history) out.push_back(r.train_loss);
  return out;
}

// A run directory as train.init_from reads it: model.pt (with metadata) and config.toml.
fs::path write_run(const std::string& name, torch::jit::Module& model, const Head& head, const std::string& model_toml) {
  const fs::path dir = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  nlohmann::json meta = {{"format", "wavelearn-model"}, {"model_type", "x"}, {"input_samples", kSamples},
                         {"head", nlohmann::json::parse(head.to_json())}, {"seed", 11}};
  wl::nn::save_model(model, dir / "model.pt", meta.dump(), "", true);
  wl::core::Config::parse(model_toml, "test").write(dir / "config.toml", true);
  return dir;
}

const char* kTransformerToml =
    "[model]\ntype = \"transformer\"\npatch_samples = 10\nd_model = 16\nheads = 2\nlayers = 1\nmlp_hidden = 32\n";

}  // namespace

TEST(Pretrain, MaskedTransformerLossFalls) {
  const auto loss = train_losses(transformer_spec(), 6);
  ASSERT_EQ(loss.size(), 6u);
  EXPECT_LT(loss.back(), 0.6 * loss.front()) << loss.front() << " -> " << loss.back();
}

TEST(Pretrain, MaskedCnnLossFalls) {
  const auto loss = train_losses(cnn_spec(), 6);
  EXPECT_LT(loss.back(), 0.6 * loss.front()) << loss.front() << " -> " << loss.back();
}

TEST(Pretrain, LossCountsMaskedPatchesOnly) {
  // Reconstruction exact on the visible patches and off by 1 on the masked ones: error 1.
  auto out = torch::zeros({1, 4, 5});  // P = 2: [pred(2), clean(2), mask(1)]
  out.index_put_({0, torch::indexing::Slice(0, 2), 0}, 1.0);  // patches 0, 1: pred 1 vs clean 0
  out.index_put_({0, torch::indexing::Slice(0, 2), 4}, 1.0);  // ... and masked
  out.index_put_({0, 2, 1}, 5.0);                             // patch 2: wrong but visible
  EXPECT_NEAR(masked_head().loss(out, torch::empty({1, 0})).item<double>(), 0.5, 1e-6);
}

TEST(Pretrain, EncoderLoadsIntoClassifierByName) {
  const auto head = masked_head();
  torch::manual_seed(1);
  auto pre = wl::nn::build_pretrain_model(transformer_spec(), kSamples, head.spec());
  wl::nn::attach_head(pre, head);
  const auto run = write_run("wl_pretrain_run", pre, head, kTransformerToml);
  torch::manual_seed(2);
  auto clf = wl::nn::build_model(transformer_spec(), kSamples, 1);
  const auto task_before = clf.attr("task_weight").toTensor().clone();
  const auto cfg = wl::core::Config::parse(kTransformerToml, "test");
  const auto init = wl::train::load_encoder(cfg, run, clf, kSamples);
  std::map<std::string, torch::Tensor> there;
  for (const auto& p : pre.named_parameters()) there[p.name] = p.value;
  std::size_t compared = 0;
  for (const auto& p : clf.named_parameters()) {
    if (p.name.rfind("task_", 0) == 0) continue;
    ASSERT_TRUE(there.count(p.name)) << p.name;
    EXPECT_TRUE(torch::equal(p.value, there[p.name])) << p.name;
    ++compared;
  }
  EXPECT_EQ(init.parameters.size(), compared);
  EXPECT_TRUE(torch::equal(clf.attr("task_weight").toTensor(), task_before));  // the task layer stays fresh
  EXPECT_EQ(init.task, "masked_patches");
  EXPECT_EQ(init.seed, 11u);
  fs::remove_all(run);
}

TEST(Pretrain, IncompatibleEncoderNamesTheKey) {
  const auto head = masked_head();
  auto pre = wl::nn::build_pretrain_model(transformer_spec(), kSamples, head.spec());
  const auto run = write_run("wl_pretrain_bad", pre, head, kTransformerToml);
  auto other = transformer_spec();
  other.d_model = 32;
  auto clf = wl::nn::build_model(other, kSamples, 1);
  const auto cfg = wl::core::Config::parse(
      "[model]\ntype = \"transformer\"\npatch_samples = 10\nd_model = 32\nheads = 2\nlayers = 1\nmlp_hidden = 32\n");
  try {
    wl::train::load_encoder(cfg, run, clf, kSamples);
    FAIL() << "an encoder of another width was loaded";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model.d_model is 16 there, 32 here"), std::string::npos) << e.what();
  }
  EXPECT_THROW(wl::train::load_encoder(cfg, run / "missing", clf, kSamples), wl::core::InputError);
  fs::remove_all(run);
}

TEST(Pretrain, FrozenEncoderStaysWhileTaskLayerLearns) {
  torch::manual_seed(4);
  auto clf = wl::nn::build_model(cnn_spec(), kSamples, 1);
  const auto head = binary_head();
  wl::nn::attach_head(clf, head);
  std::vector<std::string> encoder;
  std::map<std::string, torch::Tensor> before;
  for (const auto& p : clf.named_parameters()) {
    before[p.name] = p.value.clone();
    if (p.name.rfind("conv", 0) == 0 || p.name.rfind("bn", 0) == 0) encoder.push_back(p.name);
  }
  auto s = spec(2);
  s.freeze_encoder = true;
  const auto x = pulses(128, 6);
  const auto y = (x.select(1, 100) > 0.5).to(torch::kFloat).unsqueeze(1);
  wl::train::TensorSource src(x, y, 32, true, true, 1);
  wl::train::Trainer trainer(clf, head, s, true, encoder);
  trainer.fit(src, nullptr);
  for (const auto& p : clf.named_parameters()) {
    const bool frozen = std::find(encoder.begin(), encoder.end(), p.name) != encoder.end();
    if (frozen) {
      EXPECT_TRUE(torch::equal(p.value, before[p.name])) << p.name << " changed";
    }
    if (p.name == "task_weight" || p.name == "fc_weight") {
      EXPECT_FALSE(torch::equal(p.value, before[p.name])) << p.name;
    }
  }
}

TEST(Pretrain, EncoderLearningRateIsItsOwn) {
  // encoder_lr tiny: the encoder barely moves while the rest moves at train.lr.
  torch::manual_seed(4);
  auto clf = wl::nn::build_model(cnn_spec(), kSamples, 1);
  const auto head = binary_head();
  wl::nn::attach_head(clf, head);
  const auto w0 = clf.attr("conv0_weight").toTensor().clone(), t0 = clf.attr("task_weight").toTensor().clone();
  auto s = spec(1, 1e-2);
  s.encoder_lr = 1e-7;
  const auto x = pulses(128, 6);
  const auto y = (x.select(1, 100) > 0.5).to(torch::kFloat).unsqueeze(1);
  wl::train::TensorSource src(x, y, 32, true, true, 1);
  wl::train::Trainer trainer(clf, head, s, true, {"conv0_weight", "conv0_bias"});
  trainer.fit(src, nullptr);
  const double moved_encoder = (clf.attr("conv0_weight").toTensor() - w0).abs().max().item<double>();
  const double moved_task = (clf.attr("task_weight").toTensor() - t0).abs().max().item<double>();
  EXPECT_GT(moved_encoder, 0.0);
  EXPECT_LT(moved_encoder, 1e-4);
  EXPECT_GT(moved_task, 1e-3);
}

TEST(Pretrain, LabelFractionIsAReproducibleSubsetOfTrainOnly) {
  const fs::path file = fs::temp_directory_path() / ("wl_pretrain_labels_" + std::to_string(::getpid()) + ".h5");
  wl::test::SyntheticSpec ss;
  ss.n_events = 1000;
  ss.n_samples = 100;
  wl::test::write_synthetic(file, ss);
  auto split_with = [&](const std::string& extra) {
    auto c = wl::core::Config::parse(
        "[data]\nfile = \"" + file.string() + "\"\ntargets = [\"psd_label_low_avse\"]\n" + extra +
        "[preprocess]\nwindow = \"fixed\"\nwindow_start_ns = 0.0\nwindow_length_ns = 1000.0\n");
    return wl::data::prepare_training_data(c).split;
  };
  const auto full = split_with(""), tenth = split_with("label_fraction = 0.1\n");
  const auto again = split_with("label_fraction = 0.1\n"), twentieth = split_with("label_fraction = 0.05\n");
  const auto other_seed = split_with("label_fraction = 0.1\nlabel_seed = 9\n");
  const auto capped = split_with("max_labelled_events = 7\n");
  EXPECT_EQ(tenth.validation, full.validation);
  EXPECT_EQ(tenth.test, full.test);
  EXPECT_EQ(tenth.train.size(), static_cast<std::size_t>(std::llround(0.1 * full.train.size())));
  EXPECT_EQ(tenth.train, again.train);
  EXPECT_NE(tenth.train, other_seed.train);
  EXPECT_EQ(capped.train.size(), 7u);
  const std::set<std::size_t> all(full.train.begin(), full.train.end()), ten(tenth.train.begin(), tenth.train.end());
  for (const auto r : tenth.train) EXPECT_TRUE(all.count(r));
  for (const auto r : twentieth.train) EXPECT_TRUE(ten.count(r)) << "the 5 % subset is not inside the 10 % one";
  EXPECT_THROW(split_with("label_fraction = 0.0\n"), wl::core::InputError);
  EXPECT_THROW(split_with("label_fraction = 1.5\n"), wl::core::InputError);
  fs::remove(file);
}
