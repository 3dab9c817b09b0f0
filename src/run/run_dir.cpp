#include "wavelearn/run/run_dir.hpp"

#include <fstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::run {

namespace fs = std::filesystem;
using core::InputError;

namespace {

void require_directory_or_absent(const fs::path& dir) {
  if (fs::exists(dir) && !fs::is_directory(dir)) throw InputError(dir.string() + ": exists and is not a directory");
}

}  // namespace

RunDir RunDir::claim_for_training(const fs::path& dir, bool force, bool resume) {
  require_directory_or_absent(dir);
  if (resume) {
    if (!fs::exists(dir)) throw InputError(dir.string() + ": no run directory to resume");
    return RunDir(dir);
  }
  if (fs::exists(dir) && !fs::is_empty(dir) && !force)
    throw InputError(dir.string() + ": run directory exists (use --force to replace its files, or --resume)");
  fs::create_directories(dir);
  return RunDir(dir);
}

RunDir RunDir::claim_for_output(const fs::path& dir, const std::string& marker, bool force) {
  require_directory_or_absent(dir);
  if (fs::exists(dir / marker) && !force)
    throw InputError((dir / marker).string() + ": exists (use --force to replace it)");
  fs::create_directories(dir);
  return RunDir(dir);
}

RunDir RunDir::open_existing(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir.string() + ": no such run directory");
  return RunDir(dir);
}

bool RunDir::has(const std::string& name) const { return fs::exists(dir_ / name); }

fs::path RunDir::plots_dir() const {
  fs::create_directories(dir_ / "plots");
  return dir_ / "plots";
}

void RunDir::write_text(const std::string& name, const std::string& text) const {
  core::write_text_atomically(dir_ / name, text, true);
}

void RunDir::write_json(const std::string& name, const nlohmann::json& j) const {
  write_text(name, j.dump(2) + "\n");
}

nlohmann::json RunDir::read_json(const std::string& name) const {
  const fs::path p = dir_ / name;
  std::ifstream in(p);
  if (!in) throw InputError(p.string() + ": cannot open (not a finished run directory?)");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(p.string() + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace wl::run
