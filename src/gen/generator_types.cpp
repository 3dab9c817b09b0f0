// The generator types, known without libtorch (the CLI routes configs and runs by them).
#include <algorithm>

#include "wavelearn/core/config.hpp"
#include "wavelearn/gen/generator_run.hpp"

namespace wl::gen {

const std::vector<std::string>& generator_type_names() {
  static const std::vector<std::string> t = {"autoencoder", "vae", "gan", "diffusion", "cyclegan"};
  return t;
}

bool is_generator_type(const std::string& type) {
  const auto& t = generator_type_names();
  return std::find(t.begin(), t.end(), type) != t.end();
}

bool is_generator_config(const core::Config& config) {
  const core::Config probe = config;  // reading marks the key used; the copy keeps it unread
  return probe.has("model.type") && is_generator_type(probe.get<std::string>("model.type", ""));
}

}  // namespace wl::gen
