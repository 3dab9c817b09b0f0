#include "wavelearn/train/device.hpp"

#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>
#include <torch/version.h>

#include <sstream>

#include "wavelearn/core/error.hpp"

// libtorch 2.4 replaced the CPU/GPU-specific autocast calls by per-device-type ones (the old
// ones are deprecated there and later removed).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define WL_AUTOCAST_PER_DEVICE 1
#else
#define WL_AUTOCAST_PER_DEVICE 0
#endif

namespace wl::train {

c10::Device torch_device(const core::DeviceSpec& d, const std::string& what) {
  if (!d.cuda) return c10::Device(c10::DeviceType::CPU);
  if (!torch::cuda::is_available())
    throw core::InputError(what + " " + d.text() +
                           ": no CUDA device available (this libtorch is a CPU build, or no GPU is visible); use cpu");
  const auto index = d.index < 0 ? 0 : d.index;
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (index >= count)
    throw core::InputError(what + " " + d.text() + ": this machine has " + std::to_string(count) +
                           " CUDA device(s), numbered from 0");
  return c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(index));
}

c10::Device torch_device(const std::string& text, const std::string& what) {
  return torch_device(core::parse_device(text, what), what);
}

std::string device_summary() {
  std::string s = std::string("libtorch ") + TORCH_VERSION + ", cuda: ";
  if (!torch::cuda::is_available()) return s + "not available";
  const auto n = torch::cuda::device_count();
  return s + std::to_string(n) + (n == 1 ? " device" : " devices");
}

bool is_mixed_precision(const std::string& mode) { return mode == "fp16" || mode == "bf16"; }

c10::ScalarType mixed_precision_type(const std::string& mode) {
  return mode == "fp16" ? c10::ScalarType::Half : c10::ScalarType::BFloat16;
}

namespace {

void set_autocast(bool cuda, bool enabled, c10::ScalarType dtype) {
#if WL_AUTOCAST_PER_DEVICE
  const auto type = cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
  at::autocast::set_autocast_dtype(type, dtype);
  at::autocast::set_autocast_enabled(type, enabled);
#else
  if (cuda) {
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(enabled);
  } else {
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(enabled);
  }
#endif
}

bool autocast_enabled(bool cuda) {
#if WL_AUTOCAST_PER_DEVICE
  return at::autocast::is_autocast_enabled(cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU);
#else
  return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

c10::ScalarType autocast_type(bool cuda) {
#if WL_AUTOCAST_PER_DEVICE
  return at::autocast::get_autocast_dtype(cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU);
#else
  return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

}  // namespace

AutocastGuard::AutocastGuard(const c10::Device& device, c10::ScalarType dtype, bool enabled)
    : enabled_(enabled), cuda_(device.is_cuda()) {
  if (!enabled_) return;
  was_enabled_ = autocast_enabled(cuda_);
  was_type_ = autocast_type(cuda_);
  set_autocast(cuda_, true, dtype);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!enabled_) return;
  // Leaving the outermost region frees the casted weight copies autocast caches.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast(cuda_, was_enabled_, was_type_);
}

void move_optimizer_state(torch::optim::Optimizer& optimizer, const c10::Device& device) {
  torch::serialize::OutputArchive out;
  optimizer.save(out);
  std::stringstream bytes;
  out.save_to(bytes);
  torch::serialize::InputArchive in;
  in.load_from(bytes, device);
  optimizer.load(in);
}

}  // namespace wl::train
