#pragma once
// Registers initialised parameters and buffers on a jit::Module and collects the TorchScript
// source of its methods. Private to the nn module.
#include <torch/script.h>

#include <cstdint>
#include <string>

#include "wavelearn/nn/model_spec.hpp"

namespace wl::nn::detail {

class ScriptBuilder {
 public:
  ScriptBuilder(const std::string& class_name, const ModelSpec& spec);

  // weight (out, in) and bias (out) named NAME_weight / NAME_bias.
  void linear(const std::string& name, int64_t in, int64_t out);
  // weight (out, in, kernel) and bias (out).
  void conv1d(const std::string& name, int64_t in, int64_t out, int64_t kernel);
  // weight/bias (channels) plus running_mean/running_var buffers.
  void batch_norm(const std::string& name, int64_t channels);
  // weight (n) = 1, bias (n) = 0.
  void layer_norm(const std::string& name, int64_t n);
  // A parameter with explicit values (e.g. position embeddings).
  void parameter(const std::string& name, torch::Tensor value);
  void constant_attribute(const std::string& name, int64_t value);

  // TorchScript expression applying linear layer NAME to expression `x`.
  static std::string apply_linear(const std::string& name, const std::string& x);
  // `def random_mask(self, B: int) -> Tensor`: (B, n) floats, exactly k ones per row at
  // random places (torch's global generator, which the trainer reseeds per epoch).
  static std::string random_mask_method(int64_t n, int64_t k);
  // Dropout applied to expression x (identity when the spec has no dropout).
  std::string dropout(const std::string& x) const;

  // Number of input channels (model.input_channels), and whether it is just the window (the
  // models then keep their one-channel source).
  int64_t input_channels() const { return static_cast<int64_t>(spec_.input_channels.size()); }
  bool waveform_only() const { return spec_.input_channels == std::vector<std::string>{"waveform"}; }
  // `def stack_channels(self, x)`: the (B, L) window as (B, C, L) input channels.
  std::string stack_channels_method() const;
  // `def NAME(self, x)`: the (B, L) window cut into T pieces of P samples, (B, T, C * P) with
  // the channels' P samples one after the other (the first T * P samples; the rest dropped).
  // With more than the waveform it brings stack_channels along.
  std::string pieces_method(const std::string& name, int64_t T, int64_t P) const;

  // Defines the collected source and returns the module.
  torch::jit::Module finish(const std::string& source);

 private:
  torch::Tensor init_weight(torch::Tensor w, int64_t fan_in, int64_t fan_out) const;
  torch::jit::Module module_;
  ModelSpec spec_;
};

// Patches masked per event: mask_ratio of n rounded, at least 1 and at most n - 1 (one
// patch stays visible).
int64_t masked_count(int64_t n, double mask_ratio);

}  // namespace wl::nn::detail
