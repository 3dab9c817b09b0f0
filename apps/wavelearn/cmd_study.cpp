// `wavelearn study`: models x labels x seeds on one split, judged together; writes
// DIR/leaderboard.json and DIR/leaderboard.html (docs/study.md).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/study/study.hpp"

namespace {

struct StudyArgs {
  std::string config, data, features, out;
  std::vector<std::string> sets, neural_sets, tabular_sets;
  bool force = false, resume = false;
};

void run(const StudyArgs& a) {
  wl::study::StudyOptions o;
  o.config = a.config;
  o.data = a.data;
  o.features = a.features;
  o.out = a.out;
  o.sets = a.sets;
  o.neural_sets = a.neural_sets;
  o.tabular_sets = a.tabular_sets;
  o.force = a.force;
  o.resume = a.resume;
  o.quiet = wl::app::global_options().quiet;
  o.threads = wl::app::global_options().threads;
  const auto s = wl::study::run_study(o);
  std::fputs(s.table_text.c_str(), stdout);
  std::printf("study: %d runs (%d trained, %d kept from before) in %.0f s; %s/leaderboard.json, leaderboard.html\n",
              s.runs, s.trained, s.skipped, s.seconds, s.out.string().c_str());
}

void setup(CLI::App& parent) {
  auto a = std::make_shared<StudyArgs>();
  auto* cmd = parent.add_subcommand("study", "train every model of a study file for every label and seed on one split, "
                                             "compare them on common test events; writes leaderboard.json and .html");
  cmd->add_option("-c,--config", a->config, "study file (e.g. configs/study-psd.toml)")->check(wl::app::path_given());
  cmd->add_option("--data", a->data, "waveform file (simulated: the leaderboard's truth figures need truth_* fields)")
      ->check(wl::app::path_given());
  cmd->add_option("--features", a->features, "feature table of the same file (default: DIR/features.h5 from the DSP chain)")
      ->check(wl::app::path_given());
  cmd->add_option("-o,--out", a->out, "study directory (runs/, compare/, leaderboard.*)")->required()->check(wl::app::path_given());
  cmd->add_option("--set", a->sets, "override a key of the study file: study.seeds=[1] (repeatable)");
  cmd->add_option("--neural-set", a->neural_sets, "override a key of every network's configuration, e.g. train.epochs=1 "
                                                   "(repeatable; recorded in study.toml)");
  cmd->add_option("--tabular-set", a->tabular_sets, "override a key of every tabular model's configuration, e.g. "
                                                     "model.n_trees=50 (repeatable)");
  cmd->add_flag("--force", a->force, "start again in an existing study directory (every run is retrained)");
  cmd->add_flag("--resume", a->resume, "continue an interrupted study: finished runs are kept, not retrained");
  cmd->callback([a] { run(*a); });
}

}  // namespace

WL_REGISTER_COMMAND(study, setup);
