#include "wavelearn/run/run_dir.hpp"

#include <fstream>

#include "wavelearn/core/atomic_file.hpp"
#include "run_lock.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/record.hpp"

namespace wl::run {

namespace fs = std::filesystem;
using core::InputError;

namespace {

void require_directory_or_absent(const fs::path& dir) {
  if (fs::exists(dir) && !fs::is_directory(dir)) throw InputError(dir.string() + ": exists and is not a directory");
}

// Named as the directory the user gave, with the reason (not writable, /proc, /sys).
bool create_run_directory(const fs::path& dir) {
  std::error_code ec;
  const bool created = fs::create_directories(dir, ec);
  if (ec) throw InputError(dir.string() + ": cannot create the directory (" + ec.message() + ")");
  return created;
}

}  // namespace

// A directory holding nothing but (perhaps) a lock file counts as empty.
static bool empty_run_dir(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename() != detail::kLockFile) return false;
  return true;
}

void RunDir::lock() { lock_ = std::make_shared<detail::RunLock>(dir_); }

RunDir RunDir::claim_for_training(const fs::path& dir, bool force, bool resume) {
  require_directory_or_absent(dir);
  if (resume && !fs::exists(dir)) throw InputError(dir.string() + ": no run directory to resume");
  if (!resume && fs::exists(dir) && !empty_run_dir(dir) && !force)
    throw InputError(dir.string() + ": run directory exists (use --force to replace its files, or --resume)");
  const bool fresh = !fs::exists(dir) || empty_run_dir(dir);
  const bool created = create_run_directory(dir);
  RunDir r(dir);
  try {
    r.lock();
  } catch (...) {
    if (created) fs::remove(dir);  // nothing of ours may stay behind
    throw;
  }
  r.fresh_ = fresh;
  r.created_ = created;
  return r;
}

void RunDir::discard_contents() const {
  if (!fresh_) return;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.path().filename() != detail::kLockFile) fs::remove_all(e.path(), ec);
}

RunDir RunDir::claim_for_output(const fs::path& dir, const std::string& marker, bool force) {
  require_directory_or_absent(dir);
  core::refuse_overwrite(dir / marker, force);
  const bool created = create_run_directory(dir);
  RunDir r(dir);
  try {
    r.lock();
  } catch (...) {
    if (created) fs::remove(dir);
    throw;
  }
  return r;
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

void discard_failed_start(std::unique_ptr<RunDir> dir) {
  // An ensemble's finished or checkpointed members are kept for --resume.
  if (!dir->was_fresh() || dir->has("checkpoint.pt") || dir->has(ensemble_member_dir(0) + "/checkpoint.pt")) return;
  dir->discard_contents();
  const auto path = dir->path();
  const bool created = dir->was_created();
  dir.reset();  // releases the lock file
  std::error_code ec;
  if (created) std::filesystem::remove(path, ec);
}

}  // namespace wl::run
