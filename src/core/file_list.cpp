// Expanding a dataset's file list: globs with glob(3), commas between entries.
#include "wavelearn/core/file_list.hpp"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "wavelearn/core/error.hpp"

namespace wl::core {
namespace {

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// The files one entry names: a pattern's matches, sorted byte-wise (independent of locale).
std::vector<std::string> expand_entry(const std::string& entry, const std::string& given_by) {
  if (!has_glob_chars(entry) || exists(entry)) return {entry};
  glob_t g{};
  const int rc = ::glob(entry.c_str(), GLOB_NOSORT, nullptr, &g);
  std::vector<std::string> out;
  if (rc == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  if (out.empty()) throw InputError((given_by.empty() ? "" : given_by + ": ") + "'" + entry + "' matches no file");
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> split_commas(const std::string& spec, const std::string& given_by) {
  std::vector<std::string> entries;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = spec.find(',', begin);
    const std::string entry = spec.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    if (entry.empty())
      throw InputError((given_by.empty() ? "" : given_by + ": ") + "'" + spec + "' has an empty entry in its file list");
    entries.push_back(entry);
    if (comma == std::string::npos) return entries;
    begin = comma + 1;
  }
}

}  // namespace

bool is_file_list(const std::string& spec) {
  if (spec.empty() || exists(spec)) return false;
  return spec.find(',') != std::string::npos || has_glob_chars(spec);
}

std::vector<std::string> expand_file_list(const std::vector<std::string>& entries, const std::string& given_by) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  for (const auto& entry : entries) {
    if (entry.empty()) throw InputError((given_by.empty() ? "" : given_by + ": ") + "an empty file name in the file list");
    for (auto& f : expand_entry(entry, given_by)) {
      // The same events twice would sit on both sides of a split.
      const std::string key = std::filesystem::path(f).lexically_normal().string();
      if (!seen.insert(key).second)
        throw InputError((given_by.empty() ? "" : given_by + ": ") + "file " + f + " is listed twice");
      files.push_back(std::move(f));
    }
  }
  return files;
}

std::vector<std::string> expand_file_list(const std::string& spec, const std::string& given_by) {
  if (spec.empty()) throw InputError((given_by.empty() ? "" : given_by + ": ") + "an empty path names no file");
  if (!is_file_list(spec)) return {spec};
  return expand_file_list(split_commas(spec, given_by), given_by);
}

unsigned long long total_file_bytes(const std::string& spec) {
  unsigned long long bytes = 0;
  for (const auto& f : expand_file_list(spec, "")) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(f, ec);
    if (!ec) bytes += size;
  }
  return bytes;
}

std::string absolute_file_spec(const std::string& spec) {
  const auto absolute = [](const std::string& p) { return std::filesystem::absolute(p).lexically_normal().string(); };
  if (!is_file_list(spec)) return absolute(spec);
  std::vector<std::string> entries = split_commas(spec, "");
  for (auto& e : entries) e = absolute(e);
  return join_file_list(entries);
}

std::string join_file_list(const std::vector<std::string>& entries) {
  std::string out;
  for (const auto& e : entries) out += (out.empty() ? "" : ",") + e;
  return out;
}

}  // namespace wl::core
