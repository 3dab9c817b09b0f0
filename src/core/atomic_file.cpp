#include "wavelearn/core/atomic_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <atomic>
#include <fstream>

#include "wavelearn/core/error.hpp"

namespace wl::core {
namespace fs = std::filesystem;

void refuse_overwrite(const fs::path& target, bool force) {
  if (!force && fs::exists(target)) {
    throw InputError(target.string() + ": exists; pass --force to overwrite");
  }
}

namespace {

std::string this_host() {
  char h[256] = {0};
  return ::gethostname(h, sizeof h - 1) == 0 ? std::string(h) : std::string("unknown-host");
}

bool process_alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// "<pid>.<host>.<n>" (host may hold dots): the pid, and the host ("" when absent).
bool parse_temp_suffix(const std::string& suffix, long* pid, std::string* host) {
  const auto first = suffix.find('.'), last = suffix.rfind('.');
  if (first == std::string::npos || first == 0) return false;
  const std::string p = suffix.substr(0, first);
  if (p.find_first_not_of("0123456789") != std::string::npos) return false;
  *pid = std::stol(p);
  *host = first == last ? "" : suffix.substr(first + 1, last - first - 1);
  return true;
}

}  // namespace

// Temporaries left by a process that was killed (kill -9, power loss) are removed when the
// same target is next written: only those of this host whose process no longer exists.
void remove_stale_temps(const fs::path& target) {
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = target.filename().string() + ".tmp.";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    long pid = 0;
    std::string host;
    if (!parse_temp_suffix(name.substr(prefix.size()), &pid, &host)) continue;
    if ((host.empty() || host == this_host()) && pid != ::getpid() && !process_alive(pid)) {
      std::error_code ignored;
      fs::remove_all(e.path(), ignored);
    }
  }
}

void check_output_file(const fs::path& output, const bool force, const std::vector<fs::path>& inputs) {
  std::error_code ec;
  for (const auto& in : inputs)
    if (!in.empty() && fs::exists(output) && fs::exists(in) && fs::equivalent(output, in, ec))
      throw InputError(output.string() + ": is also an input (" + in.string() +
                       "); write the output elsewhere, --force would destroy the input");
  if (fs::is_directory(output)) throw InputError(output.string() + ": is a directory, not an output file");
  const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) throw InputError(output.string() + ": directory " + dir.string() + " does not exist");
  refuse_overwrite(output, force);
}

fs::path temp_path_for(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  remove_stale_temps(target);
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + this_host() + "." + std::to_string(counter++);
  return tmp;
}

void write_atomically(const fs::path& target, bool force,
                      const std::function<void(const fs::path&)>& write) {
  refuse_overwrite(target, force);
  if (target.has_parent_path() && !fs::exists(target.parent_path())) {
    throw InputError(target.string() + ": directory " + target.parent_path().string() +
                     " does not exist");
  }
  const fs::path tmp = temp_path_for(target);
  try {
    write(tmp);
    fs::rename(tmp, target);
  } catch (const fs::filesystem_error& e) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    // Named by the output the user gave, not by our temporary name.
    throw InputError(target.string() + ": cannot write (" + e.code().message() + ")");
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

void write_text_atomically(const fs::path& target, const std::string& text, bool force) {
  write_atomically(target, force, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw InputError(target.string() + ": cannot write (directory not writable, or disk full?)");
  });
}

}  // namespace wl::core
