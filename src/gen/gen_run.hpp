#pragma once
// The generator run's internals shared by train_generator.cpp, gen_config.cpp,
// gen_records.cpp and generate.cpp. Internal to src/gen (includes libtorch).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "generator_model.hpp"
#include "state_file.hpp"
#include "wavelearn/core/split.hpp"
#include "wavelearn/gen/generator_run.hpp"
#include "wavelearn/gen/prepare.hpp"

namespace wl::run {
class RunDir;
}

namespace wl::gen::detail {

// Everything a generator preset sets outside [model] (docs/generative.md lists the keys).
struct GenConfig {
  std::string data_file, name;
  uint64_t seed = 42, init_seed = 42;
  core::PartFractions fractions;
  core::GroupBy group_by = core::GroupBy::kEvent;
  PrepSpec prep;
  int64_t epochs = 20, batch_size = 128;
  std::string noise = "library";  // generate.noise: "library" | "model" | "denoised"
};
GenConfig read_gen_config(const core::Config& config);
// generate.noise: "model" needs a model that learns noise (gan, diffusion), "denoised" one
// that can remove it (diffusion); type "" checks the value only. key names the setting in
// the error (the config key, or generate's --noise).
void check_noise_choice(const std::string& type, const std::string& noise,
                        const std::string& key = "generate.noise");

struct Tensors {
  torch::Tensor x, c;  // (N, L), (N, C)
};
Tensors to_tensors(const PreparedShapes& p, int64_t L, int64_t C);

struct Prepared {
  RenderModel render;
  Tensors train, val;
  std::size_t n_test = 0;
};

struct EpochRow {
  int64_t epoch = 0;
  double train_loss = 0.0, val_loss = 0.0, seconds = 0.0, samples = 0.0;
  std::map<std::string, double> parts;  // "train_<part>", "val_<part>"
};
std::string history_csv(const std::vector<EpochRow>& rows);
// Rows back from history_csv's text; InputError naming `source` when malformed.
std::vector<EpochRow> history_from_text(const std::string& text, const std::filesystem::path& source);
void write_history(const std::vector<EpochRow>& rows, const std::filesystem::path& path);

// A seed for one training step, a pure function of (seed, epoch, batch).
uint64_t step_seed(uint64_t seed, int64_t epoch, int64_t batch);

// After the epochs: the model's final fit, model.pt, render.json + noise.f32,
// generator.json, run.json, metrics.json, MODEL_CARD.md; returns the printed summary.
std::string finish_run(GeneratorModel& model, const Prepared& d, const GenConfig& g, const GeneratorSpec& spec,
                       const run::RunDir& dir, const std::vector<EpochRow>& history, int64_t first_epoch,
                       double seconds);

// MODEL_CARD.md of a generator run (gen_card.cpp), from metrics.json's training block.
void write_generator_card(const nlohmann::json& training, const GeneratorSpec& spec, const RenderModel& render,
                          const std::string& name, const std::filesystem::path& path);

// generator.json: what generate needs beside the tensors and the render model.
struct GeneratorInfo {
  GeneratorSpec spec;
  std::string noise = "library";
  std::string training_file;
  uint64_t seed = 42;
};
GeneratorInfo read_generator_info(const std::filesystem::path& run);
void write_generator_info(const GeneratorInfo& info, const run::RunDir& dir);

}  // namespace wl::gen::detail
