// `wavelearn compare`: runs (and the A/E cut) on their common events, one table.
#include <cstdio>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/tabular/compare.hpp"

namespace {

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::tabular::CompareOptions>();
  auto* cmd = parent.add_subcommand("compare", "compare runs on their common test events (AUC, efficiencies, ROC)");
  cmd->add_option("runs", o->runs, "run directories holding predictions.h5")->required();
  cmd->add_option("--out", o->out_dir, "output directory (compare.json, compare.html, roc.png/svg)")->required();
  cmd->add_option("--features", o->features_path, "feature table: adds the A/E cut (avse_classifier or avse_raw)");
  cmd->add_option("--truth", o->truth_path, "simulated file: truth-level single-site efficiency per region");
  cmd->add_option("--bootstrap", o->bootstrap_replicas, "AUC bootstrap replicas")->capture_default_str();
  cmd->add_flag("--force", o->force, "replace existing outputs");
  cmd->callback([o] {
    o->threads = wl::app::global_options().threads;
    const auto r = wl::tabular::compare_runs(*o);
    std::printf("%s", r.table_text.c_str());
    if (!wl::app::global_options().quiet) {
      std::fprintf(stderr, "wrote %s/compare.json, compare.html, roc.png\n", o->out_dir.c_str());
    }
  });
}

}  // namespace

WL_REGISTER_COMMAND(compare, setup);
