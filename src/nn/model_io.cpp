#include "wavelearn/nn/model_io.hpp"

#include <torch/serialize.h>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::nn {

void attach_head(torch::jit::Module& module, const Head& head) { module.define(head.score_source()); }

void set_mc_dropout(torch::jit::Module& module, bool on, const std::string& model_path) {
  if (!module.hasattr(kMcDropoutAttribute))
    throw core::InputError(model_path + ": the model has no dropout to sample (model.dropout = 0, or it was "
                           "trained before Monte Carlo dropout existed); --mc-samples needs model.dropout > 0");
  module.setattr(kMcDropoutAttribute, on);
}

bool has_method(const torch::jit::Module& module, const std::string& name) {
  return module.find_method(name).has_value();
}

void save_model(torch::jit::Module& module, const std::filesystem::path& path,
                const std::string& metadata_json, const std::string& preprocess_json, bool force) {
  const bool was_training = module.is_training();
  module.eval();
  torch::jit::ExtraFilesMap extra;
  if (!metadata_json.empty()) extra[kModelMetadataFile] = metadata_json;
  if (!preprocess_json.empty()) extra[kPreprocessFile] = preprocess_json;
  try {
    core::write_atomically(path, force, [&](const std::filesystem::path& tmp) {
      module.save(tmp.string(), extra);
    });
  } catch (...) {
    module.train(was_training);
    throw;
  }
  module.train(was_training);
}

ModelFile load_model(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    throw core::InputError(path.string() + ": no such model file");
  ModelFile f;
  torch::jit::ExtraFilesMap extra{{kModelMetadataFile, ""}, {kPreprocessFile, ""}};
  try {
    f.module = torch::jit::load(path.string(), torch::kCPU, extra);
  } catch (const c10::Error& e) {
    std::string what = e.what_without_backtrace();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    throw core::InputError(path.string() + ": not a TorchScript model (" + what + ")");
  }
  f.module.eval();
  f.metadata_json = extra[kModelMetadataFile];
  f.preprocess_json = extra[kPreprocessFile];
  return f;
}

}  // namespace wl::nn
