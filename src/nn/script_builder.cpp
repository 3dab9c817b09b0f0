#include "script_builder.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "wavelearn/core/error.hpp"
#include "wavelearn/nn/model_io.hpp"

namespace wl::nn::detail {

ScriptBuilder::ScriptBuilder(const std::string& class_name, const ModelSpec& spec)
    : module_(class_name), spec_(spec) {
  // Module::train()/eval() need the attribute every nn.Module has.
  module_.register_attribute("training", c10::BoolType::get(), true);
  // Monte Carlo dropout (predict --mc-samples) switches dropout on at inference without
  // putting batch norm into training mode, which self.training would.
  if (spec_.dropout > 0.0) module_.register_attribute(kMcDropoutAttribute, c10::BoolType::get(), false);
}

torch::Tensor ScriptBuilder::init_weight(torch::Tensor w, int64_t fan_in, int64_t fan_out) const {
  torch::NoGradGuard no_grad;
  if (spec_.init == "he") {
    w.normal_(0.0, std::sqrt(2.0 / static_cast<double>(fan_in)));
  } else if (spec_.init == "xavier") {
    const double a = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    w.uniform_(-a, a);
  } else {
    // PyTorch's Linear/Conv default: kaiming_uniform(a = sqrt(5)) == U(-1/sqrt(fan_in), +).
    const double a = 1.0 / std::sqrt(static_cast<double>(fan_in));
    w.uniform_(-a, a);
  }
  return w;
}

void ScriptBuilder::linear(const std::string& name, int64_t in, int64_t out) {
  auto w = init_weight(torch::empty({out, in}), in, out);
  auto b = torch::empty({out});
  {
    torch::NoGradGuard no_grad;
    if (spec_.init == "default") {
      const double a = 1.0 / std::sqrt(static_cast<double>(in));
      b.uniform_(-a, a);
    } else {
      b.zero_();
    }
  }
  parameter(name + "_weight", w);
  parameter(name + "_bias", b);
}

void ScriptBuilder::conv1d(const std::string& name, int64_t in, int64_t out, int64_t kernel) {
  auto w = init_weight(torch::empty({out, in, kernel}), in * kernel, out * kernel);
  auto b = torch::empty({out});
  {
    torch::NoGradGuard no_grad;
    if (spec_.init == "default") {
      const double a = 1.0 / std::sqrt(static_cast<double>(in * kernel));
      b.uniform_(-a, a);
    } else {
      b.zero_();
    }
  }
  parameter(name + "_weight", w);
  parameter(name + "_bias", b);
}

void ScriptBuilder::batch_norm(const std::string& name, int64_t channels) {
  parameter(name + "_weight", torch::ones({channels}));
  parameter(name + "_bias", torch::zeros({channels}));
  module_.register_buffer(name + "_running_mean", torch::zeros({channels}));
  module_.register_buffer(name + "_running_var", torch::ones({channels}));
}

void ScriptBuilder::layer_norm(const std::string& name, int64_t n) {
  parameter(name + "_weight", torch::ones({n}));
  parameter(name + "_bias", torch::zeros({n}));
}

void ScriptBuilder::parameter(const std::string& name, torch::Tensor value) {
  module_.register_parameter(name, value.contiguous().set_requires_grad(true), false);
}

void ScriptBuilder::constant_attribute(const std::string& name, int64_t value) {
  module_.register_attribute(name, c10::IntType::get(), value);
}

std::string ScriptBuilder::apply_linear(const std::string& name, const std::string& x) {
  return "torch.addmm(self." + name + "_bias, " + x + ", self." + name + "_weight.t())";
}

std::string ScriptBuilder::dropout(const std::string& x) const {
  if (spec_.dropout <= 0.0) return x;
  std::ostringstream s;
  s.precision(17);
  s << "torch.dropout(" << x << ", " << spec_.dropout << ", self.training or self." << kMcDropoutAttribute << ")";
  return s.str();
}

std::string ScriptBuilder::stack_channels_method() const {
  std::ostringstream s;
  s.precision(17);
  s << "def stack_channels(self, x):\n";
  if (waveform_only()) {
    s << "    return x.unsqueeze(1)\n\n";
    return s.str();
  }
  // The discrete derivative, padded with 0 in front to length L; a fixed factor, never
  // renormalised per waveform (on a min-max window its maximum follows A/E).
  s << "    current = torch.cat([torch.zeros_like(x[:, :1]), x[:, 1:] - x[:, :-1]], 1) * " << kCurrentScale << "\n"
    << "    return torch.stack([";
  for (std::size_t i = 0; i < spec_.input_channels.size(); ++i)
    s << (i ? ", " : "") << (spec_.input_channels[i] == "current" ? "current" : "x");
  s << "], 1)\n\n";
  return s.str();
}

std::string ScriptBuilder::pieces_method(const std::string& name, int64_t T, int64_t P) const {
  std::ostringstream s;
  if (waveform_only()) {
    s << "def " << name << "(self, x):\n"
      << "    return x[:, :" << T * P << "].reshape([x.size(0), " << T << ", " << P << "])\n\n";
    return s.str();
  }
  const int64_t C = input_channels();
  s << stack_channels_method() << "def " << name << "(self, x):\n"
    << "    c = self.stack_channels(x)[:, :, :" << T * P << "].reshape([x.size(0), " << C << ", " << T << ", " << P
    << "])\n"
    << "    return c.permute([0, 2, 1, 3]).reshape([x.size(0), " << T << ", " << C * P << "])\n\n";
  return s.str();
}

torch::jit::Module ScriptBuilder::finish(const std::string& source) {
  module_.define(source);
  return module_;
}

std::string ScriptBuilder::random_mask_method(int64_t n, int64_t k) {
  std::ostringstream s;
  s << "def random_mask(self, B: int) -> Tensor:\n"
    << "    ids = torch.argsort(torch.rand([B, " << n << "]), 1)[:, :" << k << "]\n"
    << "    return torch.zeros([B, " << n << "]).scatter(1, ids, torch.ones([B, " << k << "]))\n\n";
  return s.str();
}

int64_t masked_count(int64_t n, double mask_ratio) {
  const auto k = static_cast<int64_t>(std::llround(mask_ratio * static_cast<double>(n)));
  return std::max<int64_t>(1, std::min<int64_t>(n - 1, k));
}

}  // namespace wl::nn::detail
