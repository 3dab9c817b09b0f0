#pragma once
// A generator's tensors by name in one torch archive (checkpoint.pt, model.pt), with text
// entries beside them (the history, the model's description). Internal to src/gen.
#include <filesystem>
#include <map>
#include <string>

#include "generator_model.hpp"

namespace wl::gen::detail {

struct StateFile {
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, std::string> text;
};

// Atomic (temporary name, rename).
void save_state_file(const StateFile& s, const std::filesystem::path& path);
// InputError naming the file when it is missing or unreadable.
StateFile load_state_file(const std::filesystem::path& path);

}  // namespace wl::gen::detail
