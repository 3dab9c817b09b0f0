#pragma once
// The self-supervised pretraining head (heads.hpp: masked_patches), kept apart from the task
// heads. Private to wl_nn.
#include <torch/torch.h>

#include <string>

#include "wavelearn/nn/heads.hpp"

namespace wl::core {
class Config;
}

namespace wl::nn::detail {

// task.mask_ratio, and task.mask_span_samples when model.type is cnn (the transformer masks
// whole patches of model.patch_samples).
void read_pretrain_keys(const core::Config& config, HeadSpec& spec);
// Throws InputError naming task.mask_ratio / task.mask_span_samples.
void check_pretrain_spec(const HeadSpec& spec);

// out (batch, T, 2P + 1) = [reconstruction (P), clean patch (P), mask (1)] per patch: the
// mean squared error over the masked patches of each event, (batch,).
torch::Tensor masked_error(const torch::Tensor& out);
// The lines of the TorchScript score method after `out = self.forward(x)`.
std::string masked_error_source();

}  // namespace wl::nn::detail
