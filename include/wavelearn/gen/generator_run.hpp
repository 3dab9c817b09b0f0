#pragma once
// The generator family's run (docs/generative.md): `wavelearn train` with a generator preset
// (model.type = autoencoder | vae | gan | diffusion | cyclegan), `wavelearn generate` and
// `wavelearn translate` (cyclegan). No libtorch here.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace wl::core {
class Config;
}

namespace wl::gen {

// The generator model types (the registry's, without libtorch).
const std::vector<std::string>& generator_type_names();
bool is_generator_type(const std::string& type);
// model.type names a generator (read without marking the key used).
bool is_generator_config(const core::Config& config);

struct GenTrainOptions {
  std::filesystem::path out;
  std::string data;  // waveform file; empty: data.file
  bool force = false, resume = false, resume_with_changes = false, quiet = false;
  int threads = 0;
};

// Claims the run directory (run::RunDir), prepares the data, trains with a checkpoint after
// every epoch, writes config.toml, run.json (family "generator"), history.csv, model.pt,
// render.json + noise.f32, metrics.json and MODEL_CARD.md. Returns the printed summary.
// Throws core::Interrupted after SIGINT (the checkpoint of the last epoch stays).
std::string train_generator(core::Config config, const GenTrainOptions& o);

inline constexpr int64_t kMaxGenerateEvents = 10000000;

struct GenerateOptions {
  std::filesystem::path model, out;
  int64_t events = 0;
  double energy_kev = std::numeric_limits<double>::quiet_NaN();  // NaN: not given
  std::string energy_from;  // a file whose events' energies (detectors, topology) are used
  uint64_t seed = 1;
  int64_t detector = -1;    // -1: drawn like the training events
  std::string noise;        // "": the run's generate.noise; else library | model | denoised
  bool force = false, quiet = false;
  int threads = 0;
};

struct GenerateSummary {
  int64_t events = 0;
  double seconds = 0.0, waveforms_per_s = 0.0;
  std::string text;  // the lines `wavelearn generate` prints
};

// Writes OUT in the MJD release layout. InputError (one line) for a run that is not a
// generator, an unknown detector, an energy outside the trained range, a --energy-from file
// without energies, or an existing OUT without force.
GenerateSummary generate_file(const GenerateOptions& o);

struct TranslateOptions {
  std::filesystem::path model, data, out;
  uint64_t seed = 1;  // the target baseline levels and noise segments drawn per event
  bool force = false, quiet = false;
  int threads = 0;
};

struct TranslateSummary {
  int64_t events = 0, translated = 0;
  double seconds = 0.0;
  std::string text;  // the lines `wavelearn translate` prints
};

// `wavelearn translate` (docs/generative.md, "Sim to data"): every event of data through a
// cyclegan run's source -> target translator, written to out in the MJD release layout with
// every per-event field of data copied (energies, labels, truth_*). Events the run does not
// model (energy outside its range, no full window, a detector the target lacks) are copied
// unchanged. InputError (one line) for a run that is not a cyclegan, a file on another grid
// than the run's or without energies, and an existing out without force.
TranslateSummary translate_file(const TranslateOptions& o);

}  // namespace wl::gen
