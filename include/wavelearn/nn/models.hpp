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

// Number of trainable scalars.
int64_t count_parameters(const torch::jit::Module& module);

// Parameters as a vector for torch::optim (the module keeps owning them).
std::vector<torch::Tensor> parameter_list(const torch::jit::Module& module);

}  // namespace wl::nn
