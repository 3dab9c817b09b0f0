#pragma once
// Internal to src/run: a cheap fingerprint of a data file for the model card.
#include <filesystem>
#include <string>

namespace wl::run::detail {

// "size N bytes, fingerprint 0x... (FNV-1a of size, first and last MiB)"; empty if unreadable.
std::string file_fingerprint(const std::filesystem::path& path);

}  // namespace wl::run::detail
