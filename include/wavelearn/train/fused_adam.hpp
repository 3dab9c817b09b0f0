#pragma once
// Adam with its update fused into one pass per parameter. libtorch's Adam::step runs six
// tensor ops per parameter (two temporaries, seven passes over memory), which for the
// lectures' FCNet costs a quarter of a training step; this one reads and writes each
// element once. Same algorithm, options and state (AdamParamState), so checkpoints written
// by either load into the other.
#include <torch/optim/adam.h>

#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace wl::train {

// The key under which torch::optim optimizers keep a parameter's state: its TensorImpl's
// address as text in libtorch 1.13, the address itself in 2.x.
template <typename Optimizer>
auto optimizer_state_key(const Optimizer& optimizer, const torch::Tensor& p) {
  using Key = typename std::decay_t<decltype(optimizer.state())>::key_type;
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream text;  // as c10::guts::to_string writes a pointer
    text << static_cast<const void*>(p.unsafeGetTensorImpl());
    return Key(text.str());
  } else {
    return static_cast<Key>(p.unsafeGetTensorImpl());
  }
}

class FusedAdam : public torch::optim::Adam {
 public:
  FusedAdam(std::vector<torch::Tensor> params, torch::optim::AdamOptions options)
      : torch::optim::Adam(std::move(params), options) {}
  // Falls back to Adam::step for a closure, amsgrad, or a parameter that is not a dense
  // contiguous float32 CPU tensor.
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace wl::train
