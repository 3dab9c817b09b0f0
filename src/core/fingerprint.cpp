#include "wavelearn/core/fingerprint.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"

namespace wl::core {
namespace {

std::string one_file_fingerprint(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  // FNV-1a over the size and the first and last MiB: cheap on 40 GB files, and enough to
  // tell a different or truncated file from the one trained on.
  constexpr std::size_t kMiB = 1 << 20;
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const char* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      h ^= static_cast<unsigned char>(p[i]);
      h *= 1099511628211ull;
    }
  };
  mix(reinterpret_cast<const char*>(&size), sizeof size);
  std::vector<char> buf(kMiB);
  in.read(buf.data(), static_cast<std::streamsize>(kMiB));
  mix(buf.data(), static_cast<std::size_t>(in.gcount()));
  if (size > kMiB) {
    in.clear();
    in.seekg(static_cast<std::streamoff>(size - std::min<uintmax_t>(size - kMiB, kMiB)));
    in.read(buf.data(), static_cast<std::streamsize>(kMiB));
    mix(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  char out[64];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return "size " + std::to_string(size) + " bytes, fingerprint " + out +
         " (FNV-1a of size, first and last MiB)";
}

}  // namespace

std::string file_fingerprint(const std::filesystem::path& path) {
  const std::string spec = path.string();
  if (!is_file_list(spec)) return one_file_fingerprint(path);
  std::vector<std::string> files;
  try {
    files = expand_file_list(spec, "data");
  } catch (const InputError&) {
    return "";
  }
  // Every file by name and content: a file added to, dropped from or changed in the
  // dataset changes the whole. The name without its directory, as a single file's
  // fingerprint has no path: a relative and an absolute spelling, or a moved data
  // directory, are the same data.
  std::string out = std::to_string(files.size()) + " files:";
  for (const auto& f : files) {
    const std::string one = one_file_fingerprint(f);
    out += " " + std::filesystem::path(f).filename().string() + " (" +
           (one.empty() ? std::string("unreadable") : one) + ");";
  }
  out.pop_back();
  return out;
}

}  // namespace wl::core
