#include "wavelearn/train/trainer.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/progress.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/nn/models.hpp"
#include "wavelearn/train/device.hpp"
#include "wavelearn/train/distributed.hpp"
#include "wavelearn/train/interrupt.hpp"

namespace wl::train {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Dropout draws from torch's global generator; reseeding it per epoch from (seed, epoch)
// makes a resumed run draw exactly what an uninterrupted one does.
constexpr uint64_t kDropoutStream = 0x64726f70;

}  // namespace

Trainer::Trainer(torch::jit::Module model, nn::Head head, TrainSpec spec, bool quiet,
                 const std::vector<std::string>& encoder)
    : model_(std::move(model)), head_(std::move(head)), spec_(std::move(spec)), quiet_(quiet), schedule_(spec_) {
  // Before the optimizer sees the parameters: Module::to moves them in place, but the
  // optimizer's state is made where the parameters are.
  device_ = torch_device(spec_.device, "train.device");
  if (!device_.is_cpu()) model_.to(device_);
  autocast_ = is_mixed_precision(spec_.mixed_precision);
  autocast_type_ = mixed_precision_type(spec_.mixed_precision);
  scaler_ = GradScaler(spec_.mixed_precision == "fp16");
  const std::set<std::string> in_encoder(encoder.begin(), encoder.end());
  std::vector<torch::Tensor> rest, encoder_params;
  for (const auto& p : model_.named_parameters()) {
    if (!in_encoder.count(p.name)) {
      rest.push_back(p.value);
    } else if (spec_.freeze_encoder) {
      p.value.set_requires_grad(false);
    } else {
      encoder_params.push_back(p.value);
    }
  }
  const bool own_group = !encoder_params.empty() && spec_.encoder_lr > 0;
  params_ = rest;
  if (!own_group) params_.insert(params_.end(), encoder_params.begin(), encoder_params.end());
  optimizer_ = make_optimizer(spec_, params_);
  group_lr_scale_ = {1.0};
  if (own_group) {
    optimizer_->add_param_group(torch::optim::OptimizerParamGroup(encoder_params));
    group_lr_scale_.push_back(spec_.encoder_lr / spec_.lr);
    params_.insert(params_.end(), encoder_params.begin(), encoder_params.end());
  }
  // The profiling graph executor re-specialises and differentiates the TorchScript graph
  // while training; the plain interpreter runs the same ops with less overhead per batch.
  torch::jit::setGraphExecutorOptimize(false);
}

Trainer::~Trainer() = default;

double Trainer::current_lr() const {
  return optimizer_->param_groups().front().options().get_lr();
}

std::vector<torch::Tensor> Trainer::state_tensors() const {
  std::vector<torch::Tensor> out;
  for (const auto& p : model_.named_parameters()) out.push_back(p.value);
  for (const auto& b : model_.named_buffers()) out.push_back(b.value);
  if (aux_)
    for (const auto& p : aux_->parameters()) out.push_back(p);
  return out;
}

torch::Tensor Trainer::penalty() const {
  torch::Tensor sum = torch::zeros({}, torch::TensorOptions().device(device_));
  for (const auto& p : params_)
    if (p.dim() > 1) sum = sum + p.abs().sum();
  return sum;
}

torch::Tensor Trainer::forward(const torch::Tensor& x) {
  torch::Tensor out;
  {
    AutocastGuard autocast(device_, autocast_type_, autocast_);
    out = model_.forward({x}).toTensor();
  }
  // The loss and scores in float32 whatever precision the layers ran in.
  return out.scalar_type() == torch::kFloat ? out : out.to(torch::kFloat);
}

void Trainer::to_device(data::Batch& b) const {
  if (device_.is_cpu()) return;
  b.x = b.x.to(device_);
  if (b.y.defined()) b.y = b.y.to(device_);
}

// The step counts from the start of training (epoch x batches per epoch + batch), so a
// resumed run warms up exactly as an uninterrupted one.
void Trainer::apply_warmup(int64_t step) {
  if (step > spec_.warmup_steps) return;  // step == warmup_steps restores the full rate
  const double f = std::min(1.0, static_cast<double>(step + 1) / static_cast<double>(spec_.warmup_steps));
  for (std::size_t g = 0; g < optimizer_->param_groups().size(); ++g)
    optimizer_->param_groups()[g].options().set_lr(epoch_lr_ * f * group_lr_scale_.at(g));
}

