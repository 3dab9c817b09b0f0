#include "wavelearn/core/runtime.hpp"

#include <malloc.h>

namespace wl::core {

void tune_malloc() {
  // 512 MiB: larger than any batch buffer, so none is handed back to the kernel each step.
  constexpr int kThresholdBytes = 512 * 1024 * 1024;
  mallopt(M_MMAP_THRESHOLD, kThresholdBytes);
  mallopt(M_TRIM_THRESHOLD, kThresholdBytes);
}

}  // namespace wl::core
