// `wavelearn evaluate`: every metric of a trained run (any family) on a data file, and its
// report (plots/, report.html, MODEL_CARD.md, metrics.json, predictions.h5).
#include <cstdio>
#include <string>

#include "command.hpp"
#include "wavelearn/run/evaluate.hpp"

namespace {

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::run::EvaluateOptions>();
  auto run = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand("evaluate", "evaluate a trained run on a data file and write its report");
  cmd->add_option("-m,--model", *run, "run directory (from wavelearn train)")->required()->check(wl::app::path_given());
  cmd->add_option("--data", *data,
                  "waveform file or feature table (default: the run's training file; there its held-out "
                  "test events are used); several files: a glob, a comma list or --data repeated")
      ->check(wl::app::path_given())->join(',');
  cmd->add_option("-o,--out", *out, "report directory (default: the run directory)")->check(wl::app::path_given());
  cmd->add_option("--batch-size", o->batch_size, "events per batch")->check(wl::app::batch_size_range());
  cmd->add_option("--max-train-events", o->max_train_events,
                  "training events scored for the overtraining check (0: none)")
      ->check(wl::app::count_range(0, 100000000));
  cmd->add_option("--bootstrap", o->bootstrap_replicas, "bootstrap replicas of the AUC interval")
      ->check(wl::app::count_range(0, 100000));
  cmd->add_option("--shifted", o->shifted,
                  "events of a shifted detector (e.g. simulated with other response parameters): how well the "
                  "model's uncertainty flags them (out-of-distribution AUROC in metrics.json \"ood\")")
      ->check(wl::app::path_given());
  cmd->add_option("--mc-samples", o->mc_samples,
                  "Monte Carlo dropout: score each event N times with dropout on (mean and <score>_std; "
                  "networks trained with model.dropout > 0)")
      ->check(wl::app::count_range(2, 10000));
  cmd->add_option("--alpha", o->alpha,
                  "split-conformal miscoverage: sets and intervals that hold the truth for 1 - alpha of events "
                  "(default 0.1)")
      ->check(wl::app::finite_number());
  cmd->add_flag("--all-events", o->all_events, "on the training file too, every selected event");
  cmd->add_flag("--force", o->force, "replace an existing report");
  wl::app::add_device_option(cmd, o->device);
  cmd->callback([o, run, data, out] {
    o->out = *out;
    o->quiet = wl::app::global_options().quiet;
    o->threads = wl::app::global_options().threads;
    const auto s = wl::run::evaluate_run(*run, *data, *o);
    std::fputs(wl::run::format_evaluation(s).c_str(), stdout);
  });
}

}  // namespace

WL_REGISTER_COMMAND(evaluate, setup);