void Trainer::optimizer_step() {
  const bool finite = scaler_.unscale(params_);
  if (finite) {
    if (spec_.clip_grad_norm > 0) torch::nn::utils::clip_grad_norm_(params_, spec_.clip_grad_norm);
    optimizer_->step();
  }
  scaler_.update(finite);
}

// Weights that diverged give NaN outputs, which the losses reject with a libtorch backtrace;
// say what happened instead. The inputs are finite (the readers refuse NaN waveforms).
void Trainer::require_finite_output(const torch::Tensor& out, int64_t epoch, std::size_t batch) const {
  if (torch::isfinite(out).all().item<bool>()) return;
  const char* what = torch::isnan(out).any().item<bool>() ? "nan" : "inf";
  throw core::InputError("training diverged: the model's outputs are " + std::string(what) + " at epoch " +
                         std::to_string(epoch + 1) +
                         ", batch " + std::to_string(batch + 1) +
                         " (lower train.lr, or set train.clip_grad_norm)");
}

double Trainer::train_epoch(BatchSource& train, int64_t epoch) {
  model_.train();
  train.start_epoch(static_cast<std::size_t>(epoch));
  if (aux_) aux_->start_epoch(epoch);
  const auto n_batches = train.n_batches();
  if (n_batches == 0)
    throw core::InputError("training split has fewer events than one batch (data.batch_size)");
  core::Progress progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(spec_.epochs),
                          n_batches, quiet_);
  data::Batch b;
  double sum = 0.0;
  std::size_t n = 0, batch = 0;
  while (train.next(b)) {
    if (interrupt_requested())
      throw core::Interrupted("training stopped in epoch " + std::to_string(epoch + 1) +
                              " (last checkpoint: epoch " + std::to_string(state_.epochs_done) + ")");
    optimizer_->zero_grad();
    to_device(b);
    torch::Tensor aux_loss;
    const auto out = aux_ ? aux_->forward(model_, b, epoch, batch, n_batches, aux_loss) : forward(b.x);
    require_finite_output(out, epoch, batch);
    auto loss = head_.loss(out, b.y);
    if (aux_) loss = loss + aux_loss;
    if (spec_.l1 > 0) loss = loss + spec_.l1 * penalty();
    double v = loss.item<double>();
    if (!std::isfinite(v))
      throw core::InputError("training diverged: loss is " + std::string(std::isnan(v) ? "nan" : "inf") +
                             " at epoch " + std::to_string(epoch + 1) + ", batch " +
                             std::to_string(batch + 1) +
                             " (lower train.lr, set train.clip_grad_norm, or check the targets)");
    scaler_.scale_loss(loss).backward();
    if (group_) v = average_gradients(v);
    if (spec_.warmup_steps > 0) apply_warmup(epoch * static_cast<int64_t>(n_batches) + static_cast<int64_t>(batch));
    optimizer_step();
    const auto size = static_cast<std::size_t>(b.x.size(0));
    sum += v * static_cast<double>(size);
    n += size;
    ++batch;
    progress.update(batch, fmt("loss %.4f", v));
  }
  const double mean = n ? sum / static_cast<double>(n) : std::nan("");
  progress.finish(fmt("mean loss %.4f", mean));
  return mean;
}

