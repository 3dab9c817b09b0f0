#include "wavelearn/train/optimizer.hpp"
#include "wavelearn/train/fused_adam.hpp"

#include <cmath>
#include <limits>

namespace wl::train {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const TrainSpec& s,
                                                        const std::vector<torch::Tensor>& params) {
  using namespace torch::optim;
  if (s.optimizer == "adamw")
    return std::make_unique<AdamW>(params, AdamWOptions(s.lr).weight_decay(s.weight_decay));
  if (s.optimizer == "sgd")
    return std::make_unique<SGD>(
        params, SGDOptions(s.lr).momentum(s.momentum).nesterov(s.nesterov).weight_decay(s.weight_decay));
  if (s.optimizer == "rmsprop")
    return std::make_unique<RMSprop>(
        params, RMSpropOptions(s.lr).momentum(s.momentum).weight_decay(s.weight_decay));
  if (s.optimizer == "adagrad")
    return std::make_unique<Adagrad>(params, AdagradOptions(s.lr).weight_decay(s.weight_decay));
  return std::make_unique<FusedAdam>(params, AdamOptions(s.lr).weight_decay(s.weight_decay));
}

void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

LrSchedule::LrSchedule(const TrainSpec& spec)
    : spec_(spec), plateau_lr_(spec.lr), plateau_best_(std::numeric_limits<double>::infinity()) {}

double LrSchedule::lr_for_epoch(int64_t epoch) const {
  if (spec_.schedule == "step")
    return spec_.lr * std::pow(spec_.gamma, static_cast<double>(epoch / spec_.step_epochs));
  if (spec_.schedule == "cosine") {
    const double t = static_cast<double>(epoch) / static_cast<double>(spec_.epochs);
    return spec_.min_lr + 0.5 * (spec_.lr - spec_.min_lr) * (1.0 + std::cos(M_PI * t));
  }
  if (spec_.schedule == "plateau") return plateau_lr_;
  return spec_.lr;
}

void LrSchedule::step(double val_loss) {
  if (spec_.schedule != "plateau" || !std::isfinite(val_loss)) return;
  if (val_loss < plateau_best_) {
    plateau_best_ = val_loss;
    plateau_bad_ = 0;
  } else if (++plateau_bad_ >= static_cast<double>(spec_.plateau_patience)) {
    plateau_lr_ *= spec_.plateau_factor;
    plateau_bad_ = 0;
  }
}

std::vector<double> LrSchedule::state() const { return {plateau_lr_, plateau_best_, plateau_bad_}; }

void LrSchedule::set_state(const std::vector<double>& state) {
  if (state.size() != 3) return;
  plateau_lr_ = state[0];
  plateau_best_ = state[1];
  plateau_bad_ = state[2];
}

}  // namespace wl::train
