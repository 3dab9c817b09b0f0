#pragma once
// A cheap fingerprint of a data file: the model card records it, and a resumed training
// compares it with the one it started on.
#include <filesystem>
#include <string>

namespace wl::core {

// "size N bytes, fingerprint 0x... (FNV-1a of size, first and last MiB)"; empty if unreadable.
// For a file list or pattern (core/file_list.hpp): "N files: a.h5 (size ...); b.h5 (...)",
// every file named with its own fingerprint; empty if the list names no file.
std::string file_fingerprint(const std::filesystem::path& path);

}  // namespace wl::core
