#pragma once
// train.init_from: start a network from the encoder of another run (a pretraining run, or
// any neural run with the same encoder). Parameters are copied by name and shape; the task
// layer (task_*) and pretraining-only parameters (mask_token, decoder_*) are not. An
// incompatible run is refused in one line naming the run and the first mismatching key or
// parameter. No libtorch in this header (the loader takes the module by reference).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace torch::jit {
struct Module;
}

namespace wl::core {
class Config;
}

namespace wl::train {

struct EncoderInit {
  std::string run;                // absolute path of the run the encoder came from
  std::string model_fingerprint;  // of its model.pt (core::file_fingerprint)
  uint64_t seed = 0;              // its train.init_seed (model.pt metadata)
  std::string model_type, task;   // its model type and task kind ("masked_patches": pretrained)
  bool freeze_encoder = false;
  double encoder_lr = -1.0;       // < 0: train.lr
  std::vector<std::string> parameters;  // names of the trainable parameters copied
  int64_t values_copied = 0;            // scalars copied, buffers (batch-norm statistics) included
};

// What run.json, metrics.json and the card record.
nlohmann::json to_json(const EncoderInit& init);

// Before any data is read: the run exists and holds model.pt and config.toml, its model type,
// encoder keys (transformer: patch_samples, d_model, heads, layers, mlp_hidden; cnn:
// channels, kernels, strides, paddings, pool, batch_norm, activation, pool_type; ...) and
// [preprocess] settings equal `config`'s. InputError "train.init_from: RUN: ..." otherwise.
// Reads copies of the configuration only (marks no key).
void check_encoder_config(const core::Config& config, const std::filesystem::path& run);

// check_encoder_config, then copies the encoder of RUN/model.pt into `model` (whose input
// is input_samples long). InputError naming the run and the first parameter that is
// missing here or differs in shape.
EncoderInit load_encoder(const core::Config& config, const std::filesystem::path& run, torch::jit::Module& model,
                         int64_t input_samples);

}  // namespace wl::train
