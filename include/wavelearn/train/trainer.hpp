#pragma once
// The training loop of the lectures (zero_grad / forward / loss / backward / step per batch,
// epochs, validation loss per epoch) on a jit::Module, plus what long runs need: L1 penalty,
// gradient clipping, LR schedules, early stopping with the best weights kept, NaN/inf
// detection, progress, a per-epoch history, and checkpoints that resume bit-exactly.
#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "wavelearn/data/loader.hpp"
#include "wavelearn/nn/heads.hpp"
#include "wavelearn/train/grad_scaler.hpp"
#include "wavelearn/train/optimizer.hpp"
#include "wavelearn/train/train_spec.hpp"

namespace wl::train {

class ProcessGroup;  // train/distributed.hpp

// Where batches come from: data::BatchLoader in a run, in-memory tensors in tests. The
// order of an epoch must be a pure function of the epoch number (resume relies on it).
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual std::size_t n_batches() const = 0;
  virtual void start_epoch(std::size_t epoch) = 0;
  virtual bool next(data::Batch& out) = 0;
};

// Adapts a data::BatchLoader (not owned).
class LoaderSource : public BatchSource {
 public:
  explicit LoaderSource(data::BatchLoader& loader) : loader_(loader) {}
  std::size_t n_batches() const override { return loader_.n_batches(); }
  void start_epoch(std::size_t epoch) override { loader_.start_epoch(epoch); }
  bool next(data::Batch& out) override { return loader_.next(out); }

 private:
  data::BatchLoader& loader_;
};

// In-memory (N, L) inputs and (N, T) targets; shuffled per epoch with (seed, epoch) when
// shuffle, incomplete last batch dropped when drop_last.
class TensorSource : public BatchSource {
 public:
  TensorSource(torch::Tensor x, torch::Tensor y, std::size_t batch_size, bool shuffle,
               bool drop_last, uint64_t seed);
  std::size_t n_batches() const override;
  void start_epoch(std::size_t epoch) override;
  bool next(data::Batch& out) override;

 private:
  torch::Tensor x_, y_, order_;
  std::size_t batch_size_, pos_ = 0, number_ = 0;
  bool shuffle_, drop_last_;
  uint64_t seed_;
};

// An objective trained together with the model (domain-adversarial training, train/dann.hpp):
// its parameters join the optimizer, the checkpoint and the best-epoch copies; it runs the
// model's training forward pass and adds its loss to each training batch's task loss. Not
// used in validation or export.
class AuxiliaryObjective {
 public:
  virtual ~AuxiliaryObjective() = default;
  virtual std::vector<torch::Tensor> parameters() const = 0;
  virtual void start_epoch(int64_t epoch) = 0;  // 0-based
  // The model's float32 output on `batch` (already on the trainer's device; batch_number of
  // n_batches of the epoch), and in `extra_loss` the objective's loss.
  virtual torch::Tensor forward(torch::jit::Module& model, const data::Batch& batch, int64_t epoch,
                                std::size_t batch_number, std::size_t n_batches, torch::Tensor& extra_loss) = 0;
};

struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0.0;
  double val_loss = 0.0;
  double val_metric = 0.0;
  double lr = 0.0;
  double seconds = 0.0;
};

struct TrainState {
  int64_t epochs_done = 0;
  double best_val_loss = std::numeric_limits<double>::infinity();
  int64_t best_epoch = 0;  // 1-based; 0: none yet
  int64_t epochs_without_improvement = 0;
  bool stopped_early = false;
  std::vector<EpochRecord> history;
};

struct Evaluation {
  double loss = 0.0;     // mean over events
  double metric = 0.0;   // Head::metric (NaN when undefined)
  torch::Tensor scores;  // (n, n_scores)
  torch::Tensor targets; // (n, n_targets)
  torch::Tensor rows;    // (n,) int64 dataset rows
  double seconds = 0.0;  // loader + forward + loss over all batches (the inference time)
};

