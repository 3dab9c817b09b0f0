#include "wavelearn/core/parallel.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace wl::core {

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

void parallel_for(std::size_t n, int threads,
                  const std::function<void(std::size_t, std::size_t, int)>& body) {
  if (n == 0) return;
  const std::size_t t = std::min<std::size_t>(std::max(1, threads), n);
  if (t == 1) {
    body(0, n, 0);
    return;
  }
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto run = [&](std::size_t i) {
    const std::size_t begin = n * i / t;
    const std::size_t end = n * (i + 1) / t;
    try {
      body(begin, end, static_cast<int>(i));
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (std::size_t i = 1; i < t; ++i) pool.emplace_back(run, i);
  run(0);
  for (auto& th : pool) th.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace wl::core
