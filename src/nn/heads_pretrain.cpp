// masked_patches: the reconstruction error on the masked patches only. Unmasked patches are
// visible to the encoder, so copying them would be free; only the hidden ones teach it.
#include "heads_pretrain.hpp"

#include <cmath>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::nn {

bool is_pretraining_kind(const std::string& kind) { return kind == "masked_patches"; }

namespace detail {

void read_pretrain_keys(const core::Config& config, HeadSpec& spec) {
  spec.mask_ratio = config.get<double>("task.mask_ratio", spec.mask_ratio);
  if (config.get<std::string>("model.type", "fcnet") == "cnn")
    spec.mask_span_samples = config.get<int64_t>("task.mask_span_samples", spec.mask_span_samples);
}

void check_pretrain_spec(const HeadSpec& spec) {
  if (!(spec.mask_ratio > 0.0 && spec.mask_ratio < 1.0))
    throw core::InputError("task.mask_ratio: must be inside (0, 1) (the fraction of patches hidden per event), got " +
                           std::to_string(spec.mask_ratio));
  if (spec.mask_span_samples < 1)
    throw core::InputError("task.mask_span_samples: must be >= 1, got " + std::to_string(spec.mask_span_samples));
}

torch::Tensor masked_error(const torch::Tensor& out) {
  const int64_t p = (out.size(2) - 1) / 2;
  const auto pred = out.narrow(2, 0, p), clean = out.narrow(2, p, p), mask = out.select(2, 2 * p);
  const auto per_patch = (pred - clean).pow(2).mean(2);  // (batch, T)
  return (per_patch * mask).sum(1) / mask.sum(1).clamp_min(1.0);
}

std::string masked_error_source() {
  return "    P = (out.size(2) - 1) // 2\n"
         "    err = (out[:, :, :P] - out[:, :, P:2 * P]).pow(2).mean(2)\n"
         "    m = out[:, :, 2 * P]\n"
         "    return ((err * m).sum(1) / m.sum(1).clamp_min(1.0)).unsqueeze(1)\n";
}

}  // namespace detail

}  // namespace wl::nn
