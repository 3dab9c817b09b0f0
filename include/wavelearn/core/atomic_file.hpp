#pragma once
// Outputs are written under a temporary name beside the target and renamed on success,
// so a crash or an interrupt never leaves a half-written file under the final name.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace wl::core {

// Throws InputError when `target` exists and `force` is false.
void refuse_overwrite(const std::filesystem::path& target, bool force);

// What every output file gets checked for before any work: not an existing file unless
// force; never one of the inputs, even with force (that would destroy the input); not a
// directory; in a directory that exists. InputError naming the output.
void check_output_file(const std::filesystem::path& output, bool force,
                       const std::vector<std::filesystem::path>& inputs = {});

// Removes `target`'s temporaries left by dead processes of this host.
void remove_stale_temps(const std::filesystem::path& target);

// A temporary path in the same directory as `target` (same filesystem, so rename is atomic):
// "<target>.tmp.<pid>.<host>.<n>", so a later run can tell whose it was.
std::filesystem::path temp_path_for(const std::filesystem::path& target);

// Calls write(tmp) and renames tmp onto target; removes tmp if write throws.
void write_atomically(const std::filesystem::path& target, bool force,
                      const std::function<void(const std::filesystem::path& tmp)>& write);

// Writes text content atomically (force: replace an existing file).
void write_text_atomically(const std::filesystem::path& target, const std::string& text,
                           bool force = true);

}  // namespace wl::core
