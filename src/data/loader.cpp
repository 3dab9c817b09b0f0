// BatchLoader: one producer thread fills whole-batch tensors from a WindowSource, up to
// prefetch_batches ahead of the consumer. Batch buffers are pooled and reused only when
// nobody (caller, autograd) still references them, so reuse never corrupts a held batch.
#include "wavelearn/data/loader.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"

namespace wl::data {

using core::InputError;

namespace {

// The epoch shuffle's random stream: distinct from the split's, per loader and per epoch.
std::uint64_t epoch_stream(std::uint64_t loader_stream, std::size_t epoch) {
  std::uint64_t x = 0x4C4F414445520000ULL ^ loader_stream;
  return core::splitmix64(x) ^ static_cast<std::uint64_t>(epoch);
}

bool unreferenced(const torch::Tensor& t) {
  return t.use_count() == 1 && t.storage().use_count() == 1;
}

}  // namespace

struct BatchLoader::Impl {
  struct Buffers {
    torch::Tensor x, y, index;
    bool free() const { return unreferenced(x) && unreferenced(y) && unreferenced(index); }
  };
  struct Item {
    Batch batch;
    std::exception_ptr error;
  };

  std::unique_ptr<WindowSource> source;
  std::size_t length = 0, n_targets = 0, batch_size = 0, n_batches = 0, prefetch = 1;
  std::size_t stride = 0, offset = 0;  // rows between batch starts; this shard's first row
  std::vector<Buffers> pool;  // touched by the producer only

  std::mutex mutex;
  std::condition_variable cv;
  bool stop = false;
  bool started = false;
  std::uint64_t generation = 0;     // bumped by start_epoch; stale work is discarded
  std::vector<std::size_t> order;   // the current epoch's rows
  std::size_t produce_next = 0;     // next batch number to produce
  std::size_t consume_next = 0;     // next batch number to hand out
  bool producing = false;           // producer is filling a batch outside the lock
  std::deque<Item> ready;
  std::thread worker;

  Buffers acquire() {
    for (auto& b : pool) {
      if (b.free()) return b;
    }
    Buffers b;
    b.x = torch::empty({static_cast<long>(batch_size), static_cast<long>(length)}, torch::kFloat32);
    b.y = torch::empty({static_cast<long>(batch_size), static_cast<long>(n_targets)}, torch::kFloat32);
    b.index = torch::empty({static_cast<long>(batch_size)}, torch::kInt64);
    // Beyond a small pool, batches the caller keeps are simply not recycled.
    if (pool.size() < prefetch + 3) pool.push_back(b);
    return b;
  }

  void fill(const Dataset& dataset, const std::vector<std::size_t>& rows, std::size_t number,
            Batch& out) {
    const std::size_t first = number * stride + offset;
    const std::size_t count = std::min(batch_size, rows.size() - first);
    Buffers b = acquire();
    const std::size_t* r = rows.data() + first;
    source->gather(r, count, b.x.data_ptr<float>());
    float* y = b.y.data_ptr<float>();
    auto* idx = b.index.data_ptr<int64_t>();
    for (std::size_t i = 0; i < count; ++i) {
      const float* t = dataset.targets(r[i]);
      std::copy(t, t + n_targets, y + i * n_targets);
      idx[i] = static_cast<int64_t>(r[i]);
    }
    const auto n = static_cast<long>(count);
    out.x = count == batch_size ? b.x : b.x.narrow(0, 0, n);
    out.y = count == batch_size ? b.y : b.y.narrow(0, 0, n);
    out.index = count == batch_size ? b.index : b.index.narrow(0, 0, n);
    out.size = count;
    out.number = number;
  }

  void run(const Dataset& dataset) {
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      cv.wait(lock, [&] {
        return stop || (started && produce_next < n_batches && ready.size() < prefetch);
      });
      if (stop) return;
      const std::uint64_t gen = generation;
      const std::size_t number = produce_next++;
      producing = true;
      lock.unlock();
      Item item;
      try {
        fill(dataset, order, number, item.batch);
      } catch (...) {
        item.error = std::current_exception();
      }
      lock.lock();
      producing = false;
      if (gen == generation) ready.push_back(std::move(item));
      cv.notify_all();
    }
  }
};

