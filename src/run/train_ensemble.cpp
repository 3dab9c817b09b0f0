// A deep ensemble (train.ensemble = K): K networks trained alike into member_0 ...
// member_{K-1} of one run directory. They share the configuration and the split (the
// top-level `seed`), so their held-out events are the same; they differ in train.init_seed
// (seed + k: initial weights, dropout masks, shuffles). Each member is a complete run, and
// an interrupted ensemble resumes member by member, each through the single run's guard.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/train.hpp"

namespace wl::run {

namespace fs = std::filesystem;

namespace {

// A new ensemble (no --resume) starts from empty members: the files of an earlier ensemble in
// the same directory (claimed with --force) must be neither resumed nor mixed in.
void clear_members(const RunDir& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir.path(), ec))
    if (e.is_directory() && e.path().filename().string().rfind("member_", 0) == 0) fs::remove_all(e.path(), ec);
}

// The member's own configuration: training it alone reproduces the member.
core::Config member_config(const core::Config& config, uint64_t init_seed) {
  core::Config c = config;
  c.set("train.ensemble = 1");
  c.set("train.init_seed = " + std::to_string(init_seed));
  return c;
}

}  // namespace

nlohmann::json members_not_learned(const nlohmann::json& members) {
  std::vector<double> losses;
  for (const auto& m : members)
    if (m["val_loss"].is_number()) losses.push_back(m["val_loss"].get<double>());
  nlohmann::json out = nlohmann::json::array();
  if (losses.size() < 2) return out;
  std::sort(losses.begin(), losses.end());
  const std::size_t n = losses.size();
  const double median = n % 2 ? losses[n / 2] : 0.5 * (losses[n / 2 - 1] + losses[n / 2]);
  for (const auto& m : members)
    if (m["val_loss"].is_number() && median > 0 && m["val_loss"].get<double>() > 1.5 * median) out.push_back(m);
  return out;
}

namespace {

std::string not_learned_warning(const nlohmann::json& bad) {
  std::string names;
  for (const auto& m : bad)
    names += (names.empty() ? "" : ", ") + m["dir"].get<std::string>() + " (train.init_seed " + m["init_seed"].dump() +
             ", validation loss " + m["val_loss"].dump() + ")";
  return "ensemble members did not learn: " + names + "; their validation loss is over 1.5x the members' median, "
         "so they pull the mean score toward theirs and inflate score_std (train again with another seed)";
}

// The first member's training block stands for the ensemble (the same data, epochs and
// model), with what differs per member beside it.
nlohmann::json ensemble_training(const std::vector<nlohmann::json>& blocks, const std::vector<uint64_t>& seeds) {
  nlohmann::json t = blocks.front();
  nlohmann::json members = nlohmann::json::array();
  double seconds = 0.0;
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const auto& b = blocks[k];
    const std::string metric = "val_" + b.value("metric", std::string("metric"));
    members.push_back({{"dir", ensemble_member_dir(static_cast<int>(k))}, {"init_seed", seeds[k]},
                       {"best_epoch", b.value("best_epoch", 0)}, {"val_loss", b.value("val_loss", nlohmann::json())},
                       {metric, b.value(metric, nlohmann::json())}});
    seconds += b.value("train_seconds", 0.0);
  }
  t["train_seconds"] = seconds;
  t["parameters"] = t.value("parameters", 0) * static_cast<int64_t>(blocks.size());
  t["ensemble"] = {{"members", blocks.size()}, {"member_runs", members}};
  const auto bad = members_not_learned(members);
  if (!bad.empty()) {
    t["ensemble"]["not_learned"] = bad;
    t["ensemble"]["warning"] = not_learned_warning(bad);
    std::fprintf(stderr, "warning: %s\n", t["ensemble"]["warning"].get<std::string>().c_str());
  }
  return t;
}

// run.json, resume.json (the data fingerprint evaluate checks) and metrics.json of the
// ensemble, from its members'.
void write_ensemble_record(const RunDir& dir, int members, const std::string& name, const nlohmann::json& training) {
  const auto first = RunDir::open_existing(dir.file(ensemble_member_dir(0)));
  auto record = read_run_record(first);
  record.ensemble_members = members;
  record.name = name;
  write_run_record(dir, record);
  if (first.has("resume.json")) dir.write_json("resume.json", first.read_json("resume.json"));
  dir.write_json("metrics.json", {{"training", training}});
}

}  // namespace

std::string train_ensemble(const core::Config& config, const RunDir& dir, const TrainOptions& o, int members) {
  const auto seed = config.get<uint64_t>("seed", 42);
  const auto first_seed = config.get<uint64_t>("train.init_seed", seed);
  const std::string name = config.get<std::string>("name", dir.path().filename().string());
  if (!o.resume) clear_members(dir);
  // The resume of train_neural reads data.file from here when --data is not given.
  if (!o.resume || !dir.has("config.toml")) config.write(dir.file("config.toml"), true);
  std::vector<nlohmann::json> blocks;
  std::vector<uint64_t> seeds;
  std::string text;
  for (int k = 0; k < members; ++k) {
    const auto path = dir.file(ensemble_member_dir(k));
    seeds.push_back(first_seed + static_cast<uint64_t>(k));
    // Every member that started resumes through the single run's guard: a changed
    // configuration or data file is refused (or recorded), a finished member trains no
    // further epochs, and more train.epochs continue it.
    TrainOptions mo = o;
    mo.out = path;
    mo.resume = o.resume && fs::exists(path / "config.toml");
    const auto member_dir = RunDir::claim_for_training(path, o.force, mo.resume);
    if (!o.quiet)
      std::fprintf(stderr, "ensemble member %d of %d (train.init_seed = %llu) -> %s\n", k + 1, members,
                   static_cast<unsigned long long>(seeds.back()), path.string().c_str());
    text = train_neural(member_config(config, seeds.back()), member_dir, mo);
    blocks.push_back(RunDir::open_existing(path).read_json("metrics.json").at("training"));
  }
  config.write(dir.file("config.toml"), true);  // what every member now agrees with
  write_ensemble_record(dir, members, name, ensemble_training(blocks, seeds));
  return "deep ensemble of " + std::to_string(members) + " members in " + dir.path().string() + "/" +
         ensemble_member_dir(0) + " ... " + ensemble_member_dir(members - 1) + "; the last member:\n" + text;
}

}  // namespace wl::run