Evaluation Trainer::evaluate(BatchSource& source, std::size_t epoch) {
  const bool was_training = model_.is_training();
  model_.eval();
  torch::NoGradGuard no_grad;
  const auto t0 = std::chrono::steady_clock::now();
  source.start_epoch(epoch);
  std::vector<torch::Tensor> scores, targets, rows;
  double sum = 0.0;
  std::size_t n = 0;
  data::Batch b;
  while (source.next(b)) {
    // Targets and rows are kept on the CPU (the loader reuses its buffers: copies).
    const auto y_host = b.y.defined() ? b.y.clone() : torch::empty({b.x.size(0), 0});
    to_device(b);
    const auto out = forward(b.x);
    if (!torch::isfinite(out).all().item<bool>())
      throw core::InputError("training diverged: the model's outputs are not finite on validation events (lower "
                             "train.lr, or set train.clip_grad_norm)");
    const auto size = static_cast<std::size_t>(b.x.size(0));
    // A pretraining head needs no targets: the model returns what it must rebuild.
    if ((b.y.defined() && b.y.size(1) > 0) || nn::is_pretraining_kind(head_.spec().kind)) {
      sum += head_.loss(out, b.y).item<double>() * static_cast<double>(size);
      targets.push_back(y_host);
    }
    n += size;
    scores.push_back(head_.score(out).cpu());
    rows.push_back(b.index.defined() ? b.index.clone() : torch::empty({0}, torch::kLong));
  }
  Evaluation ev;
  ev.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  model_.train(was_training);
  ev.loss = n && !targets.empty() ? sum / static_cast<double>(n) : std::nan("");
  ev.scores = scores.empty() ? torch::empty({0, static_cast<int64_t>(head_.score_names().size())})
                             : torch::cat(scores);
  ev.targets = targets.empty() ? torch::empty({0, 0}) : torch::cat(targets);
  ev.rows = rows.empty() ? torch::empty({0}, torch::kLong) : torch::cat(rows);
  ev.metric = targets.empty() ? std::nan("") : head_.metric(ev.scores, ev.targets);
  return ev;
}

void Trainer::set_auxiliary(std::shared_ptr<AuxiliaryObjective> aux) {
  aux_ = std::move(aux);
  const auto extra = aux_->parameters();
  optimizer_->add_param_group(torch::optim::OptimizerParamGroup(extra));
  group_lr_scale_.push_back(1.0);
  params_.insert(params_.end(), extra.begin(), extra.end());
}

void Trainer::fit(BatchSource& train, BatchSource* validation,
                  const std::function<void(const Trainer&)>& on_epoch) {
  for (int64_t e = state_.epochs_done; e < spec_.epochs && !state_.stopped_early; ++e) {
    const auto t0 = std::chrono::steady_clock::now();
    EpochRecord r;
    r.epoch = e + 1;
    r.lr = epoch_lr_ = schedule_.lr_for_epoch(e);
    for (std::size_t g = 0; g < optimizer_->param_groups().size(); ++g)
      optimizer_->param_groups()[g].options().set_lr(r.lr * group_lr_scale_.at(g));
    // Each rank draws its own dropout masks (rank 0 those of a single-process run).
    const auto rank = static_cast<uint64_t>(group_ ? group_->rank() : 0);
    torch::manual_seed(core::Rng(spec_.init_seed, kDropoutStream + static_cast<uint64_t>(e)).next() + rank);
    r.train_loss = train_epoch(train, e);
    r.val_loss = r.val_metric = std::nan("");
    if (validation) {
      const auto ev = evaluate(*validation, static_cast<std::size_t>(e));
      r.val_loss = ev.loss;
      r.val_metric = ev.metric;
    }
    schedule_.step(r.val_loss);
    const double monitored = std::isfinite(r.val_loss) ? r.val_loss : r.train_loss;
    if (monitored < state_.best_val_loss - spec_.min_delta) {
      state_.best_val_loss = monitored;
      state_.best_epoch = r.epoch;
      state_.epochs_without_improvement = 0;
      best_.clear();
      for (const auto& t : state_tensors()) best_.push_back(t.detach().clone());
    } else {
      ++state_.epochs_without_improvement;
      if (spec_.early_stopping_patience > 0 &&
          state_.epochs_without_improvement >= spec_.early_stopping_patience)
        state_.stopped_early = true;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state_.history.push_back(r);
    state_.epochs_done = r.epoch;
    if (on_epoch) on_epoch(*this);
  }
}

void Trainer::restore_best() {
  if (best_.empty()) return;
  torch::NoGradGuard no_grad;
  auto now = state_tensors();
  for (std::size_t i = 0; i < now.size() && i < best_.size(); ++i) now[i].copy_(best_[i]);
}

std::string history_csv(const TrainState& state, const std::string& metric_name) {
  std::string out = "epoch,train_loss,val_loss,val_" + metric_name + ",lr,seconds\n";
  char line[256];
  for (const auto& r : state.history) {
    std::snprintf(line, sizeof line, "%lld,%.9g,%.9g,%.9g,%.9g,%.3f\n",
                  static_cast<long long>(r.epoch), r.train_loss, r.val_loss, r.val_metric, r.lr,
                  r.seconds);
    out += line;
  }
  return out;
}

}  // namespace wl::train
