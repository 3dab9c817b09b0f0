#pragma once
// Helpers the WGAN-GP and the DDPM share: state by stable names (module parameters and
// buffers, Adam moments, weight averages), per-call random streams and spec checks. Internal
// to src/gen.
#include <cstdint>
#include <map>
#include <string>

#include "generator_model.hpp"

namespace wl::gen::detail {

using TensorMap = std::map<std::string, torch::Tensor>;

// A CPU random stream that is a pure function of seed, so train_step / sample draw the same
// numbers whatever ran before (the global torch stream is left alone).
torch::Generator seeded_generator(uint64_t seed);

// "<prefix>.<parameter or buffer name>" -> a copy of the tensor.
void export_module(const torch::nn::Module& module, const std::string& prefix, TensorMap& out);
// Copies the named tensors back; InputError naming the key when one is missing or has
// another shape.
void import_module(torch::nn::Module& module, const std::string& prefix, const TensorMap& in);

// Adam's per-parameter moments and step count under "<prefix>.<parameter name>.exp_avg" etc.
// Parameters Adam has not yet touched are written as zero moments at step 0, which is what
// Adam starts from, so the key set does not depend on how far training has got.
void export_adam(torch::optim::Adam& adam, const torch::nn::Module& module, const std::string& prefix,
                 TensorMap& out);
void import_adam(torch::optim::Adam& adam, const torch::nn::Module& module, const std::string& prefix,
                 const TensorMap& in);

// The tensor under key, checked against the expected shape (InputError naming the key).
torch::Tensor require(const TensorMap& in, const std::string& key, torch::IntArrayRef shape);

// Exponential moving average of parameters (decay warmed up as (1 + n) / (10 + n) so early
// averages are not dominated by the random initialisation).
void ema_update(torch::nn::Module& average, const torch::nn::Module& live, double decay, int64_t updates);

// Throws InputError "model.<key> ..." unless the condition holds.
void check_spec(bool ok, const std::string& key, const std::string& what);
// The checks both convolutional generators share: samples, conditions, 1-8 positive channel
// levels, an odd kernel, and a length that halves (doubles) cleanly per level; `why` says
// which network resizes by 2 per level.
void check_levels(const GeneratorSpec& s, const std::string& why);
// An [model] extra number, or fallback when the preset does not set it.
double extra_or(const GeneratorSpec& spec, const std::string& key, double fallback);

}  // namespace wl::gen::detail
