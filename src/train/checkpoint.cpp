// checkpoint.pt: a torch archive holding the model's parameters and buffers, the best
// epoch's copies, the optimizer state, the schedule state, the counters and the history;
// the loss scale with train.mixed_precision = "fp16". All CPU tensors, whatever device
// trained: a CUDA run resumes on a machine without one.
#include <torch/serialize.h>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/train/device.hpp"
#include "wavelearn/train/trainer.hpp"

namespace wl::train {

namespace {

constexpr int64_t kHistoryColumns = 6;

torch::Tensor history_tensor(const std::vector<EpochRecord>& h) {
  auto t = torch::empty({static_cast<int64_t>(h.size()), kHistoryColumns}, torch::kDouble);
  auto a = t.accessor<double, 2>();
  for (std::size_t i = 0; i < h.size(); ++i) {
    const auto& r = h[i];
    const double v[kHistoryColumns] = {static_cast<double>(r.epoch), r.train_loss, r.val_loss,
                                       r.val_metric, r.lr, r.seconds};
    for (int64_t c = 0; c < kHistoryColumns; ++c) a[static_cast<int64_t>(i)][c] = v[c];
  }
  return t;
}

std::vector<EpochRecord> history_from(const torch::Tensor& t) {
  std::vector<EpochRecord> h;
  auto a = t.accessor<double, 2>();
  for (int64_t i = 0; i < t.size(0); ++i)
    h.push_back({static_cast<int64_t>(a[i][0]), a[i][1], a[i][2], a[i][3], a[i][4], a[i][5]});
  return h;
}

}  // namespace

void Trainer::save_checkpoint(const std::filesystem::path& path) const {
  torch::serialize::OutputArchive ar, model_ar, best_ar, opt_ar;
  const auto tensors = state_tensors();
  for (std::size_t i = 0; i < tensors.size(); ++i) model_ar.write(std::to_string(i), tensors[i].cpu());
  for (std::size_t i = 0; i < best_.size(); ++i) best_ar.write(std::to_string(i), best_[i].cpu());
  const c10::Device cpu(c10::DeviceType::CPU);
  if (!device_.is_cpu()) move_optimizer_state(*optimizer_, cpu);
  optimizer_->save(opt_ar);
  if (!device_.is_cpu()) move_optimizer_state(*optimizer_, device_);
  if (scaler_.enabled()) ar.write("grad_scaler", torch::tensor(scaler_.state(), torch::kDouble));
  ar.write("model", model_ar);
  ar.write("best", best_ar);
  ar.write("optimizer", opt_ar);
  ar.write("n_tensors", torch::tensor(static_cast<int64_t>(tensors.size())));
  ar.write("n_best", torch::tensor(static_cast<int64_t>(best_.size())));
  ar.write("schedule", torch::tensor(schedule_.state(), torch::kDouble));
  ar.write("counters", torch::tensor({state_.epochs_done, state_.best_epoch,
                                      state_.epochs_without_improvement,
                                      static_cast<int64_t>(state_.stopped_early)}));
  ar.write("best_val_loss", torch::tensor(state_.best_val_loss, torch::kDouble));
  ar.write("history", history_tensor(state_.history));
  core::write_atomically(path, true, [&](const std::filesystem::path& tmp) {
    ar.save_to(tmp.string());
  });
}

void Trainer::load_checkpoint(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    throw core::InputError(path.string() + ": no checkpoint to resume from");
  try {
    torch::serialize::InputArchive ar, model_ar, best_ar, opt_ar;
    ar.load_from(path.string(), c10::Device(c10::DeviceType::CPU));
    torch::Tensor n_t, n_b, sched, counters, best_val, hist;
    ar.read("n_tensors", n_t);
    ar.read("n_best", n_b);
    auto tensors = state_tensors();
    if (n_t.item<int64_t>() != static_cast<int64_t>(tensors.size()))
      throw core::InputError(path.string() + ": checkpoint is of a different model (" +
                             std::to_string(n_t.item<int64_t>()) + " tensors, this model has " +
                             std::to_string(tensors.size()) + ")");
    ar.read("model", model_ar);
    {
      torch::NoGradGuard no_grad;
      for (std::size_t i = 0; i < tensors.size(); ++i) {
        torch::Tensor t;
        model_ar.read(std::to_string(i), t);
        if (!t.sizes().equals(tensors[i].sizes()))
          throw core::InputError(path.string() + ": checkpoint tensor " + std::to_string(i) +
                                 " has a different shape than this model's");
        tensors[i].copy_(t);
      }
    }
    ar.read("best", best_ar);
    best_.clear();
    for (int64_t i = 0; i < n_b.item<int64_t>(); ++i) {
      torch::Tensor t;
      best_ar.read(std::to_string(i), t);
      best_.push_back(t.to(device_));
    }
    ar.read("optimizer", opt_ar);
    optimizer_->load(opt_ar);
    if (!device_.is_cpu()) move_optimizer_state(*optimizer_, device_);
    torch::Tensor scale;
    if (scaler_.enabled() && ar.try_read("grad_scaler", scale))
      scaler_.set_state(std::vector<double>(scale.data_ptr<double>(), scale.data_ptr<double>() + scale.numel()));
    ar.read("schedule", sched);
    schedule_.set_state(std::vector<double>(sched.data_ptr<double>(), sched.data_ptr<double>() + sched.numel()));
    ar.read("counters", counters);
    state_.epochs_done = counters[0].item<int64_t>();
    state_.best_epoch = counters[1].item<int64_t>();
    state_.epochs_without_improvement = counters[2].item<int64_t>();
    state_.stopped_early = counters[3].item<int64_t>() != 0;
    ar.read("best_val_loss", best_val);
    state_.best_val_loss = best_val.item<double>();
    ar.read("history", hist);
    state_.history = history_from(hist);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    throw core::InputError(path.string() + ": unreadable checkpoint (" + what + ")");
  }
}

}  // namespace wl::train
