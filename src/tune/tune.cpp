// `wavelearn tune`: prepare (inputs checked before the output directory is claimed), then
// successive halving over the trials, rung by rung, then the outputs.
#include "wavelearn/tune/tune.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "state.hpp"
#include "validate.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/train/interrupt.hpp"
#include "wavelearn/tune/halving.hpp"

namespace wl::tune {

namespace fs = std::filesystem;
using core::InputError;
using detail::Settings;
using detail::TuneState;

namespace {

std::string read_text(const fs::path& p, const std::string& what) {
  std::ifstream in(p);
  if (!in || fs::is_directory(p)) throw InputError("cannot read " + what + " " + p.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json read_record(const fs::path& out) {
  try {
    return nlohmann::json::parse(read_text(out / "tune.json", "tune record"));
  } catch (const nlohmann::json::exception&) {
    throw InputError((out / "tune.json").string() + ": not JSON; start the tune again with --force");
  }
}

// The first key whose value differs between two configurations ("" when none).
std::string first_difference(const core::Config& a, const core::Config& b) {
  auto keys = a.keys();
  for (const auto& k : b.keys()) keys.push_back(k);
  for (const auto& k : keys)
    if (a.value_text(k) != b.value_text(k)) return k + " " + a.value_text(k) + " -> " + b.value_text(k);
  return "";
}

struct Prepared {
  core::Config base;
  std::string space_text;
  Space space;
  Settings settings;
  bool resumed = false;
};

core::Config load_base(const TuneOptions& o, bool has_record) {
  if (o.config.empty() && !has_record) throw InputError("tune: --config is required (e.g. configs/seed-fcnet.toml)");
  auto base = core::Config::load(o.config.empty() ? o.out / "base.toml" : o.config);
  base.set_all(o.sets);
  // Absolute (every entry of a list or pattern), so best.toml and a resumed tune find the
  // files from any working directory.
  if (!o.data.empty()) base.set_string("data.file", core::absolute_file_spec(o.data), "--data");
  else if (base.has("data.file"))
    base.set_string("data.file", core::absolute_file_spec(base.get<std::string>("data.file")), base.source());
  else if (base.has("data.files")) {
    auto entries = base.get<std::vector<std::string>>("data.files");
    for (auto& e : entries) e = core::absolute_file_spec(e);
    base.set("data.files=" + nlohmann::json(entries).dump());
  }
  if (has_record) {
    const auto recorded = core::Config::load(o.out / "base.toml");
    if (const auto diff = first_difference(recorded, base); !diff.empty())
      throw InputError(o.out.string() + ": --resume with another base configuration (" + diff +
                       "); resume with the tune's own (omit --config) or start again with --force");
  }
  return base;
}

void check_setting(const char* name, long long given, long long recorded, const fs::path& out) {
  if (given != recorded)
    throw InputError(out.string() + ": --resume with " + name + " " + std::to_string(given) + ", but the tune ran with " +
                     std::to_string(recorded) + "; resume with the same settings or start again with --force");
}

Settings settings_from(const TuneOptions& o, const Space& space, const nlohmann::json* rec) {
  Settings s;
  const auto r = rec ? rec->at("settings") : nlohmann::json::object();
  s.trials = o.trials ? o.trials : r.value("trials", 0);
  if (s.trials < 1) throw InputError(rec || o.trials ? "tune: --trials must be at least 1" : "tune: --trials is required");
  s.seed = o.seed_given ? o.seed : r.value("seed", uint64_t{1});
  s.eta = o.eta ? o.eta : space.eta ? space.eta : r.value("eta", 3);
  s.min_epochs = o.min_epochs ? o.min_epochs : space.min_epochs ? space.min_epochs : r.value("min_epochs", 1);
  if (s.eta < 2) throw InputError("tune: --eta must be at least 2");
  if (s.min_epochs < 1) throw InputError("tune: --min-epochs must be at least 1");
  if (rec) {
    check_setting("--trials", s.trials, r.value("trials", 0), o.out);
    check_setting("--seed", static_cast<long long>(s.seed), static_cast<long long>(r.value("seed", uint64_t{1})), o.out);
    check_setting("eta", s.eta, r.value("eta", 3), o.out);
    check_setting("min_epochs", s.min_epochs, r.value("min_epochs", 1), o.out);
  }
  s.threads = o.threads;
  s.base_config = o.config.empty() ? r.value("base_config", "") : o.config.string();
  s.space = o.space.empty() ? r.value("space", "") : o.space.string();
  return s;
}

Prepared prepare(const TuneOptions& o) {
  Prepared p;
  p.resumed = o.resume && fs::exists(o.out / "tune.json");
  const auto record = p.resumed ? read_record(o.out) : nlohmann::json();
  if (o.resume && !p.resumed && (o.config.empty() || o.space.empty()))
    throw InputError(o.out.string() + ": no tune to resume here (no tune.json; give --config and --space to start one)");
  p.base = load_base(o, p.resumed);
  if (o.space.empty() && !p.resumed) throw InputError("tune: --space is required (e.g. configs/space-fcnet.toml)");
  const fs::path space_path = o.space.empty() ? o.out / "space.toml" : o.space;
  p.space_text = read_text(space_path, "search space");
  if (p.resumed && !o.space.empty() && p.space_text != read_text(o.out / "space.toml", "search space"))
    throw InputError(o.space.string() + " differs from the search space the tune in " + o.out.string() +
                     " started with (space.toml there); resume with it or start again with --force");
  p.space = parse_space(p.space_text, space_path.string());
  p.settings = settings_from(o, p.space, p.resumed ? &record : nullptr);
  const int base_epochs = detail::check_base(p.base);
  const int recorded_epochs = p.resumed ? record["settings"].value("max_epochs", 0) : 0;
  p.settings.max_epochs = o.max_epochs           ? o.max_epochs
                          : p.space.max_epochs   ? p.space.max_epochs
                          : recorded_epochs > 0  ? recorded_epochs
                                                 : base_epochs;
  if (p.resumed) check_setting("max_epochs", p.settings.max_epochs, record["settings"].value("max_epochs", 0), o.out);
  p.settings.data_file = p.base.get<std::string>("data.file");
  detail::check_space(p.base, p.space);
  return p;
}

TuneState initial_state(const TuneOptions& o, const Prepared& p) {
  TuneState s;
  s.out = o.out;
  s.settings = p.settings;
  s.space = p.space;
  s.rungs = rung_epochs(p.settings.min_epochs, p.settings.eta, p.settings.max_epochs);
  for (int k = 0; k < p.settings.trials; ++k) {
    detail::Trial t;
    t.index = k;
    const bool base = k == 0 && p.space.base_trial;
    t.draws = base ? base_draws(p.space, p.base) : draw_trial(p.space, p.settings.seed, k);
    if (!base) t.assignments = trial_assignments(t.draws, p.space, p.base);
    if (p.resumed) detail::read_trial_record(o.out, t);
    if (s.metric.empty() && !t.metric_name.empty()) s.metric = t.metric_name;
    s.trials.push_back(std::move(t));
  }
  s.last_member.assign(s.trials.size(), -1);
  return s;
}

void progress(const TuneState& s, const detail::Trial& t, std::size_t rung) {
  const auto& r = t.rungs.back();
  if (!r.error.empty()) {
    std::fprintf(stderr, "tune: %s rung %zu/%zu (%d epochs) failed: %s\n", detail::trial_name(t.index).c_str(),
                 rung + 1, s.rungs.size(), r.epochs, r.error.c_str());
    return;
  }
  std::fprintf(stderr, "tune: %s rung %zu/%zu (%d epochs%s): val %s %.4f, val loss %.4f, %.1f s\n",
               detail::trial_name(t.index).c_str(), rung + 1, s.rungs.size(), r.epochs_done,
               r.stopped_early ? ", stopped early" : "", t.metric_name.c_str(), r.val_metric, r.val_loss, r.seconds);
}

// Trains every member of one rung that has no result there yet (a resumed tune skips the
// finished ones), rewriting trials.csv after each step.
void run_rung(TuneState& s, const core::Config& base, const std::vector<std::size_t>& members, std::size_t rung,
              const detail::StepOptions& so) {
  for (const auto i : members) {
    auto& t = s.trials[i];
    s.last_member[i] = static_cast<int>(rung);
    if (t.rungs.size() > rung) continue;
    if (train::interrupt_requested()) throw core::Interrupted("tune interrupted");
    detail::train_rung(s.out, base, t, s.rungs[rung], so);
    if (s.metric.empty() && !t.metric_name.empty()) s.metric = t.metric_name;
    if (!so.quiet) progress(s, t, rung);
    detail::write_trials_csv(s);
  }
}

void successive_halving(TuneState& s, const core::Config& base, const detail::StepOptions& so) {
  std::vector<std::size_t> members(s.trials.size());
  for (std::size_t i = 0; i < members.size(); ++i) members[i] = i;
  for (std::size_t rung = 0; rung < s.rungs.size(); ++rung) {
    run_rung(s, base, members, rung, so);
    if (s.metric.empty()) {
      const auto& first = s.trials.front().rungs.front();
      throw InputError("tune: every trial failed at the first rung; trial_000: " + first.error);
    }
    s.higher_is_better = higher_is_better(s.metric);
    if (rung + 1 == s.rungs.size()) break;
    std::vector<double> metric;
    for (const auto i : members) metric.push_back(s.trials[i].metric_at(rung));
    std::vector<std::size_t> next;
    for (const auto k : promoted(metric, s.settings.eta, s.higher_is_better)) next.push_back(members[k]);
    std::sort(next.begin(), next.end());  // trained in trial order
    members = next;
  }
}

void write_outputs(TuneState& s) {
  detail::write_trials_csv(s);
  s.best = detail::best_trial(s);
  const double test = s.best >= 0 ? detail::test_metric_of(s, s.best) : std::nan("");
  if (s.best >= 0 && s.status == "finished") {
    detail::write_best_toml(s, test);
    detail::write_tune_page(s, test);
  }
  core::write_text_atomically(s.out / "tune.json", detail::tune_json(s, test).dump(2) + "\n");
}

TuneSummary summary_of(const TuneState& s) {
  TuneSummary r;
  r.out = s.out;
  r.trials = static_cast<int>(s.trials.size());
  r.rungs = s.rungs;
  r.metric = s.metric;
  r.best_trial = s.best;
  r.seconds = s.seconds;
  for (const auto& t : s.trials) {
    r.failed += t.failed();
    for (const auto& rung : t.rungs) r.epochs_trained += rung.epochs_trained;
  }
  if (s.best >= 0) {
    const auto& b = s.trials[static_cast<std::size_t>(s.best)];
    r.best_val_metric = b.rungs.back().val_metric;
    r.best_epochs = b.rungs.back().epochs_done;
    r.best_test_metric = detail::test_metric_of(s, s.best);
  }
  return r;
}

}  // namespace

TuneSummary run_tune(const TuneOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto p = prepare(o);  // every input checked before the directory is claimed
  const auto dir = run::RunDir::claim_for_training(o.out, o.force, o.resume);
  dir.write_text("base.toml", p.base.to_toml());
  dir.write_text("space.toml", p.space_text);
  auto s = initial_state(o, p);
  core::write_text_atomically(s.out / "tune.json", detail::tune_json(s, std::nan("")).dump(2) + "\n");
  train::install_interrupt_handler();
  detail::StepOptions so;
  so.force_new = !p.resumed;
  so.quiet = o.quiet;
  so.threads = o.threads;
  try {
    successive_halving(s, p.base, so);
  } catch (const core::Interrupted&) {
    s.status = "interrupted";
    write_outputs(s);
    throw core::Interrupted("tune stopped; the finished trials are kept in " + o.out.string() +
                            " (continue with `wavelearn tune --out " + o.out.string() + " --resume`)");
  }
  s.status = "finished";
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_outputs(s);
  if (s.best < 0) throw InputError("tune: every trial failed; see " + (o.out / "trials.csv").string());
  return summary_of(s);
}

std::string format_tune(const TuneSummary& s) {
  std::string rungs;
  for (const auto e : s.rungs) rungs += (rungs.empty() ? "" : ", ") + std::to_string(e);
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "tuned %d trials (%d failed) with successive halving on epochs (rungs: %s); %d epochs trained in "
                "all, %.0f s in this call\nbest: %s, validation %s %.4f after %d epochs; its test %s %.4f\n"
                "best config: %s (retrain: wavelearn train --config %s --out RUN)\npage: %s\n",
                s.trials, s.failed, rungs.c_str(), s.epochs_trained, s.seconds,
                detail::trial_name(s.best_trial).c_str(), s.metric.c_str(), s.best_val_metric, s.best_epochs,
                s.metric.c_str(), s.best_test_metric, (s.out / "best.toml").string().c_str(),
                (s.out / "best.toml").string().c_str(), (s.out / "tune.html").string().c_str());
  return buf;
}

}  // namespace wl::tune
