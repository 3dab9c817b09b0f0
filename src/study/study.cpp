// `wavelearn study`: prepare (every input checked before the directory is claimed), the
// feature table, the runs, then the leaderboard.
#include "wavelearn/study/study.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "leaderboard.hpp"
#include "runs.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/file_chain.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/train/interrupt.hpp"

namespace wl::study {

namespace fs = std::filesystem;
using core::InputError;

namespace {

struct Prepared {
  detail::Plan plan;
  detail::Inputs in;
  bool features_given = false;
  nlohmann::json record;  // study.json of a resumed study (null when none)
};

std::string toml_string(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

// study.neural_set / study.tabular_set of the file, then the CLI's.
void append_sets(core::Config& study, const std::string& key, const std::vector<std::string>& more) {
  if (more.empty()) return;
  const core::Config probe = study;
  auto all = probe.get<std::vector<std::string>>(key, {});
  all.insert(all.end(), more.begin(), more.end());
  std::string text = "[";
  for (std::size_t i = 0; i < all.size(); ++i) text += (i ? ", " : "") + toml_string(all[i]);
  study.set(key + "=" + text + "]");
}

nlohmann::json read_record(const fs::path& out) {
  std::ifstream f(out / "study.json");
  try {
    return nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception&) {
    throw InputError((out / "study.json").string() + ": not JSON; start the study again with --force");
  }
}

std::string existing_file(const std::string& path, const char* what) {
  if (!fs::is_regular_file(path)) throw InputError(path + ": no such " + std::string(what));
  return fs::absolute(path).lexically_normal().string();
}

Prepared prepare(const StudyOptions& o) {
  Prepared p;
  const bool has_record = o.resume && fs::exists(o.out / "study.json");
  if (has_record) p.record = read_record(o.out);
  if (o.config.empty() && !has_record) throw InputError("study: --config is required (e.g. configs/study-psd.toml)");
  const fs::path config_path = o.config.empty() ? o.out / "study.toml" : o.config;
  auto study = core::Config::load(config_path);
  study.set_all(o.sets);
  append_sets(study, "study.neural_set", o.neural_sets);
  append_sets(study, "study.tabular_set", o.tabular_sets);
  p.plan = detail::read_plan(std::move(study), fs::absolute(config_path).parent_path());
  const std::string data = !o.data.empty() ? o.data : has_record ? p.record.value("data", "") : "";
  if (data.empty()) throw InputError("study: --data is required (the waveform file)");
  p.in.out = o.out;
  p.in.data = existing_file(data, "waveform file");
  if (has_record && p.record.value("data", "") != p.in.data)
    throw InputError(o.out.string() + ": --resume with another --data (" + p.in.data + ") than the study's (" +
                     p.record.value("data", "") + "); resume with its own or start again with --force");
  const std::string features = !o.features.empty() ? o.features
                               : has_record && p.record.value("features_given", false) ? p.record.value("features", "")
                                                                                        : "";
  p.features_given = !features.empty();
  p.in.features = p.features_given ? existing_file(features, "feature table")
                                   : fs::absolute(o.out / "features.h5").lexically_normal().string();
  return p;
}

// The DSP chain on the waveform file, as `wavelearn dsp` runs it with its defaults.
double make_features(const Prepared& p, const StudyOptions& o) {
  if (p.features_given || (o.resume && fs::exists(p.in.features))) return 0.0;
  auto reader = io::open_reader(p.in.data);
  dsp::FileChainOptions opt;
  opt.threads = o.threads;
  opt.quiet = o.quiet;
  auto r = dsp::run_chain_on_file(*reader, opt);
  r.table.attributes["generator"] = "wavelearn study (DSP chain, defaults of wavelearn dsp)";
  io::write_table_h5(p.in.features, r.table, true);
  if (!o.quiet) std::fprintf(stderr, "study: feature table %s (%zu events, %.0f s)\n", p.in.features.c_str(), r.n_events, r.seconds);
  return r.seconds;
}

void write_record(const Prepared& p, const std::string& status, double dsp_s, double seconds) {
  const nlohmann::json j = {{"format", "wavelearn-study"}, {"version", 1},         {"status", status},
                            {"data", p.in.data},           {"features", p.in.features},
                            {"features_given", p.features_given},
                            {"runs", p.plan.runs.size()},  {"dsp_seconds", dsp_s}, {"seconds", seconds}};
  core::write_text_atomically(p.in.out / "study.json", j.dump(2) + "\n");
}

}  // namespace

StudySummary run_study(const StudyOptions& o) {
  if (o.force && o.resume) throw InputError("study: --force and --resume exclude each other");
  const auto t0 = std::chrono::steady_clock::now();
  const auto p = prepare(o);  // before the directory is claimed
  const auto dir = run::RunDir::claim_for_training(o.out, o.force, o.resume && fs::exists(o.out));
  dir.write_text("study.toml", p.plan.resolved_toml);
  write_record(p, "running", 0.0, 0.0);
  const double dsp_s = make_features(p, o);
  train::install_interrupt_handler();
  std::vector<detail::RunOutcome> outcomes;
  const auto t1 = std::chrono::steady_clock::now();
  try {
    outcomes = detail::train_runs(p.plan, p.in, {o.force, o.quiet, o.threads});
  } catch (const core::Interrupted&) {
    write_record(p, "interrupted", dsp_s, 0.0);
    throw core::Interrupted("study stopped; the finished runs are kept in " + o.out.string() +
                            " (continue with `wavelearn study --out " + o.out.string() + " --resume`)");
  }
  detail::BoardSettings bs{o.threads, dsp_s, std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count()};
  auto board = detail::build_leaderboard(p.plan, p.in, bs);
  detail::add_verdicts(p.plan, board);
  core::write_text_atomically(o.out / "leaderboard.json", board.dump(2) + "\n");
  detail::write_leaderboard_page(board, o.out / "leaderboard.html");
  StudySummary s;
  s.out = o.out;
  s.runs = static_cast<int>(outcomes.size());
  for (const auto& r : outcomes) (r.trained ? s.trained : s.skipped) += 1;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_record(p, "finished", dsp_s, s.seconds);
  s.table_text = detail::leaderboard_text(board);
  return s;
}

}  // namespace wl::study
