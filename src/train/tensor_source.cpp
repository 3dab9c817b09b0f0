#include "wavelearn/core/rng.hpp"
#include "wavelearn/train/trainer.hpp"

namespace wl::train {

TensorSource::TensorSource(torch::Tensor x, torch::Tensor y, std::size_t batch_size, bool shuffle,
                           bool drop_last, uint64_t seed)
    : x_(std::move(x)), y_(std::move(y)), batch_size_(batch_size), shuffle_(shuffle),
      drop_last_(drop_last), seed_(seed) {
  start_epoch(0);
}

std::size_t TensorSource::n_batches() const {
  const auto n = static_cast<std::size_t>(x_.size(0));
  return drop_last_ ? n / batch_size_ : (n + batch_size_ - 1) / batch_size_;
}

void TensorSource::start_epoch(std::size_t epoch) {
  const auto n = x_.size(0);
  order_ = torch::arange(n, torch::kLong);
  if (shuffle_) {
    core::Rng rng(seed_, epoch);
    auto* o = order_.data_ptr<int64_t>();
    for (int64_t i = n - 1; i > 0; --i)
      std::swap(o[i], o[static_cast<int64_t>(rng.below(static_cast<uint64_t>(i + 1)))]);
  }
  pos_ = 0;
  number_ = 0;
}

bool TensorSource::next(data::Batch& out) {
  const auto n = static_cast<std::size_t>(x_.size(0));
  if (pos_ >= n || (drop_last_ && pos_ + batch_size_ > n)) return false;
  const auto size = std::min(batch_size_, n - pos_);
  const auto idx = order_.narrow(0, static_cast<int64_t>(pos_), static_cast<int64_t>(size));
  out.x = x_.index_select(0, idx);
  out.y = y_.index_select(0, idx);
  out.index = idx.clone();
  out.size = size;
  out.number = number_++;
  pos_ += size;
  return true;
}

}  // namespace wl::train
