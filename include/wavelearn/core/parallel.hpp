#pragma once
// Static partitioning of [0, n) over threads. Work items must write disjoint outputs; with
// counter-based random streams the result is independent of the thread count.
#include <cstddef>
#include <functional>

namespace wl::core {

// Number of worker threads to use: `requested` if > 0, else the hardware concurrency.
int resolve_threads(int requested);

// Calls body(begin, end, thread_index) on contiguous blocks of [0, n) using `threads`
// threads (the calling thread is one of them). Rethrows the first exception thrown.
void parallel_for(std::size_t n, int threads,
                  const std::function<void(std::size_t, std::size_t, int)>& body);

}  // namespace wl::core
