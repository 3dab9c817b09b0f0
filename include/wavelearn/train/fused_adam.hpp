#pragma once
// Adam with its update fused into one pass per parameter. libtorch's Adam::step runs six
// tensor ops per parameter (two temporaries, seven passes over memory), which for the
// lectures' FCNet costs a quarter of a training step; this one reads and writes each
// element once. Same algorithm, options and state (AdamParamState), so checkpoints written
// by either load into the other.
#include <torch/optim/adam.h>

#include <vector>

namespace wl::train {

class FusedAdam : public torch::optim::Adam {
 public:
  FusedAdam(std::vector<torch::Tensor> params, torch::optim::AdamOptions options)
      : torch::optim::Adam(std::move(params), options) {}
  // Falls back to Adam::step for a closure, amsgrad, or a parameter that is not a dense
  // contiguous float32 CPU tensor.
  torch::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace wl::train
