#include "gan_diffusion_state.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <sstream>

#include "wavelearn/core/error.hpp"
#include "wavelearn/train/fused_adam.hpp"

namespace wl::gen::detail {

namespace {

std::string shape_text(torch::IntArrayRef shape) {
  std::ostringstream s;
  s << shape;
  return s.str();
}

// torch::optim::Adam keys its state by the parameter's implementation address (as text in
// libtorch 1.13, the pointer in 2.x).
auto adam_key(const torch::optim::Adam& adam, const torch::Tensor& p) { return train::optimizer_state_key(adam, p); }

}  // namespace

torch::Generator seeded_generator(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

void export_module(const torch::nn::Module& module, const std::string& prefix, TensorMap& out) {
  for (const auto& p : module.named_parameters(true)) out[prefix + "." + p.key()] = p.value().detach().clone();
  for (const auto& b : module.named_buffers(true)) out[prefix + "." + b.key()] = b.value().detach().clone();
}

torch::Tensor require(const TensorMap& in, const std::string& key, torch::IntArrayRef shape) {
  const auto it = in.find(key);
  if (it == in.end()) throw core::InputError("generator state: missing tensor '" + key + "'");
  if (!it->second.sizes().equals(shape))
    throw core::InputError("generator state: tensor '" + key + "' has shape " + shape_text(it->second.sizes()) +
                           ", the model expects " + shape_text(shape));
  return it->second;
}

void import_module(torch::nn::Module& module, const std::string& prefix, const TensorMap& in) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.named_parameters(true)) {
    auto& t = p.value();
    t.copy_(require(in, prefix + "." + p.key(), t.sizes()));
  }
  for (auto& b : module.named_buffers(true)) {
    auto& t = b.value();
    t.copy_(require(in, prefix + "." + b.key(), t.sizes()));
  }
}

void export_adam(torch::optim::Adam& adam, const torch::nn::Module& module, const std::string& prefix,
                 TensorMap& out) {
  auto& states = adam.state();
  for (const auto& p : module.named_parameters(true)) {
    const std::string base = prefix + "." + p.key();
    const auto it = states.find(adam_key(adam, p.value()));
    if (it == states.end()) {
      out[base + ".exp_avg"] = torch::zeros_like(p.value());
      out[base + ".exp_avg_sq"] = torch::zeros_like(p.value());
      out[base + ".step"] = torch::tensor(int64_t{0});
      continue;
    }
    const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
    out[base + ".exp_avg"] = s.exp_avg().clone();
    out[base + ".exp_avg_sq"] = s.exp_avg_sq().clone();
    out[base + ".step"] = torch::tensor(s.step());
  }
}

void import_adam(torch::optim::Adam& adam, const torch::nn::Module& module, const std::string& prefix,
                 const TensorMap& in) {
  auto& states = adam.state();
  for (const auto& p : module.named_parameters(true)) {
    const std::string base = prefix + "." + p.key();
    auto s = std::make_unique<torch::optim::AdamParamState>();
    s->exp_avg(require(in, base + ".exp_avg", p.value().sizes()).clone());
    s->exp_avg_sq(require(in, base + ".exp_avg_sq", p.value().sizes()).clone());
    s->step(require(in, base + ".step", {}).item<int64_t>());
    states[adam_key(adam, p.value())] = std::move(s);
  }
}

void ema_update(torch::nn::Module& average, const torch::nn::Module& live, double decay, int64_t updates) {
  torch::NoGradGuard no_grad;
  const double d = std::min(decay, (1.0 + static_cast<double>(updates)) / (10.0 + static_cast<double>(updates)));
  auto avg = average.parameters(true);
  const auto cur = live.parameters(true);
  for (std::size_t i = 0; i < avg.size(); ++i) avg[i].mul_(d).add_(cur[i], 1.0 - d);
}

void check_spec(bool ok, const std::string& key, const std::string& what) {
  if (!ok) throw core::InputError("model." + key + ": " + what);
}

void check_levels(const GeneratorSpec& s, const std::string& why) {
  check_spec(s.samples > 0, "samples", "must be > 0 (got " + std::to_string(s.samples) + ")");
  check_spec(s.conditions >= 0, "conditions", "must be >= 0");
  check_spec(!s.channels.empty() && s.channels.size() <= 8, "channels", "needs 1 to 8 levels");
  for (const int64_t ch : s.channels) check_spec(ch > 0, "channels", "widths must be > 0");
  check_spec(s.kernel > 0 && s.kernel % 2 == 1, "kernel", "must be odd and > 0 (got " + std::to_string(s.kernel) + ")");
  const int64_t factor = int64_t{1} << (s.channels.size() - 1);
  check_spec(s.samples % factor == 0, "samples",
             std::to_string(s.samples) + " is not divisible by 2^(levels-1) = " + std::to_string(factor) + " (" +
                 why + ")");
}

double extra_or(const GeneratorSpec& spec, const std::string& key, double fallback) {
  const auto it = spec.extra.find(key);
  return it == spec.extra.end() ? fallback : it->second;
}

}  // namespace wl::gen::detail
