#pragma once
// model.pt: a TorchScript module plus two extra files inside the archive, so one file is
// enough to predict: "wavelearn_model.json" (model type, input length, task head, score
// names) and "preprocess.json" (the fitted preprocessing). Python reads them with
// torch.jit.load(path, _extra_files={"wavelearn_model.json": "", "preprocess.json": ""}).
// TorchScript models made elsewhere (e.g. torch.jit.script in Python) load too; they simply
// have no metadata.
#include <torch/script.h>

#include <filesystem>
#include <string>

#include "wavelearn/nn/file_names.hpp"
#include "wavelearn/nn/heads.hpp"

namespace wl::nn {

// A bool attribute of models with dropout: true keeps dropout on in eval mode (MC dropout).
inline constexpr const char* kMcDropoutAttribute = "mc_dropout";

struct ModelFile {
  torch::jit::Module module;
  std::string metadata_json;    // empty when absent
  std::string preprocess_json;  // empty when absent
};

// Adds the head's `score(x)` method (call once, after building the model).
void attach_head(torch::jit::Module& module, const Head& head);

// Saves in eval mode (restoring the previous mode), atomically; refuses to overwrite unless
// force.
void save_model(torch::jit::Module& module, const std::filesystem::path& path,
                const std::string& metadata_json, const std::string& preprocess_json, bool force);

// Loads on CPU in eval mode. Throws InputError naming the path when it is missing or not a
// TorchScript archive.
ModelFile load_model(const std::filesystem::path& path);

// Monte Carlo dropout: switches the model's dropout on (or off) while it stays in eval mode.
// InputError naming the path when the model has no dropout, or was saved before the switch existed.
void set_mc_dropout(torch::jit::Module& module, bool on, const std::string& model_path);

// Whether the module has a method of this name (e.g. "score").
bool has_method(const torch::jit::Module& module, const std::string& name);

}  // namespace wl::nn
