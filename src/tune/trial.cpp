// A trial's rungs through the run layer, and its record on disk.
#include "trial.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/train.hpp"

namespace wl::tune::detail {

namespace fs = std::filesystem;

namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }
double number_or_nan(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

nlohmann::json read_json_file(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw core::InputError("cannot read " + p.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    throw core::InputError(p.string() + ": not JSON");
  }
}

// The training block of the run the step just wrote.
RungResult result_of(const fs::path& dir, int epochs, std::string& metric_name) {
  const auto t = read_json_file(dir / "metrics.json").at("training");
  metric_name = t.value("metric", "");
  RungResult r;
  r.epochs = epochs;
  r.epochs_done = t.value("epochs_done", 0);
  r.stopped_early = t.value("stopped_early", false);
  r.val_metric = number_or_nan(t.value("val_" + metric_name, nlohmann::json()));
  r.val_loss = number_or_nan(t.value("val_loss", nlohmann::json()));
  return r;
}

int saved_epochs(const fs::path& dir) {
  if (!fs::exists(dir / "config.toml")) return -1;
  return core::Config::load(dir / "config.toml").get<int>("train.epochs", -1);
}

}  // namespace

double Trial::metric_at(std::size_t rung) const {
  if (rung >= rungs.size() || !rungs[rung].error.empty()) return std::numeric_limits<double>::quiet_NaN();
  return rungs[rung].val_metric;
}

std::string trial_name(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "trial_%03d", index);
  return buf;
}

fs::path trial_dir(const fs::path& out, int index) { return out / trial_name(index); }

void write_trial_record(const fs::path& out, const Trial& t) {
  nlohmann::json rungs = nlohmann::json::array();
  for (const auto& r : t.rungs)
    rungs.push_back({{"epochs", r.epochs}, {"epochs_done", r.epochs_done}, {"stopped_early", r.stopped_early},
                     {"epochs_trained", r.epochs_trained}, {"val_metric", number_or_null(r.val_metric)}, {"val_loss", number_or_null(r.val_loss)},
                     {"seconds", r.seconds}, {"error", r.error}});
  const nlohmann::json j = {{"format", "wavelearn-tune-trial"}, {"version", 1}, {"trial", t.index},
                            {"assignments", t.assignments}, {"metric", t.metric_name}, {"rungs", rungs}};
  const auto dir = trial_dir(out, t.index);
  fs::create_directories(dir);
  core::write_text_atomically(dir / "tune_trial.json", j.dump(2) + "\n");
}

void read_trial_record(const fs::path& out, Trial& t) {
  const auto path = trial_dir(out, t.index) / "tune_trial.json";
  t.rungs.clear();
  if (!fs::exists(path)) return;
  const auto j = read_json_file(path);
  if (j.value("assignments", std::vector<std::string>{}) != t.assignments)
    throw core::InputError(path.string() + ": the trial was drawn with other parameters than this search space and "
                           "seed give; start the tune again with --force");
  t.metric_name = j.value("metric", "");
  for (const auto& r : j.at("rungs"))
    t.rungs.push_back({r.value("epochs", 0), r.value("epochs_done", 0), r.value("stopped_early", false),
                       r.value("epochs_trained", 0), number_or_nan(r.value("val_metric", nlohmann::json())),
                       number_or_nan(r.value("val_loss", nlohmann::json())), r.value("seconds", 0.0),
                       r.value("error", "")});
}

bool schedule_depends_on_epochs(const core::Config& trial_config) {
  const core::Config probe = trial_config;
  return probe.get<std::string>("train.schedule", "none") == "cosine";
}

void train_rung(const fs::path& out, const core::Config& base, Trial& t, int epochs, const StepOptions& o) {
  core::Config config = base;
  config.set_all(t.assignments);
  config.set("train.epochs=" + std::to_string(epochs));
  const auto dir = trial_dir(out, t.index);
  const bool restart = !t.rungs.empty() && schedule_depends_on_epochs(config);
  if (!t.rungs.empty() && !restart && t.rungs.back().stopped_early) {
    // Early stopping ended the run: a larger budget trains nothing more.
    RungResult r = t.rungs.back();
    r.epochs = epochs;
    r.seconds = 0.0;
    r.epochs_trained = 0;
    t.rungs.push_back(r);
    write_trial_record(out, t);
    return;
  }
  run::TrainOptions to;
  to.out = dir;
  to.quiet = o.quiet;
  to.threads = o.threads;
  const bool existing = fs::exists(dir) && !fs::is_empty(dir);
  if (restart && saved_epochs(dir) != epochs) {
    // A cosine schedule over the old budget is not the run a larger budget describes: start
    // again. Without the old checkpoint, an interruption now resumes the new run, not the old.
    fs::remove(dir / "checkpoint.pt");
    fs::remove(dir / "history.csv");
    to.force = true;
  } else if (t.rungs.empty()) {
    to.force = existing && o.force_new;
    to.resume = existing && !o.force_new;
  } else {
    to.resume = true;
  }
  const auto t0 = std::chrono::steady_clock::now();
  RungResult r;
  try {
    run::train_run(config, to);
    r = result_of(dir, epochs, t.metric_name);
    r.epochs_trained = r.epochs_done - (to.resume && !t.rungs.empty() ? t.rungs.back().epochs_done : 0);
  } catch (const core::Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    // One trial's failure (a diverging learning rate, a layer stack too deep for the window)
    // is that trial's result, not the end of the search.
    r.epochs = epochs;
    r.val_metric = r.val_loss = std::numeric_limits<double>::quiet_NaN();
    r.error = e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  t.rungs.push_back(r);
  write_trial_record(out, t);
}

}  // namespace wl::tune::detail
