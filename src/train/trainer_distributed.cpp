// The Trainer's data-parallel steps. Every rank holds the same weights and optimizer state;
// each trains on its share of the global batch (data::LoaderOptions::shard_rank), and the
// mean of the ranks' gradients is the gradient of the mean loss over the global batch (the
// shares are equal), so every rank takes the step one process would take.
#include <torch/torch.h>

#include "wavelearn/core/error.hpp"
#include "wavelearn/train/distributed.hpp"
#include "wavelearn/train/trainer.hpp"

namespace wl::train {

void Trainer::set_process_group(ProcessGroup* group) {
  group_ = group;
  if (!group_) return;
  torch::NoGradGuard no_grad;
  // A rank that read another checkpoint (or none) would train a different run.
  const auto epochs = torch::full({1}, state_.epochs_done, torch::kLong);
  group_->broadcast({epochs});
  const auto rank0_epochs = epochs.item<int64_t>();
  if (rank0_epochs != state_.epochs_done)
    throw core::InputError("distributed training: rank " + std::to_string(group_->rank()) + " continues after epoch " +
                           std::to_string(state_.epochs_done) + " but rank 0 after epoch " +
                           std::to_string(rank0_epochs) +
                           " (every rank must read the run's checkpoint.pt: put the run directory on a shared "
                           "filesystem)");
  // Safer than relying on equal seeds: the weights start equal whatever built them.
  group_->broadcast(state_tensors());
}

double Trainer::average_gradients(double loss) {
  std::vector<torch::Tensor> parts;
  parts.reserve(params_.size() + 1);
  for (auto& p : params_) {
    // A parameter this batch did not reach has no gradient here but may on another rank.
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    parts.push_back(p.grad());
  }
  const auto loss_t = torch::full({1}, loss, torch::TensorOptions().dtype(torch::kFloat).device(device_));
  parts.push_back(loss_t);
  group_->all_reduce_mean(parts);
  return loss_t.item<double>();
}

}  // namespace wl::train
