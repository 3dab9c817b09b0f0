// A generator preset's keys outside [model], the history file, and generator.json.
#include <cmath>
#include <fstream>
#include <sstream>

#include "gen_run.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::gen::detail {

using core::InputError;

namespace {

void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok) throw InputError("config key '" + key + "' " + what);
}

PrepSpec read_prep(const core::Config& c) {
  PrepSpec p;
  p.window_samples = c.get<int64_t>("data.window_samples", p.window_samples);
  require(p.window_samples >= 8 && p.window_samples <= 8192 && p.window_samples % 8 == 0, "data.window_samples",
          "must be a multiple of 8 from 8 to 8192");
  p.pre_samples = c.get<int64_t>("data.pre_samples", p.pre_samples);
  require(p.pre_samples >= 0 && p.pre_samples < p.window_samples, "data.pre_samples",
          "must be from 0 to data.window_samples - 1");
  p.energy_min_kev = c.get<double>("data.energy_min_kev", p.energy_min_kev);
  require(p.energy_min_kev > 0 && p.energy_min_kev < 1e5, "data.energy_min_kev", "must be in (0, 1e5) keV");
  p.topology_field = c.get<std::string>("data.topology_field", p.topology_field);
  p.condition_detector = c.get<bool>("data.condition_detector", p.condition_detector);
  p.noise_segments = c.get<int64_t>("data.noise_segments", p.noise_segments);
  require(p.noise_segments >= 1 && p.noise_segments <= 100000, "data.noise_segments", "must be from 1 to 100000");
  p.fit_events = c.get<int64_t>("data.fit_events", p.fit_events);
  require(p.fit_events >= 10 && p.fit_events <= 10000000, "data.fit_events", "must be from 10 to 10000000");
  return p;
}

}  // namespace

GenConfig read_gen_config(const core::Config& c) {
  GenConfig g;
  g.data_file = c.get<std::string>("data.file", "");
  if (g.data_file.empty()) throw InputError("train: --data FILE (or data.file) is required");
  g.name = c.get<std::string>("name", "");
  g.seed = c.get<uint64_t>("seed", g.seed);
  g.init_seed = c.get<uint64_t>("train.init_seed", g.seed);
  g.fractions = core::part_fractions_from(c);
  core::check_fractions(g.fractions);
  g.group_by = core::group_by_from_string(c.get<std::string>("data.group_by", "event"));
  if (g.group_by == core::GroupBy::kFile)
    throw InputError("config key 'data.group_by' = \"file\": generators group by event, detector or run");
  g.prep = read_prep(c);
  g.epochs = c.get<int64_t>("train.epochs", g.epochs);
  require(g.epochs >= 1 && g.epochs <= 100000, "train.epochs", "must be from 1 to 100000");
  g.batch_size = c.get<int64_t>("train.batch_size", g.batch_size);
  require(g.batch_size >= 2 && g.batch_size <= 65536, "train.batch_size", "must be from 2 to 65536");
  g.noise = c.get<std::string>("generate.noise", g.noise);
  check_noise_choice("", g.noise);
  return g;
}

void check_noise_choice(const std::string& type, const std::string& noise, const std::string& key) {
  const std::string what = key == "generate.noise" ? "config key 'generate.noise'" : key;
  if (noise != "library" && noise != "model" && noise != "denoised")
    throw InputError(what + " = \"" + noise + "\": must be \"library\", \"model\" or \"denoised\"");
  if (noise == "model" && (type == "autoencoder" || type == "vae"))
    throw InputError(what + " = \"model\": a " + type + " learns the mean shape, not the noise; use \"library\"");
  if (noise == "denoised" && !type.empty() && type != "diffusion")
    throw InputError(what + " = \"denoised\": only the diffusion model separates noise from the pulse (this run is a " +
                     type + ")");
}

std::string history_csv(const std::vector<EpochRow>& rows) {
  std::ostringstream s;
  s.precision(9);
  s << "epoch,train_loss,val_loss,seconds,samples";
  if (!rows.empty())
    for (const auto& kv : rows.front().parts) s << "," << kv.first;
  s << "\n";
  for (const auto& r : rows) {
    s << r.epoch << "," << r.train_loss << "," << r.val_loss << "," << r.seconds << "," << r.samples;
    for (const auto& kv : r.parts) s << "," << kv.second;
    s << "\n";
  }
  return s.str();
}

std::vector<EpochRow> history_from_text(const std::string& text, const std::filesystem::path& source) {
  std::vector<EpochRow> rows;
  std::istringstream in(text);
  std::string line, cell;
  if (!std::getline(in, line)) return rows;
  std::vector<std::string> names;
  for (std::istringstream h(line); std::getline(h, cell, ',');) names.push_back(cell);
  while (std::getline(in, line)) {
    std::vector<double> v;
    for (std::istringstream l(line); std::getline(l, cell, ',');) v.push_back(std::strtod(cell.c_str(), nullptr));
    if (v.size() != names.size() || names.size() < 5)
      throw InputError(source.string() + ": malformed history (" + std::to_string(v.size()) + " cells)");
    EpochRow r;
    r.epoch = static_cast<int64_t>(v[0]);
    r.train_loss = v[1];
    r.val_loss = v[2];
    r.seconds = v[3];
    r.samples = v[4];
    for (std::size_t k = 5; k < v.size(); ++k) r.parts[names[k]] = v[k];
    rows.push_back(r);
  }
  return rows;
}

void write_history(const std::vector<EpochRow>& rows, const std::filesystem::path& path) {
  core::write_text_atomically(path, history_csv(rows));
}

void write_generator_info(const GeneratorInfo& info, const run::RunDir& dir) {
  const auto& s = info.spec;
  nlohmann::json j = {{"format", "wavelearn-generator"}, {"version", 1},
                      {"type", s.type},        {"samples", s.samples},
                      {"conditions", s.conditions}, {"latent", s.latent},
                      {"channels", s.channels}, {"kernel", s.kernel},
                      {"kl_weight", s.kl_weight}, {"gp_weight", s.gp_weight},
                      {"critic_steps", s.critic_steps}, {"diffusion_steps", s.diffusion_steps},
                      {"sampling_steps", s.sampling_steps}, {"lr", s.lr},
                      {"extra", s.extra},      {"noise", info.noise},
                      {"training_file", info.training_file}, {"seed", info.seed}};
  dir.write_json("generator.json", j);
}

GeneratorInfo read_generator_info(const std::filesystem::path& run) {
  const auto path = run / "generator.json";
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": missing (not a finished generator run)");
  try {
    const auto j = nlohmann::json::parse(in);
    GeneratorInfo info;
    auto& s = info.spec;
    s.type = j.at("type");
    s.samples = j.at("samples");
    s.conditions = j.at("conditions");
    s.latent = j.at("latent");
    s.channels = j.at("channels").get<std::vector<int64_t>>();
    s.kernel = j.at("kernel");
    s.kl_weight = j.at("kl_weight");
    s.gp_weight = j.at("gp_weight");
    s.critic_steps = j.at("critic_steps");
    s.diffusion_steps = j.at("diffusion_steps");
    s.sampling_steps = j.at("sampling_steps");
    s.lr = j.at("lr");
    s.extra = j.at("extra").get<std::map<std::string, double>>();
    info.noise = j.at("noise");
    info.training_file = j.at("training_file");
    info.seed = j.at("seed");
    return info;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": " + e.what());
  }
}

}  // namespace wl::gen::detail
