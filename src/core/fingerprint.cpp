#include "wavelearn/core/fingerprint.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

namespace wl::core {

std::string file_fingerprint(const std::filesystem::path& path) {
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

}  // namespace wl::core
