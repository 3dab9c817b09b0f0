#pragma once
// The libtorch side of core/device.hpp: a parsed device checked against what this build and
// machine offer, autocast (mixed precision) around a forward pass, and optimizer state moved
// between devices (checkpoints hold CPU tensors, so a CUDA run resumes on a CPU machine).
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

#include "wavelearn/core/device.hpp"

namespace torch::optim {
class Optimizer;
}

namespace wl::train {

// The device, or an InputError naming `what` when it is CUDA and this libtorch has no CUDA or
// sees no GPU (or fewer than N + 1 for cuda:N). Plain "cuda" is cuda:0.
c10::Device torch_device(const core::DeviceSpec& device, const std::string& what);
c10::Device torch_device(const std::string& text, const std::string& what);

// "libtorch 2.11.0, cuda: 1 device" or "libtorch 1.13.0, cuda: not available" (wavelearn info,
// scripts/gpu-check).
std::string device_summary();

// train.mixed_precision: "none", "fp16" (CUDA only; needs loss scaling) or "bf16".
bool is_mixed_precision(const std::string& mode);
c10::ScalarType mixed_precision_type(const std::string& mode);  // kHalf or kBFloat16

// Autocast on `device`'s type to `dtype` for the guard's lifetime (libtorch 1.13's CPU/GPU
// calls or 2.4's per-device ones); does nothing when not enabled.
class AutocastGuard {
 public:
  AutocastGuard(const c10::Device& device, c10::ScalarType dtype, bool enabled);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool enabled_;
  bool cuda_;
  bool was_enabled_ = false;
  c10::ScalarType was_type_ = c10::ScalarType::Float;
};

// Every state tensor of the optimizer (moments, step counts) on `device`, by a save/load
// round trip through an in-memory archive (the only device-generic access to the state).
void move_optimizer_state(torch::optim::Optimizer& optimizer, const c10::Device& device);

}  // namespace wl::train
