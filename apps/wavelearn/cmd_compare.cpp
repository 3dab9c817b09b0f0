// `wavelearn compare`: runs of any family (and the A/E parameter) on their common held-out
// events, at the A/E cut's DEP acceptance.
#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/run/compare.hpp"

namespace {

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::run::CompareOptions>();
  auto* cmd = parent.add_subcommand(
      "compare", "compare runs on their common held-out events (AUC, survival and truth at the A/E working point)");
  cmd->add_option("runs", o->runs, "run directories holding predictions.h5")->required();
  cmd->add_option("--out", o->out_dir, "output directory (compare.json, compare.html, plots/)")->required()->check(wl::app::path_given());
  cmd->add_option("--label", o->label, "the label the runs predict")->capture_default_str();
  cmd->add_option("--features", o->features_path, "feature table: adds the A/E parameter (avse_classifier or avse_raw)")->check(wl::app::path_given());
  cmd->add_option("--truth", o->truth_path, "simulated file: truth_is_single_site by event id")->check(wl::app::path_given());
  cmd->add_option("--bootstrap", o->bootstrap_replicas, "AUC bootstrap replicas")->capture_default_str()
      ->check(wl::app::count_range(0, 100000));
  cmd->add_flag("--force", o->force, "replace existing outputs");
  cmd->callback([o] {
    o->threads = wl::app::global_options().threads;
    const auto r = wl::run::compare_runs(*o);
    std::printf("%s", r.table_text.c_str());
    if (!wl::app::global_options().quiet)
      std::fprintf(stderr, "wrote %s/compare.json, compare.html, plots/\n", o->out_dir.c_str());
  });
}

}  // namespace

WL_REGISTER_COMMAND(compare, setup);
