#pragma once
// Every model is a torch::jit::Module built from C++: parameters are registered and
// initialised here, `forward` is TorchScript source using functional ops. The same object is
// trained (parameters() into torch::optim, train()/eval() switch dropout and batch norm) and
// exported (save() gives a model.pt that Python's torch.jit.load reads). One definition of
// each model, no second forward to keep in sync.
//
// forward(x): x is (batch, input_samples) float32; returns (batch, n_outputs) raw outputs
// (logits / unscaled regression values). The task head (heads.hpp) adds a `score` method.
#include <torch/script.h>

#include <cstdint>
#include <string>

#include "wavelearn/nn/model_spec.hpp"

namespace wl::nn {

// Builds the model with freshly initialised parameters drawn from torch's global generator
// (call torch::manual_seed(seed) first for a reproducible start). Parameters require grad.
torch::jit::Module build_model(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs);

// Per-type builders (build_model dispatches to them).
torch::jit::Module build_fcnet(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs);
torch::jit::Module build_cnn(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs);
torch::jit::Module build_rnn(const ModelSpec& spec, int64_t input_samples, int64_t n_outputs);
torch::jit::Module build_transformer(const ModelSpec& spec, int64_t input_samples,
                                     int64_t n_outputs);

// Self-supervised pretraining models (task.kind = "masked_patches", heads.hpp): forward(x)
// masks part of x at random and returns (batch, T, 2P + 1) = [reconstruction, clean patch,
// mask] per patch. Their encoders carry the classifier's parameter names (transformer:
// embed_*, pos_embedding, l{i}_*, final_ln_*; cnn: conv{i}_*, bn{i}_*), so train.init_from
// loads them by name; the pretraining-only parameters are mask_token and decoder_*.
struct HeadSpec;
torch::jit::Module build_pretrain_model(const ModelSpec& spec, int64_t input_samples, const HeadSpec& head);
torch::jit::Module build_masked_transformer(const ModelSpec& spec, int64_t input_samples, double mask_ratio);
torch::jit::Module build_masked_cnn(const ModelSpec& spec, int64_t input_samples, double mask_ratio,
                                    int64_t mask_span_samples);
// Whether a parameter exists only for pretraining (the mask token and the decoder).
bool is_pretraining_parameter(const std::string& name);

// Number of trainable scalars.
int64_t count_parameters(const torch::jit::Module& module);

// Parameters as a vector for torch::optim (the module keeps owning them).
std::vector<torch::Tensor> parameter_list(const torch::jit::Module& module);

}  // namespace wl::nn
