#pragma once
// Shared by the device tests: a separable toy problem, a tiny FCNet trainer on a chosen
// device and precision, and the skip of the CUDA cases on machines without one.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <unistd.h>

#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/nn/models.hpp"
#include "wavelearn/train/trainer.hpp"

// A CUDA case on a machine or libtorch without CUDA: skipped, and the output says why.
#define WL_REQUIRE_CUDA()                                                                          \
  if (!torch::cuda::is_available())                                                                \
  GTEST_SKIP() << "no CUDA device (libtorch " TORCH_VERSION " is a CPU build or sees no GPU): " \
                  "GPU case not run"

namespace wl::test {

constexpr int64_t kToySamples = 32;

struct ToyData {
  torch::Tensor x, y;
};

inline ToyData toy_data(int64_t n, uint64_t seed = 21) {
  torch::manual_seed(seed);
  ToyData d;
  d.y = (torch::rand({n, 1}) > 0.5).to(torch::kFloat);
  d.x = torch::randn({n, kToySamples}) * 0.5 + d.y;
  return d;
}

// No dropout: CPU and CUDA runs then differ only by floating-point summation order.
inline train::Trainer toy_trainer(const std::string& device, const std::string& precision = "none",
                                  const std::string& optimizer = "adam") {
  nn::ModelSpec ms;
  ms.hidden = {32, 16};
  ms.dropout = 0.0;
  torch::manual_seed(5);
  auto model = nn::build_model(ms, kToySamples, 1);
  nn::HeadSpec hs;
  hs.kind = "binary_logits";
  hs.target_names = {"label"};
  nn::Head head(hs);
  nn::attach_head(model, head);
  train::TrainSpec ts;
  ts.epochs = 4;
  ts.lr = 3e-3;
  ts.optimizer = optimizer;
  ts.device = device;
  ts.mixed_precision = precision;
  return train::Trainer(model, head, ts, true);
}

// Every parameter and buffer, on the CPU, in order.
inline std::vector<torch::Tensor> host_state(train::Trainer& t) {
  std::vector<torch::Tensor> out;
  for (const auto& p : t.model().named_parameters()) out.push_back(p.value.detach().cpu());
  for (const auto& b : t.model().named_buffers()) out.push_back(b.value.detach().cpu());
  return out;
}

inline std::filesystem::path scratch_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("wl_gpu_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace wl::test
