#pragma once
// Run configuration: a TOML preset plus `--set key.path=value` overrides, read through typed
// getters. Strict by design: every key the user wrote must be read by some consumer
// (check_all_used), so a typo like `train.epocs` is an error instead of a silent default.
// The resolved configuration (including defaults that were read) is written to the run
// directory with to_toml(). toml++ stays out of this header.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace wl::core {

class Config {
 public:
  Config();  // empty: every get() returns its default
  ~Config();
  Config(const Config& other);
  Config& operator=(const Config& other);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;

  // Parses a TOML file. Throws InputError naming the file (and line) on a missing file or a
  // syntax error.
  static Config load(const std::filesystem::path& path);
  // Parses TOML text; `source` names it in error messages.
  static Config parse(const std::string& toml_text, const std::string& source = "<string>");

  // Applies one override `key.path=value`; the value is typed like TOML (42, 1e-3, true,
  // "text", [1, 2]); a value that is not valid TOML is taken as a bare string
  // (`data.file=run/x.h5`). Throws InputError on a malformed assignment or when the path
  // crosses an existing non-table value.
  void set(const std::string& assignment);
  void set_all(const std::vector<std::string>& assignments);
  // Sets a string value verbatim (no TOML parsing: for paths from dedicated CLI options such
  // as --data, which may contain quotes or backslashes). Recorded as coming from `origin`.
  void set_string(const std::string& key, const std::string& value,
                  const std::string& origin = "--set");

  bool has(const std::string& key) const;          // a value (not a table) at key
  bool has_section(const std::string& key) const;  // a table at key
  // The value at key as TOML text ("0.001", "\"cnn\"", "[1, 2]"); "(unset)" when absent.
  std::string value_text(const std::string& key) const;

  // Typed getters. Supported T: bool, int, int64_t, uint64_t, std::size_t (where distinct),
  // double, float, std::string, std::vector<double>, std::vector<int64_t>,
  // std::vector<std::string>. An integer is accepted where a float is asked for, nothing
  // else is converted. A wrong type or an out-of-range integer -> InputError naming the key
  // and the source. Reading marks the key used; a default that is read is recorded so that
  // to_toml() shows it (the first reader's default wins for later readers).
  template <class T>
  T get(const std::string& key, const T& default_value) const;
  // Required key: InputError "missing config key 'KEY' (in SOURCE)" when absent.
  template <class T>
  T get(const std::string& key) const;

  // Marks a key (or a whole section) as consumed without reading it.
  void mark_used(const std::string& key) const;

  // Every leaf key present (file, overrides, recorded defaults), dotted, sorted.
  std::vector<std::string> keys() const;
  // Keys present in the file or overrides that no consumer read, sorted.
  std::vector<std::string> unused_keys() const;
  // Throws InputError "unknown config key 'train.epocs' (in FILE)" for the first unused key
  // (the message lists all of them if there are several).
  void check_all_used() const;

  // The resolved configuration as TOML text (file + overrides + defaults that were read).
  std::string to_toml() const;
  // Writes to_toml() atomically; refuses to overwrite unless force.
  void write(const std::filesystem::path& path, bool force) const;

  // Where the values came from: the file name, or "<string>"; overrides are "--set".
  const std::string& source() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wl::core
