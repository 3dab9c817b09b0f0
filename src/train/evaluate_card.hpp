#pragma once
// Internal to evaluate*.cpp: the model card's prose from what a run directory records.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "wavelearn/data/preprocess.hpp"
#include "wavelearn/report/model_card.hpp"

namespace wl::core {
class Config;
}

namespace wl::train::detail {

struct CardContext {
  std::filesystem::path run_dir;
  const core::Config* config = nullptr;
  nlohmann::json trainer_metrics;  // the trainer's metrics.json ({} when absent)
  nlohmann::json model_meta;       // wavelearn_model.json inside model.pt
  const data::PreprocessState* preprocess = nullptr;
  std::string training_file, evaluation_file, events;  // events: validation / test / all
  std::size_t n_events = 0, n_train_scored = 0;
  std::string thresholds;  // the decision thresholds used, as a sentence
  bool simulated = false;
};

report::ModelCard make_model_card(const CardContext& c);

// "size N bytes, FNV-1a 64 of the first and last MiB 0x..." (empty if unreadable).
std::string file_fingerprint(const std::filesystem::path& path);

}  // namespace wl::train::detail
