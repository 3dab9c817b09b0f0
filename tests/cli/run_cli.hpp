#pragma once
// Runs the wavelearn binary as a user would and captures exit status, stdout and stderr.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_paths.hpp"

namespace wl::test {

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `args` is appended to the binary path as a shell command line (quote paths yourself).
inline CliResult run_cli(const std::string& args) {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path();
  const auto out_path = dir / ("wl_cli_out_" + std::to_string(::getpid()) + "_" + std::to_string(counter));
  const auto err_path = dir / ("wl_cli_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  const std::string cmd = std::string(WL_CLI_PATH) + " " + args + " >" + out_path.string() + " 2>" +
                          err_path.string() + " </dev/null";
  const int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_all(out_path);
  r.err = read_all(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

// A scratch directory <tmp>/<prefix>_<pid>, emptied at the start and removed at the end.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& prefix) {
    path = std::filesystem::temp_directory_path() / (prefix + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// Runs a Python snippet with Debian's interpreter (h5py, numpy) in `dir`; returns its output,
// or "python failed: <output>" when it exits non-zero (tests assert on the text).
inline std::string run_python(const ScratchDir& dir, const std::string& code) {
  const std::string script = dir / "check.py";
  std::ofstream(script) << code;
  const std::string out = script + ".out";
  if (std::system(("/usr/bin/python3 " + script + " >" + out + " 2>&1").c_str()) != 0)
    return "python failed: " + read_all(out);
  return read_all(out);
}

// Counts lines in a string (an error must be one line).
inline int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += (c == '\n');
  return n;
}

}  // namespace wl::test
