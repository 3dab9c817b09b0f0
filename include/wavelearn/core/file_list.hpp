#pragma once
// A dataset may span several files: `--data` and data.file take one path, a glob pattern
// ('data/MJD_Train_*.hdf5') or a comma-separated list of either; data.files takes a list.
// Expansion is deterministic (each pattern's matches in byte order), so a run names the
// same files in the same order every time. No libtorch, no HDF5.
#include <string>
#include <vector>

namespace wl::core {

// True when `spec` names several files or a pattern: it is not an existing path and holds
// a comma or a glob character (* ? [). An existing path is always taken verbatim.
bool is_file_list(const std::string& spec);

// The files `spec` names, in order: an existing path as is; otherwise each comma-separated
// entry, a pattern replaced by its matches (sorted). An entry without glob characters is
// kept even when missing (the reader names it). InputError for an empty entry, a pattern
// that matches nothing, or a file listed twice, prefixed by `given_by` (e.g. "data.files")
// unless that is empty.
std::vector<std::string> expand_file_list(const std::string& spec, const std::string& given_by);
// The same for a list (data.files): every entry expanded, in order.
std::vector<std::string> expand_file_list(const std::vector<std::string>& entries, const std::string& given_by);

// The bytes of every file `spec` names (0 for one that cannot be read).
unsigned long long total_file_bytes(const std::string& spec);

// The same spec with every entry made absolute (patterns keep their glob characters), so a
// record names the same files from any working directory.
std::string absolute_file_spec(const std::string& spec);

// Entries joined with ',' (a spec expand_file_list reads back).
std::string join_file_list(const std::vector<std::string>& entries);

}  // namespace wl::core
