#include "run_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "wavelearn/core/error.hpp"

namespace wl::run::detail {

namespace fs = std::filesystem;

namespace {

std::string host_name() {
  char h[256] = {};
  return gethostname(h, sizeof h - 1) == 0 ? std::string(h) : std::string("unknown-host");
}

// The holder recorded in a lock file: pid and host ({0, ""} when unreadable).
std::pair<long, std::string> holder(const fs::path& p) {
  std::ifstream in(p);
  long pid = 0;
  std::string host;
  in >> pid >> host;
  return {pid, host};
}

bool alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

bool try_create(const fs::path& p) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw core::InputError(p.parent_path().string() + ": cannot create the run lock (" + std::strerror(errno) + ")");
  }
  const std::string text = std::to_string(::getpid()) + " " + host_name() + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw core::InputError(p.string() + ": cannot write the run lock");
  return true;
}

}  // namespace

RunLock::RunLock(const fs::path& dir) : path_(dir / kLockFile) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (try_create(path_)) {
      owned_ = true;
      return;
    }
    const auto [pid, host] = holder(path_);
    if (pid == ::getpid() && host == host_name()) return;  // this process holds it already
    if (host != host_name() || alive(pid))
      throw core::InputError(dir.string() + ": in use by another wavelearn process (pid " + std::to_string(pid) +
                             " on " + (host.empty() ? "?" : host) + "; lock " + path_.string() + ")");
    std::fprintf(stderr, "warning: %s: removing a stale lock left by pid %ld, which is no longer running\n",
                 dir.string().c_str(), pid);
    std::error_code ec;
    fs::remove(path_, ec);
  }
  throw core::InputError(dir.string() + ": could not take the run lock " + path_.string());
}

RunLock::~RunLock() {
  if (!owned_) return;
  std::error_code ec;
  fs::remove(path_, ec);
}

}  // namespace wl::run::detail
