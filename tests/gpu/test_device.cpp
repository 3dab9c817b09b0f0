// Devices and mixed precision on any machine: device names, the refusal of a device this
// machine lacks, loss scaling, CPU autocast (bf16) and optimizer state moved between devices.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <limits>

#include "gpu_fixtures.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/device.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/train/device.hpp"
#include "wavelearn/train/grad_scaler.hpp"
#include "wavelearn/train/optimizer.hpp"
#include "wavelearn/train/train_spec.hpp"

namespace {

using wl::core::InputError;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(DeviceName, AcceptsCpuCudaAndCudaN) {
  EXPECT_FALSE(wl::core::parse_device("cpu", "--device").cuda);
  const auto c = wl::core::parse_device("cuda", "--device");
  EXPECT_TRUE(c.cuda);
  EXPECT_EQ(c.index, -1);
  EXPECT_EQ(c.text(), "cuda");
  const auto c3 = wl::core::parse_device("cuda:3", "--device");
  EXPECT_EQ(c3.index, 3);
  EXPECT_EQ(c3.text(), "cuda:3");
}

// Ranks of a data-parallel run on one machine each take the GPU of their LOCAL_RANK unless
// the device names one.
TEST(DeviceName, PlainCudaBecomesTheLocalRanksDevice) {
  const auto cuda = wl::core::parse_device("cuda", "--device");
  EXPECT_EQ(wl::core::device_for_local_rank(cuda, 3).text(), "cuda:3");
  EXPECT_EQ(wl::core::device_for_local_rank(wl::core::parse_device("cuda:1", "--device"), 3).text(), "cuda:1");
  EXPECT_EQ(wl::core::device_for_local_rank(wl::core::parse_device("cpu", "--device"), 3).text(), "cpu");
}

TEST(DeviceName, RefusesOtherTextNamingTheOption) {
  for (const std::string bad : {"gpu", "CUDA", "cuda:", "cuda0", "cuda:x", "cuda:-1", "cuda:64", "cpu:0", ""}) {
    const auto e = error_of([&] { wl::core::parse_device(bad, "train.device"); });
    EXPECT_NE(e.find("train.device"), std::string::npos) << bad;
    EXPECT_NE(e.find("cpu, cuda or cuda:N"), std::string::npos) << bad;
  }
}

// No machine has 64 GPUs: cuda:63 is refused everywhere, by either reason.
TEST(TorchDevice, RefusesADeviceThisMachineLacks) {
  const auto e = error_of([] { wl::train::torch_device("cuda:63", "--device"); });
  EXPECT_NE(e.find("--device cuda:63"), std::string::npos) << e;
  if (!torch::cuda::is_available()) {
    const auto plain = error_of([] { wl::train::torch_device("cuda", "--device"); });
    EXPECT_NE(plain.find("no CUDA device available"), std::string::npos) << plain;
    EXPECT_EQ(plain.find('\n'), std::string::npos);  // one line
  }
  EXPECT_TRUE(wl::train::torch_device("cpu", "--device").is_cpu());
  EXPECT_NE(wl::train::device_summary().find("libtorch"), std::string::npos);
}

TEST(TrainSpecDevice, ReadsDeviceAndPrecisionAndRefusesFp16OnCpu) {
  auto spec = [](const std::string& toml) { return wl::train::train_spec_from(wl::core::Config::parse(toml)); };
  const auto s = spec("[train]\ndevice = \"cuda:1\"\nmixed_precision = \"fp16\"\n");
  EXPECT_EQ(s.device, "cuda:1");
  EXPECT_EQ(s.mixed_precision, "fp16");
  EXPECT_EQ(spec("").device, "cpu");
  EXPECT_EQ(spec("").mixed_precision, "none");
  EXPECT_EQ(spec("[train]\nmixed_precision = \"bf16\"\n").mixed_precision, "bf16");
  EXPECT_NE(error_of([&] { spec("[train]\nmixed_precision = \"fp16\"\n"); }).find("needs a CUDA device"),
            std::string::npos);
  EXPECT_NE(error_of([&] { spec("[train]\nmixed_precision = \"fp8\"\n"); }).find("train.mixed_precision"),
            std::string::npos);
  EXPECT_NE(error_of([&] { spec("[train]\ndevice = \"gpu\"\n"); }).find("train.device"), std::string::npos);
}

TEST(GradScaler, ScalesUnscalesAndSkipsOverflowedSteps) {
  wl::train::GradScaler off(false);
  const auto loss = torch::tensor(2.0);
  EXPECT_DOUBLE_EQ(off.scale_loss(loss).item<double>(), 2.0);

  wl::train::GradScaler s(true);
  EXPECT_DOUBLE_EQ(s.scale_loss(loss).item<double>(), 2.0 * 65536.0);
  auto p = torch::ones({3}).set_requires_grad(true);
  p.mutable_grad() = torch::full({3}, 65536.0 * 0.5);
  EXPECT_TRUE(s.unscale({p}));
  EXPECT_TRUE(torch::allclose(p.grad(), torch::full({3}, 0.5)));
  s.update(true);
  EXPECT_DOUBLE_EQ(s.scale(), 65536.0);

  p.mutable_grad() = torch::tensor({1.0F, std::numeric_limits<float>::infinity(), 0.0F});
  EXPECT_FALSE(s.unscale({p}));
  s.update(false);
  EXPECT_DOUBLE_EQ(s.scale(), 32768.0);
  for (int i = 0; i < 2000; ++i) s.update(true);
  EXPECT_DOUBLE_EQ(s.scale(), 65536.0);

  wl::train::GradScaler restored(true);
  s.update(true);
  restored.set_state(s.state());
  EXPECT_EQ(restored.state(), s.state());
}

// CPU autocast: inside the guard a matrix product runs in bfloat16, outside in float32.
TEST(Autocast, CpuBf16OnlyInsideTheGuard) {
  const auto a = torch::randn({4, 8}), b = torch::randn({8, 3});
  const c10::Device cpu(c10::DeviceType::CPU);
  {
    wl::train::AutocastGuard guard(cpu, c10::ScalarType::BFloat16, true);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
  }
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat);
  {
    wl::train::AutocastGuard guard(cpu, c10::ScalarType::BFloat16, false);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat);
  }
}

