#pragma once
// Internal to src/run: the lock file that makes a run directory's claim exclusive, so two
// processes never write one directory (a model from one, a report from the other).
#include <filesystem>
#include <string>

namespace wl::run::detail {

class RunLock {
 public:
  // Creates DIR/.wavelearn.lock atomically (O_EXCL) holding "pid host". Held by this process
  // already: nothing to do (train's evaluation writes into the directory train claimed).
  // Held by a live process: InputError naming it. Left by a dead process on this host:
  // reported on stderr and taken over.
  explicit RunLock(const std::filesystem::path& dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  std::filesystem::path path_;
  bool owned_ = false;
};

// The lock file's name inside a run directory.
inline constexpr const char* kLockFile = ".wavelearn.lock";

}  // namespace wl::run::detail
