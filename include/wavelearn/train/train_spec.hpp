#pragma once
// How to train, as plain numbers: read from the [train] section. No libtorch here.
#include <cstdint>
#include <string>

namespace wl::core {
class Config;
}

namespace wl::train {

struct TrainSpec {
  int64_t epochs = 10;
  std::string optimizer = "adam";  // adam | adamw | sgd | rmsprop | adagrad
  double lr = 1e-3;
  double weight_decay = 0.0;  // L2 (decoupled for adamw)
  double momentum = 0.0;      // sgd, rmsprop
  bool nesterov = false;      // sgd
  double l1 = 0.0;            // L1 penalty on weight matrices/kernels (not biases)
  // LR schedule, applied per epoch: none | step (x gamma every step_epochs) | cosine (to
  // min_lr over `epochs`) | plateau (x plateau_factor after plateau_patience epochs without
  // a better validation loss).
  std::string schedule = "none";
  int64_t step_epochs = 10;
  double gamma = 0.1;
  double min_lr = 0.0;
  int64_t plateau_patience = 2;
  double plateau_factor = 0.5;
  // Early stopping on the validation loss: stop after this many epochs without an
  // improvement larger than min_delta (0: off). The exported model is the best epoch's.
  int64_t early_stopping_patience = 0;
  double min_delta = 0.0;
  double clip_grad_norm = 0.0;  // 0: off
  // Linear learning-rate warm-up over the first optimizer steps (0: off). Adam's first
  // steps move every weight by about lr whatever its gradient; on a wide layer of correlated
  // inputs that can push every hidden ReLU negative for all events, a network that outputs
  // a constant from the first epoch on.
  int64_t warmup_steps = 0;
  uint64_t seed = 42;           // the split (the top-level `seed`)
  // Initial weights, dropout masks and the loaders' shuffles: `train.init_seed`, by default
  // `seed`. Ensemble members differ only in it, so they share their held-out events.
  uint64_t init_seed = 42;
  int ensemble = 1;  // train.ensemble: members of a deep ensemble (1: a single network)
  // Fine-tuning (docs/pretraining.md): the run whose encoder parameters start this model
  // (empty: none), whether they stay fixed, and their own learning rate (< 0: train.lr; the
  // schedule scales it like train.lr).
  std::string init_from;
  bool freeze_encoder = false;
  double encoder_lr = -1.0;
  // Where the network trains (docs/training.md "Devices"): "cpu", "cuda" or "cuda:N"
  // (train.device, --device). Checkpoints and model.pt hold CPU tensors whatever it is.
  std::string device = "cpu";
  // train.mixed_precision: "none", "bf16" (autocast to bfloat16, CPU or CUDA) or "fp16"
  // (autocast to float16 with dynamic loss scaling, CUDA only).
  std::string mixed_precision = "none";
};

// Reads [train]: epochs, optimizer, lr, weight_decay, momentum, nesterov, l1, schedule,
// step_epochs, gamma, min_lr, plateau_patience, plateau_factor, early_stopping_patience,
// min_delta, clip_grad_norm, init_seed, ensemble, device, mixed_precision, warmup_steps, init_from, freeze_encoder,
// encoder_lr (the last four only when given: a run without them records none); and the top-level `seed`. Throws InputError naming the key for
// an unknown optimizer or schedule or an out-of-range value.
TrainSpec train_spec_from(const core::Config& config);

}  // namespace wl::train
