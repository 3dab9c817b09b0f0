#pragma once
// Optimizers and learning-rate schedules from a TrainSpec.
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "wavelearn/train/train_spec.hpp"

namespace wl::train {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& spec,
                                                        const std::vector<torch::Tensor>& params);

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr);

// Per-epoch learning rate. State is three numbers so a checkpoint can hold it.
class LrSchedule {
 public:
  explicit LrSchedule(const TrainSpec& spec);
  // The rate for epoch (0-based) given what step() has seen.
  double lr_for_epoch(int64_t epoch) const;
  // After an epoch: the validation loss (NaN if none) drives reduce-on-plateau.
  void step(double val_loss);

  std::vector<double> state() const;  // {plateau_lr, plateau_best, plateau_bad_epochs}
  void set_state(const std::vector<double>& state);

 private:
  TrainSpec spec_;
  double plateau_lr_;
  double plateau_best_;
  double plateau_bad_ = 0;
};

}  // namespace wl::train
