#include "wavelearn/train/grad_scaler.hpp"

#include <torch/torch.h>

#include <algorithm>

namespace wl::train {

namespace {
constexpr double kMinScale = 1.0;  // below this the scale no longer guards against underflow
constexpr double kMaxScale = 16777216.0;  // 2^24: keeps scale x loss finite in float32
}  // namespace

bool GradScaler::unscale(const std::vector<torch::Tensor>& params) {
  if (!enabled_) return true;
  torch::NoGradGuard no_grad;
  torch::Tensor bad;
  const double inverse = 1.0 / scale_;
  for (const auto& p : params) {
    if (!p.grad().defined()) continue;
    auto g = p.grad();
    g.mul_(inverse);
    const auto nonfinite = torch::logical_not(torch::isfinite(g)).any();
    bad = bad.defined() ? torch::logical_or(bad, nonfinite) : nonfinite;
  }
  return !bad.defined() || !bad.item<bool>();
}

void GradScaler::update(bool finite) {
  if (!enabled_) return;
  if (!finite) {
    scale_ = std::max(kMinScale, scale_ * 0.5);
    good_steps_ = 0;
  } else if (++good_steps_ >= kGrowthInterval) {
    scale_ = std::min(kMaxScale, scale_ * 2.0);
    good_steps_ = 0;
  }
}

void GradScaler::set_state(const std::vector<double>& s) {
  if (s.size() != 2) return;
  scale_ = s[0];
  good_steps_ = static_cast<int64_t>(s[1]);
}

}  // namespace wl::train