// bf16 on the CPU reaches the TorchScript model (its weights differ from a float32 run) and
// still learns the separable toy problem.
TEST(MixedPrecision, CpuBf16TrainsAndDiffersFromFloat32) {
  const auto d = wl::test::toy_data(512);
  wl::train::TensorSource train(d.x, d.y, 64, true, true, 7), val(d.x, d.y, 128, false, false, 7);
  auto fp32 = wl::test::toy_trainer("cpu");
  fp32.fit(train, &val);
  auto bf16 = wl::test::toy_trainer("cpu", "bf16");
  bf16.fit(train, &val);
  const auto& h = bf16.state().history;
  ASSERT_EQ(h.size(), 4U);
  EXPECT_LT(h.back().train_loss, 0.8 * h.front().train_loss);
  EXPECT_GT(h.back().val_metric, 0.9);  // AUC
  const auto a = wl::test::host_state(fp32), b = wl::test::host_state(bf16);
  double max_diff = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) max_diff = std::max(max_diff, (a[i] - b[i]).abs().max().item<double>());
  EXPECT_GT(max_diff, 1e-6);
  EXPECT_NEAR(h.back().val_loss, fp32.state().history.back().val_loss, 0.05);
}

// The archive round trip that carries optimizer state between devices changes nothing.
TEST(OptimizerState, MoveKeepsTheTrajectory) {
  for (const std::string name : {"adam", "sgd", "rmsprop"}) {
    wl::train::TrainSpec ts;
    ts.optimizer = name;
    ts.momentum = name == "adam" ? 0.0 : 0.9;
    torch::manual_seed(3);
    auto w1 = torch::randn({5, 4}).set_requires_grad(true);
    auto w2 = w1.detach().clone().set_requires_grad(true);
    auto o1 = wl::train::make_optimizer(ts, {w1});
    auto o2 = wl::train::make_optimizer(ts, {w2});
    for (int step = 0; step < 6; ++step) {
      for (auto* w : {&w1, &w2}) w->mutable_grad() = (w->detach() - 0.3 * step).clone();
      o1->step();
      o2->step();
      if (step == 2) wl::train::move_optimizer_state(*o2, c10::Device(c10::DeviceType::CPU));
    }
    EXPECT_TRUE(torch::equal(w1, w2)) << name;
  }
}

}  // namespace
