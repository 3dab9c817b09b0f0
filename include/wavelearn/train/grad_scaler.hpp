#pragma once
// Dynamic loss scaling for float16 training (train.mixed_precision = "fp16"): gradients of
// small losses underflow in float16, so the loss is multiplied by a large scale before the
// backward pass and the gradients divided by it after. A step whose gradients overflowed is
// skipped and the scale halved; after `growth_interval` good steps in a row it doubles. The
// same rule as torch.cuda.amp.GradScaler (defaults 2^16, x2, x0.5, 2000).
#include <torch/types.h>

#include <vector>

namespace wl::train {

class GradScaler {
 public:
  explicit GradScaler(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  double scale() const { return scale_; }

  torch::Tensor scale_loss(const torch::Tensor& loss) const { return enabled_ ? loss * scale_ : loss; }
  // Divides every defined gradient by the scale; false when one is inf or NaN (skip the step).
  // One host synchronisation for all parameters.
  bool unscale(const std::vector<torch::Tensor>& params);
  void update(bool finite);  // after the step (or the skip)

  std::vector<double> state() const { return {scale_, static_cast<double>(good_steps_)}; }
  void set_state(const std::vector<double>& s);

 private:
  bool enabled_;
  double scale_ = 65536.0;
  int64_t good_steps_ = 0;
  static constexpr int64_t kGrowthInterval = 2000;
};

}  // namespace wl::train
