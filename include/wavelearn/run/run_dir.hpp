#pragma once
// A run directory, claimed once: the overwrite rule (never replace a run's files without
// --force) is checked here, when the directory is claimed, and nowhere after. A claim also
// takes the directory's lock file (pid and host), so a second process gets a one-line error
// naming the holder instead of mixing its files in; the lock goes with the last copy of the
// RunDir. Every file is then written atomically (temporary name, rename), replacing what a
// forced claim allowed to be replaced. No libtorch here.
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace wl::run {

namespace detail {
class RunLock;
}

class RunDir {
 public:
  // A new run: creates `dir`; an existing non-empty directory needs force (its files are
  // replaced as the run writes them) or resume (training continues from its checkpoint).
  static RunDir claim_for_training(const std::filesystem::path& dir, bool force, bool resume);
  // An output directory for evaluate/compare: `marker` (e.g. "report.html") must not exist
  // there unless force.
  static RunDir claim_for_output(const std::filesystem::path& dir, const std::string& marker, bool force);
  // A finished run to read: InputError naming the path when it is not a directory.
  static RunDir open_existing(const std::filesystem::path& dir);

  const std::filesystem::path& path() const { return dir_; }
  // The claim found no directory (it was created) or an empty one: nothing of a user's run
  // was there, so a training that fails before its first checkpoint may remove what it wrote.
  bool was_fresh() const { return fresh_; }
  bool was_created() const { return created_; }
  // Removes every file this run wrote (all but the lock); only for a fresh claim.
  void discard_contents() const;
  std::filesystem::path file(const std::string& name) const { return dir_ / name; }
  bool has(const std::string& name) const;
  std::filesystem::path plots_dir() const;  // created on first use

  void write_text(const std::string& name, const std::string& text) const;
  void write_json(const std::string& name, const nlohmann::json& j) const;
  // InputError naming the file when it is absent or not JSON.
  nlohmann::json read_json(const std::string& name) const;

 private:
  explicit RunDir(std::filesystem::path dir) : dir_(std::move(dir)) {}
  void lock();

  std::filesystem::path dir_;
  std::shared_ptr<detail::RunLock> lock_;
  bool fresh_ = false, created_ = false;
};

// A training start that failed before its first checkpoint holds nothing worth keeping, and
// its files (config.toml, preprocess.json) would make the corrected rerun need --force: a
// fresh claim without a checkpoint (its own, or an ensemble's first member's) is emptied,
// and removed when the claim created it. Releases the claim.
void discard_failed_start(std::unique_ptr<RunDir> dir);

}  // namespace wl::run