BatchLoader::BatchLoader(std::shared_ptr<Dataset> dataset, std::vector<std::size_t> rows,
                         std::shared_ptr<const Preprocessor> preprocessor,
                         const LoaderOptions& options)
    : dataset_(std::move(dataset)), rows_(std::move(rows)), pre_(std::move(preprocessor)),
      options_(options), impl_(std::make_unique<Impl>()) {
  if (!dataset_ || !pre_) throw std::invalid_argument("BatchLoader needs a dataset and a preprocessor");
  if (options_.batch_size == 0) throw InputError("batch size must be > 0");
  if (options_.shard_count == 0 || options_.shard_rank >= options_.shard_count ||
      (options_.shard_count > 1 && !options_.drop_last))
    throw std::logic_error("BatchLoader: a shard needs rank < count and drop_last");
  if (options_.batch_size % options_.shard_count != 0)
    throw InputError("data.batch_size = " + std::to_string(options_.batch_size) + " does not divide into " +
                     std::to_string(options_.shard_count) + " equal shares (one per rank of the distributed run)");
  if (pre_->needs_fit() && !pre_->state().fitted) {
    throw std::logic_error("BatchLoader: the preprocessor has not been fitted");
  }
  for (std::size_t r : rows_) {
    if (r >= dataset_->size()) throw std::out_of_range("BatchLoader: dataset row out of range");
  }
  auto& impl = *impl_;
  impl.length = pre_->window_length_samples();
  impl.n_targets = dataset_->n_targets();
  impl.batch_size = options_.batch_size / options_.shard_count;
  impl.stride = options_.batch_size;
  impl.offset = options_.shard_rank * impl.batch_size;
  impl.prefetch = std::max<std::size_t>(1, options_.prefetch_batches);
  impl.n_batches = options_.drop_last ? rows_.size() / options_.batch_size
                                      : (rows_.size() + options_.batch_size - 1) / options_.batch_size;
  const StorageMode mode =
      resolve_storage(options_.storage, *pre_, rows_.size(), options_.max_memory_mb);
  if (mode == StorageMode::Memory) {
    impl.source = make_memory_source(*dataset_, dataset_->reader(), *pre_, rows_);
  } else {
    impl.source = make_stream_source(*dataset_, dataset_->open_another_reader(), *pre_);
  }
  impl.worker = std::thread([this] { impl_->run(*dataset_); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();
}

std::size_t BatchLoader::n_batches() const { return impl_->n_batches; }
std::size_t BatchLoader::window_length_samples() const { return impl_->length; }
std::size_t BatchLoader::n_targets() const { return impl_->n_targets; }
StorageMode BatchLoader::storage() const { return impl_->source->mode(); }

std::vector<std::size_t> BatchLoader::epoch_order(std::size_t epoch) const {
  std::vector<std::size_t> order = rows_;
  if (options_.shuffle) {
    core::Rng rng(options_.seed, epoch_stream(options_.stream, epoch));
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  }
  return order;
}

void BatchLoader::start_epoch(std::size_t epoch) {
  auto order = epoch_order(epoch);
  auto& impl = *impl_;
  std::unique_lock<std::mutex> lock(impl.mutex);
  // The producer reads `order` outside the lock: wait until it is between batches.
  impl.cv.wait(lock, [&] { return !impl.producing; });
  ++impl.generation;
  impl.ready.clear();
  impl.order = std::move(order);
  impl.produce_next = 0;
  impl.consume_next = 0;
  impl.started = true;
  lock.unlock();
  impl.cv.notify_all();
}

bool BatchLoader::next(Batch& out) {
  auto& impl = *impl_;
  if (!impl.started) start_epoch(0);
  std::unique_lock<std::mutex> lock(impl.mutex);
  if (impl.consume_next >= impl.n_batches) return false;
  impl.cv.wait(lock, [&] { return !impl.ready.empty(); });
  Impl::Item item = std::move(impl.ready.front());
  impl.ready.pop_front();
  ++impl.consume_next;
  lock.unlock();
  impl.cv.notify_all();
  if (item.error) std::rethrow_exception(item.error);
  out = std::move(item.batch);
  return true;
}

}  // namespace wl::data
