#pragma once
// Process-wide settings measured to matter on small machines (docs/performance.md):
// glibc's malloc returns freed blocks to the OS after every small batch unless its
// mmap and trim thresholds are raised, which halves small-batch training speed.
namespace wl::core {

// Raises M_MMAP_THRESHOLD and M_TRIM_THRESHOLD (both) so that batch-sized buffers are reused.
void tune_malloc();

}  // namespace wl::core