class Trainer {
 public:
  // model: built and with its head attached; it is moved to spec.device (InputError naming
  // train.device when this machine has no such device) and trained in place. encoder: names of the
  // parameters loaded from spec.init_from: with spec.freeze_encoder they are not trained (no
  // gradient, not in the optimizer), else they form a second parameter group at
  // spec.encoder_lr (when > 0).
  Trainer(torch::jit::Module model, nn::Head head, TrainSpec spec, bool quiet = false,
          const std::vector<std::string>& encoder = {});
  ~Trainer();

  // Runs epochs state().epochs_done + 1 .. spec.epochs (or until early stopping). After each
  // epoch calls on_epoch (the run writes its checkpoint and history there). Throws
  // InputError naming epoch and batch on a NaN/inf loss, core::Interrupted after SIGINT
  // (the last completed epoch's checkpoint is what on_epoch saved).
  void fit(BatchSource& train, BatchSource* validation,
           const std::function<void(const Trainer&)>& on_epoch = {});

  // Loss, metric and scores over a whole source (eval mode, no grad; epoch picks its order).
  Evaluation evaluate(BatchSource& source, std::size_t epoch = 0);

  // Copies the best-validation weights into the model (no-op before any validation).
  void restore_best();

  // Everything needed to continue exactly: model, best weights, optimizer, schedule, state.
  void save_checkpoint(const std::filesystem::path& path) const;  // atomic
  void load_checkpoint(const std::filesystem::path& path);        // InputError naming path

  const TrainState& state() const { return state_; }
  const TrainSpec& spec() const { return spec_; }
  TrainSpec& mutable_spec() { return spec_; }  // e.g. more epochs on resume
  torch::jit::Module& model() { return model_; }
  const nn::Head& head() const { return head_; }
  double current_lr() const;
  const c10::Device& device() const { return device_; }

  // Data-parallel training (not owned; nullptr: one process). Every rank calls it after
  // load_checkpoint: rank 0's weights go to all ranks, and from then on each step's gradients
  // and loss are averaged over the group before the optimizer step (trainer_distributed.cpp).
  void set_process_group(ProcessGroup* group);

  // Trains `aux` with the model (its parameters in their own optimizer group at train.lr).
  // Call before load_checkpoint: the checkpoint then holds its parameters and their state.
  void set_auxiliary(std::shared_ptr<AuxiliaryObjective> aux);

 private:
  double train_epoch(BatchSource& train, int64_t epoch);
  void require_finite_output(const torch::Tensor& out, int64_t epoch, std::size_t batch) const;
  torch::Tensor penalty() const;
  // The model's output in float32, under autocast when train.mixed_precision is on.
  torch::Tensor forward(const torch::Tensor& x);
  void to_device(data::Batch& b) const;  // inputs and targets; rows stay on the CPU
  void apply_warmup(int64_t step);  // scales the epoch's rate during train.warmup_steps
  void optimizer_step();  // unscale (fp16), clip, step; skips a step with overflowed gradients
  double average_gradients(double loss);  // over group_; returns the mean loss
  std::vector<torch::Tensor> state_tensors() const;  // parameters then buffers, in order

  torch::jit::Module model_;
  nn::Head head_;
  TrainSpec spec_;
  c10::Device device_{c10::DeviceType::CPU};
  bool autocast_ = false;
  c10::ScalarType autocast_type_ = c10::ScalarType::BFloat16;
  GradScaler scaler_{false};
  ProcessGroup* group_ = nullptr;
  std::shared_ptr<AuxiliaryObjective> aux_;
  bool quiet_;
  std::vector<torch::Tensor> params_;  // the trained ones
  double epoch_lr_ = 0.0;               // the schedule's rate of the current epoch
  std::vector<double> group_lr_scale_;  // per optimizer group, times the scheduled rate
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  LrSchedule schedule_;
  TrainState state_;
  std::vector<torch::Tensor> best_;  // copies of state_tensors() at the best epoch
};

// history.csv text: epoch,train_loss,val_loss,val_<metric>,lr,seconds.
std::string history_csv(const TrainState& state, const std::string& metric_name);

}  // namespace wl::train
