#include "wavelearn/train/train_spec.hpp"

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/device.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::train {

namespace {
constexpr double kMaxLearningRate = 10.0;
constexpr int64_t kMaxEpochs = 1000000;
constexpr int kMaxEnsemble = 100;  // run::kMaxEnsembleMembers
void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok) throw core::InputError("train." + key + ": " + what);
}

// Read only when given, so that runs without them record none (and resume as before).
void read_warmup(const core::Config& c, TrainSpec& s) {
  if (c.has("train.warmup_steps")) s.warmup_steps = c.get<int64_t>("train.warmup_steps");
  require(s.warmup_steps >= 0 && s.warmup_steps <= 10000000, "warmup_steps",
          "must be from 0 (off) to 10000000 optimizer steps (got " + c.value_text("train.warmup_steps") + ")");
}

void read_fine_tuning(const core::Config& c, TrainSpec& s) {
  if (c.has("train.init_from")) s.init_from = c.get<std::string>("train.init_from");
  if (c.has("train.freeze_encoder")) s.freeze_encoder = c.get<bool>("train.freeze_encoder");
  if (c.has("train.encoder_lr")) s.encoder_lr = c.get<double>("train.encoder_lr");
  const bool tuning_keys = c.has("train.freeze_encoder") || c.has("train.encoder_lr");
  require(!tuning_keys || !s.init_from.empty(), "init_from",
          "train.freeze_encoder and train.encoder_lr need train.init_from (the run whose encoder to start from)");
  require(!c.has("train.init_from") || !s.init_from.empty(), "init_from", "must name a run directory");
  require(!c.has("train.encoder_lr") || (s.encoder_lr > 0 && s.encoder_lr <= kMaxLearningRate), "encoder_lr",
          "must be > 0 and at most 10 (got " + c.value_text("train.encoder_lr") + ")");
  require(!(s.freeze_encoder && c.has("train.encoder_lr")), "encoder_lr",
          "a frozen encoder (train.freeze_encoder = true) is not trained; drop train.encoder_lr");
}

// train.device is parsed here (its syntax); whether this machine has it is the trainer's check.
void read_device(const core::Config& c, TrainSpec& s) {
  s.device = c.get<std::string>("train.device", s.device);
  const auto device = core::parse_device(s.device, "train.device");
  s.mixed_precision = c.get<std::string>("train.mixed_precision", s.mixed_precision);
  require(s.mixed_precision == "none" || s.mixed_precision == "bf16" || s.mixed_precision == "fp16",
          "mixed_precision", "unknown mode '" + s.mixed_precision + "' (none, bf16, fp16)");
  require(s.mixed_precision != "fp16" || device.cuda, "mixed_precision",
          "fp16 needs a CUDA device (train.device = \"cuda\" or --device cuda); on cpu use bf16 or none");
}

}  // namespace

TrainSpec train_spec_from(const core::Config& c) {
  TrainSpec s;
  s.seed = c.get<uint64_t>("seed", 42);
  s.init_seed = c.get<uint64_t>("train.init_seed", s.seed);
  s.ensemble = c.get<int>("train.ensemble", s.ensemble);
  s.epochs = c.get<int64_t>("train.epochs", s.epochs);
  s.optimizer = c.get<std::string>("train.optimizer", s.optimizer);
  s.lr = c.get<double>("train.lr", s.lr);
  s.weight_decay = c.get<double>("train.weight_decay", s.weight_decay);
  if (s.optimizer == "sgd" || s.optimizer == "rmsprop")
    s.momentum = c.get<double>("train.momentum", s.momentum);
  if (s.optimizer == "sgd") s.nesterov = c.get<bool>("train.nesterov", s.nesterov);
  s.l1 = c.get<double>("train.l1", s.l1);
  s.schedule = c.get<std::string>("train.schedule", s.schedule);
  if (s.schedule == "step") {
    s.step_epochs = c.get<int64_t>("train.step_epochs", s.step_epochs);
    s.gamma = c.get<double>("train.gamma", s.gamma);
  } else if (s.schedule == "cosine") {
    s.min_lr = c.get<double>("train.min_lr", s.min_lr);
  } else if (s.schedule == "plateau") {
    s.plateau_patience = c.get<int64_t>("train.plateau_patience", s.plateau_patience);
    s.plateau_factor = c.get<double>("train.plateau_factor", s.plateau_factor);
  } else {
    require(s.schedule == "none", "schedule",
            "unknown schedule '" + s.schedule + "' (none, step, cosine, plateau)");
  }
  s.early_stopping_patience = c.get<int64_t>("train.early_stopping_patience", s.early_stopping_patience);
  s.min_delta = c.get<double>("train.min_delta", s.min_delta);
  s.clip_grad_norm = c.get<double>("train.clip_grad_norm", s.clip_grad_norm);

  read_warmup(c, s);
  read_fine_tuning(c, s);
  read_device(c, s);
  require(s.ensemble >= 1 && s.ensemble <= kMaxEnsemble, "ensemble",
          "must be from 1 to " + std::to_string(kMaxEnsemble) + " members (got " + c.value_text("train.ensemble") + ")");
  require(s.epochs >= 1 && s.epochs <= kMaxEpochs, "epochs", "must be from 1 to " + std::to_string(kMaxEpochs));
  require(s.optimizer == "adam" || s.optimizer == "adamw" || s.optimizer == "sgd" ||
              s.optimizer == "rmsprop" || s.optimizer == "adagrad",
          "optimizer", "unknown optimizer '" + s.optimizer + "' (adam, adamw, sgd, rmsprop, adagrad)");
  // Above this every optimiser here diverges on the first step; it is a typo, not a choice.
  require(s.lr > 0 && s.lr <= kMaxLearningRate, "lr", "must be > 0 and at most 10 (got " + c.value_text("train.lr") + ")");
  require(s.momentum < 1, "momentum", "must be below 1 (a momentum of 1 or more never forgets a step)");
  require(s.weight_decay >= 0 && s.l1 >= 0 && s.momentum >= 0, "weight_decay",
          "weight_decay, l1 and momentum must be >= 0");
  require(s.step_epochs >= 1 && s.plateau_patience >= 1, "step_epochs",
          "step_epochs and plateau_patience must be >= 1");
  require(s.gamma > 0 && s.plateau_factor > 0 && s.plateau_factor < 1 && s.gamma <= 1, "gamma",
          "gamma must be in (0, 1] and plateau_factor in (0, 1)");
  require(s.early_stopping_patience >= 0 && s.clip_grad_norm >= 0, "early_stopping_patience",
          "early_stopping_patience and clip_grad_norm must be >= 0");
  return s;
}

}  // namespace wl::train
