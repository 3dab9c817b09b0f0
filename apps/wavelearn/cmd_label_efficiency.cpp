// `wavelearn label-efficiency`: scratch against fine-tuned-from-pretraining over fractions of
// the labelled training events (docs/pretraining.md).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"
#include "wavelearn/pretrain/label_efficiency.hpp"

namespace {

struct Args {
  wl::pretrain::StudyOptions o;
  std::string fractions = "0.01,0.02,0.05,0.1,0.25,1";
  std::string config, pretrained, out;
};

void run(Args& a) {
  auto& o = a.o;
  o.config = a.config;
  o.pretrained = a.pretrained;
  o.out = a.out;
  o.fractions = wl::pretrain::parse_fractions(a.fractions);
  o.quiet = wl::app::global_options().quiet;
  o.threads = wl::app::global_options().threads;
  const auto rows = wl::pretrain::run_study(o);
  std::printf("%-9s %-7s %-26s %-26s\n", "fraction", "labels", "AUC scratch mean [min,max]",
              "AUC pretrained mean [min,max]");
  const auto j = wl::pretrain::study_json(o, rows);
  for (const auto& r : j["rows"]) {
    auto v = [&](const char* k) { return r[k].is_number() ? r[k].get<double>() : -1.0; };
    std::printf("%-9g %-7zu %.4f [%.4f,%.4f]      %.4f [%.4f,%.4f]\n", r["fraction"].get<double>(),
                r["n_labels"].get<std::size_t>(), v("auc_scratch"), v("auc_scratch_min"), v("auc_scratch_max"),
                v("auc_pretrained"), v("auc_pretrained_min"), v("auc_pretrained_max"));
  }
  std::printf("criterion (pretrained with N labels >= scratch with 2N at >= 2 fractions <= 10%%): %s\nwrote %s\n",
              j["criterion"]["met"].get<bool>() ? "met" : "not met",
              (o.out / "label_efficiency.json").string().c_str());
}

void setup(CLI::App& parent) {
  auto a = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand(
      "label-efficiency", "train from scratch and fine-tuned from a pretraining run on fractions of the labelled "
                          "training events; test AUC against the number of labels");
  cmd->add_option("-c,--config", a->config, "the labelled task's config (binary; e.g. configs/transformer.toml)")
      ->required()->check(wl::app::path_given());
  cmd->add_option("--set", a->o.sets, "override a config key of every run: key.path=value (repeatable)");
  cmd->add_option("--pretrained", a->pretrained, "the pretraining run (its encoder: train.init_from)")
      ->required()->check(wl::app::path_given());
  cmd->add_option("--data", a->o.data, "the labelled waveform file(s: a glob, a comma list or --data repeated)")
      ->required()->check(wl::app::path_given())->join(',');
  cmd->add_option("--fractions", a->fractions, "fractions of the labelled training events, comma-separated, each in (0, 1]")
      ->capture_default_str();
  cmd->add_option("--seeds", a->o.seeds, "seeds per fraction (labelled subset and initialisation)")
      ->capture_default_str()->check(wl::app::count_range(1, 100));
  cmd->add_option("-o,--out", a->out, "study directory (runs/, label_efficiency.json, label_efficiency.html)")
      ->required()->check(wl::app::path_given());
  cmd->add_flag("--force", a->o.force, "retrain runs that finished before (default: reuse them)");
  cmd->callback([a] { run(*a); });
}

}  // namespace

WL_REGISTER_COMMAND(label_efficiency, setup);
