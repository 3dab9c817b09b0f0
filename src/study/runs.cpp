// One run of the study: skip, resume or train, then record it in study_run.json.
#include "runs.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/train/interrupt.hpp"

namespace wl::study::detail {

namespace fs = std::filesystem;
using core::InputError;

namespace {

constexpr const char* kMarker = "study_run.json";

nlohmann::json record_of(const Plan& plan, const RunSpec& r, const Inputs& in) {
  const auto& m = plan.models[r.model];
  return {{"format", "wavelearn-study-run"}, {"version", 1},         {"model", m.name},
          {"label", r.label},                {"seed", r.seed},       {"base_config", m.base_config.string()},
          {"assignments", r.assignments},    {"data", m.tabular ? in.features : in.data}};
}

// Whether the run finished before with the same settings; InputError when it finished with others.
bool finished_before(const fs::path& dir, const nlohmann::json& want) {
  const auto path = dir / kMarker;
  if (!fs::exists(path)) return false;
  nlohmann::json got;
  try {
    std::ifstream f(path);
    got = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception&) {
    throw InputError(path.string() + ": not JSON; start the study again with --force");
  }
  for (const char* k : {"base_config", "assignments", "data"})
    if (got.value(k, nlohmann::json()) != want.at(k))
      throw InputError(path.string() + ": the run was trained with another " + std::string(k) +
                       " than this study gives; resume with the study's own settings or start again with --force");
  return fs::exists(dir / "predictions.h5") && fs::exists(dir / "metrics.json");
}

RunOutcome train_one(const Plan& plan, const RunSpec& r, const Inputs& in, const TrainSettings& s) {
  const auto& m = plan.models[r.model];
  const auto dir = run_dir(in.out, r);
  auto record = record_of(plan, r, in);
  RunOutcome o;
  if (!s.force && finished_before(dir, record)) return o;
  std::error_code ec;
  fs::remove(dir / kMarker, ec);
  run::TrainOptions to;
  to.out = dir;
  to.data = m.tabular ? in.features : in.data;
  to.quiet = true;  // the study prints one line per run
  to.threads = s.threads;
  const bool existing = fs::exists(dir) && !fs::is_empty(dir);
  // An interrupted network continues from its checkpoint; anything else trains again.
  to.resume = existing && !s.force && !m.tabular && fs::exists(dir / "checkpoint.pt");
  to.force = existing && !to.resume;
  const auto t0 = std::chrono::steady_clock::now();
  run::TrainResult res;
  try {
    res = run::train_run(run_config(plan, r), to);
  } catch (const InputError& e) {
    throw InputError("study: run " + r.name + " (" + dir.string() + "): " + e.what());
  }
  if (!res.evaluated)
    throw InputError("study: run " + r.name + ": trained, but its evaluation failed (see the warning above)");
  o.trained = true;
  o.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  record["wall_seconds"] = o.wall_seconds;
  core::write_text_atomically(dir / kMarker, record.dump(2) + "\n");
  return o;
}

}  // namespace

fs::path run_dir(const fs::path& out, const RunSpec& r) { return out / "runs" / r.name; }

std::vector<RunOutcome> train_runs(const Plan& plan, const Inputs& in, const TrainSettings& s) {
  std::vector<RunOutcome> out;
  fs::create_directories(in.out / "runs");
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (train::interrupt_requested()) throw core::Interrupted("study interrupted");
    const auto& r = plan.runs[i];
    out.push_back(train_one(plan, r, in, s));
    if (!s.quiet)
      std::fprintf(stderr, "study: [%zu/%zu] %s: %s\n", i + 1, plan.runs.size(), r.name.c_str(),
                   out.back().trained ? ("trained in " + std::to_string(static_cast<int>(out.back().wall_seconds)) + " s").c_str()
                                      : "finished before, kept");
  }
  return out;
}

}  // namespace wl::study::detail
