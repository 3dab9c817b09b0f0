#include "wavelearn/core/atomic_file.hpp"

#include <unistd.h>

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

fs::path temp_path_for(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = target;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
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
    if (!out) throw std::runtime_error(tmp.string() + ": write failed");
  });
}

}  // namespace wl::core
