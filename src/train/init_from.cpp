// train.init_from: the encoder of another run copied into a new model by name and shape.
#include "wavelearn/train/init_from.hpp"

#include <torch/script.h>

#include <array>
#include <map>
#include <sstream>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/fingerprint.hpp"
#include "wavelearn/data/preprocess.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/model_spec.hpp"
#include "wavelearn/nn/models.hpp"

namespace fs = std::filesystem;

namespace wl::train {

namespace {

template <class T>
std::string text(const T& v) {
  std::ostringstream s;
  s << std::boolalpha << v;
  return s.str();
}

template <class T>
std::string text(const std::vector<T>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + text(v[i]);
  return out + "]";
}

// (key, value there, value here) of every encoder setting of the model type.
std::vector<std::array<std::string, 3>> encoder_keys(const nn::ModelSpec& a, const nn::ModelSpec& b) {
  std::vector<std::array<std::string, 3>> k = {{"model.type", a.type, b.type}};
  if (a.type != b.type) return k;
  auto add = [&](const std::string& key, const auto& x, const auto& y) { k.push_back({"model." + key, text(x), text(y)}); };
  add("input_channels", a.input_channels, b.input_channels);
  if (a.type == "transformer") {
    add("patch_samples", a.patch_samples, b.patch_samples);
    add("d_model", a.d_model, b.d_model);
    add("heads", a.heads, b.heads);
    add("layers", a.layers, b.layers);
    add("mlp_hidden", a.mlp_hidden, b.mlp_hidden);
  } else if (a.type == "cnn") {
    add("channels", a.channels, b.channels);
    add("kernels", a.kernels, b.kernels);
    add("strides", a.strides, b.strides);
    add("paddings", a.paddings, b.paddings);
    add("pool", a.pool, b.pool);
    add("batch_norm", a.batch_norm, b.batch_norm);
    add("activation", a.activation, b.activation);
    add("pool_type", a.pool_type, b.pool_type);
  } else if (a.type == "fcnet") {
    add("hidden", a.hidden, b.hidden);
  } else {
    add("rnn_step_samples", a.rnn_step_samples, b.rnn_step_samples);
    add("rnn_hidden", a.rnn_hidden, b.rnn_hidden);
    add("rnn_layers", a.rnn_layers, b.rnn_layers);
    add("bidirectional", a.bidirectional, b.bidirectional);
  }
  return k;
}

std::vector<std::array<std::string, 3>> preprocess_keys(const data::PreprocessConfig& a,
                                                        const data::PreprocessConfig& b) {
  return {{"preprocess.window", data::to_string(a.window), data::to_string(b.window)},
          {"preprocess.window_start_ns", text(a.window_start_ns), text(b.window_start_ns)},
          {"preprocess.window_length_ns", text(a.window_length_ns), text(b.window_length_ns)},
          {"preprocess.tp0_offset_ns", text(a.tp0_offset_ns), text(b.tp0_offset_ns)},
          {"preprocess.baseline", data::to_string(a.baseline), data::to_string(b.baseline)},
          {"preprocess.pole_zero", data::to_string(a.pole_zero), data::to_string(b.pole_zero)},
          {"preprocess.normalization", data::to_string(a.normalization), data::to_string(b.normalization)},
          {"preprocess.standard_scaler", text(a.standard_scaler), text(b.standard_scaler)},
          {"preprocess.amplitude_per_detector", text(a.amplitude_per_detector), text(b.amplitude_per_detector)}};
}

std::string shape(const torch::Tensor& t) { return text(t.sizes().vec()); }

[[noreturn]] void refuse(const fs::path& run, const std::string& what) {
  throw core::InputError("train.init_from: " + run.string() + ": incompatible encoder: " + what);
}

}  // namespace

nlohmann::json to_json(const EncoderInit& e) {
  nlohmann::json j = {{"run", e.run},
                      {"model_fingerprint", e.model_fingerprint},
                      {"seed", e.seed},
                      {"model_type", e.model_type},
                      {"task", e.task},
                      {"pretrained", e.task == "masked_patches"},
                      {"freeze_encoder", e.freeze_encoder},
                      {"parameters_copied", e.parameters.size()},
                      {"values_copied", e.values_copied}};
  if (e.encoder_lr > 0) j["encoder_lr"] = e.encoder_lr;
  return j;
}

void check_encoder_config(const core::Config& config, const fs::path& run) {
  if (!fs::is_directory(run)) throw core::InputError("train.init_from: " + run.string() + ": no such run directory");
  for (const char* f : {"model.pt", "config.toml"})
    if (!fs::is_regular_file(run / f))
      throw core::InputError("train.init_from: " + (run / f).string() +
                             ": missing (not a finished neural run; an ensemble's members are its member_k "
                             "directories)");
  const core::Config here = config;
  const core::Config there = core::Config::load(run / "config.toml");
  for (const auto& [key, a, b] : encoder_keys(nn::model_spec_from(there), nn::model_spec_from(here)))
    if (a != b) refuse(run, key + " is " + a + " there, " + b + " here");
  for (const auto& [key, a, b] :
       preprocess_keys(data::preprocess_config_from(there), data::preprocess_config_from(here)))
    if (a != b) refuse(run, key + " is " + a + " there, " + b + " here");
}

EncoderInit load_encoder(const core::Config& config, const fs::path& run, torch::jit::Module& model,
                         int64_t input_samples) {
  check_encoder_config(config, run);
  const auto file = nn::load_model(run / "model.pt");
  EncoderInit init;
  init.run = fs::absolute(run).lexically_normal().string();
  init.model_fingerprint = core::file_fingerprint(run / "model.pt");
  try {
    const auto meta = nlohmann::json::parse(file.metadata_json);
    init.seed = meta.value("seed", uint64_t{0});
    init.model_type = meta.value("model_type", "");
    init.task = meta.at("head").value("kind", "");
    const int64_t there = meta.value("input_samples", int64_t{0});
    if (there != input_samples)
      refuse(run, "input of " + std::to_string(there) + " samples there, " + std::to_string(input_samples) + " here");
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError("train.init_from: " + (run / "model.pt").string() + ": unreadable metadata (" + e.what() + ")");
  }
  std::map<std::string, torch::Tensor> here;
  for (const auto& p : model.named_parameters()) here[p.name] = p.value;
  for (const auto& b : model.named_buffers()) here[b.name] = b.value;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
  auto take = [&](const std::string& name, const torch::Tensor& value, bool is_parameter) {
    if (name.rfind("task_", 0) == 0 || nn::is_pretraining_parameter(name)) return;
    const auto it = here.find(name);
    if (it == here.end()) refuse(run, "parameter " + name + " is not in this model");
    if (!it->second.sizes().equals(value.sizes()))
      refuse(run, "parameter " + name + " has shape " + shape(value) + " there, " + shape(it->second) + " here");
    copies.emplace_back(it->second, value);
    if (is_parameter) init.parameters.push_back(name);
  };
  for (const auto& p : file.module.named_parameters()) take(p.name, p.value, true);
  for (const auto& b : file.module.named_buffers()) take(b.name, b.value, false);
  if (init.parameters.empty()) refuse(run, "no encoder parameter to copy");
  torch::NoGradGuard no_grad;
  for (auto& [to, from] : copies) {
    to.copy_(from);
    init.values_copied += from.numel();
  }
  return init;
}

}  // namespace wl::train
