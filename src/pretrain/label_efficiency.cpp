// The label-efficiency study: scratch and fine-tuned runs on the same labelled subsets.
#include "wavelearn/pretrain/label_efficiency.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/train/init_from.hpp"

namespace fs = std::filesystem;

namespace wl::pretrain {

namespace {

constexpr int kMaxSeeds = 100;

// "f0.05_s2": the fraction as written in the json (shortest form that reads back).
std::string run_name(double fraction, int seed) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "f%.6g_s%d", fraction, seed);
  return buf;
}

core::Config study_config(const StudyOptions& o) {
  auto c = core::Config::load(o.config);
  c.set_all(o.sets);
  if (!o.data.empty()) c.set_string("data.file", o.data, "--data");
  return c;
}

// The config of one run: the study's, on the labelled subset of (fraction, seed).
core::Config arm_config(const StudyOptions& o, double fraction, int seed, bool pretrained) {
  auto c = study_config(o);
  char buf[64];
  std::snprintf(buf, sizeof buf, "data.label_fraction=%.17g", fraction);
  c.set(buf);
  c.set("data.label_seed=" + std::to_string(seed));
  c.set("train.init_seed=" + std::to_string(seed));
  c.set_string("name", run_name(fraction, seed) + (pretrained ? "_pretrained" : "_scratch"));
  if (pretrained) c.set_string("train.init_from", fs::absolute(o.pretrained).lexically_normal().string(), "--pretrained");
  return c;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  try {
    return nlohmann::json::parse(s.str());
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(p.string() + ": unreadable (" + e.what() + ")");
  }
}

// A finished run: its metrics.json holds the test evaluation.
bool finished(const fs::path& dir) {
  if (!fs::is_regular_file(dir / "metrics.json") || !fs::is_regular_file(dir / "run.json")) return false;
  const auto m = read_json(dir / "metrics.json");
  return m.contains("evaluation") && m["evaluation"].value("events", "") == "test";
}

struct ArmResult {
  double auc = std::nan("");
  std::size_t n_labels = 0;
};

ArmResult read_arm(const fs::path& dir) {
  const auto m = read_json(dir / "metrics.json");
  ArmResult r;
  r.n_labels = m.at("training").value("n_train", std::size_t{0});
  const auto& e = m.at("evaluation");
  const auto label = e.value("primary_label", "");
  if (e.contains("labels") && e["labels"].contains(label) && e["labels"][label]["auc"].is_number())
    r.auc = e["labels"][label]["auc"].get<double>();
  return r;
}

// Trains one arm unless it finished before: a checkpoint is resumed, a start that left no
// checkpoint is begun again.
ArmResult train_arm(const StudyOptions& o, double fraction, int seed, bool pretrained) {
  const fs::path dir = o.out / "runs" / run_name(fraction, seed) / (pretrained ? "pretrained" : "scratch");
  if (!o.force && finished(dir)) return read_arm(dir);
  run::TrainOptions t;
  t.out = dir;
  t.resume = !o.force && fs::is_regular_file(dir / "checkpoint.pt");
  t.force = !t.resume && fs::exists(dir);
  t.quiet = o.quiet;
  t.threads = o.threads;
  if (!o.quiet)
    std::fprintf(stderr, "label-efficiency: %s (%s)\n", dir.string().c_str(), t.resume ? "resuming" : "training");
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  run::train_run(arm_config(o, fraction, seed, pretrained), t);
  return read_arm(dir);
}

}  // namespace

std::vector<double> parse_fractions(const std::string& text) {
  std::vector<double> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ',')) {
    if (item.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      std::size_t used = 0;
      const double v = std::stod(item, &used);
      if (item.find_first_not_of(" \t", used) != std::string::npos) throw std::invalid_argument(item);
      out.push_back(v);
    } catch (const std::exception&) {
      throw core::InputError("--fractions: '" + item + "' is not a number (e.g. --fractions 0.01,0.05,0.1,1)");
    }
  }
  if (out.empty()) throw core::InputError("--fractions: the list is empty (e.g. --fractions 0.01,0.05,0.1,1)");
  return out;
}

void check_study(const StudyOptions& o) {
  if (o.fractions.empty()) throw core::InputError("--fractions: the list is empty (e.g. --fractions 0.01,0.05,0.1,1)");
  for (const double f : o.fractions)
    if (!(f > 0.0 && f <= 1.0))
      throw core::InputError("--fractions: " + std::to_string(f) + " is outside (0, 1] (fractions of the labelled "
                             "training events)");
  if (o.seeds < 1 || o.seeds > kMaxSeeds)
    throw core::InputError("--seeds: must be from 1 to " + std::to_string(kMaxSeeds));
  const auto c = study_config(o);
  const auto kind = c.get<std::string>("task.kind", "binary_logits");
  if (kind.rfind("binary", 0) != 0)
    throw core::InputError(o.config.string() + ": task.kind = \"" + kind +
                           "\": the study compares test AUCs, so it needs a binary task");
  train::check_encoder_config(c, o.pretrained);
}

std::vector<StudyRow> run_study(const StudyOptions& o_in) {
  StudyOptions o = o_in;
  std::sort(o.fractions.begin(), o.fractions.end());
  o.fractions.erase(std::unique(o.fractions.begin(), o.fractions.end()), o.fractions.end());
  check_study(o);
  std::vector<StudyRow> rows;
  for (const double f : o.fractions) {
    StudyRow row;
    row.fraction = f;
    for (int s = 0; s < o.seeds; ++s) {
      // Pretrained first: an encoder that does not fit is refused before an hour of scratch runs.
      const auto pre = train_arm(o, f, s, true);
      const auto scratch = train_arm(o, f, s, false);
      row.n_labels = scratch.n_labels;
      row.auc_pretrained.push_back(pre.auc);
      row.auc_scratch.push_back(scratch.auc);
    }
    rows.push_back(row);
  }
  const auto summary = study_json(o, rows);
  core::write_text_atomically(o.out / "label_efficiency.json", summary.dump(2) + "\n");
  write_study_page(o, rows, summary);
  return rows;
}

}  // namespace wl::pretrain
