// `wavelearn fidelity`: how close a candidate waveform file is to a reference file: W1 per
// DSP parameter over the reference's own noise floor, and a classifier two-sample test.
#include <cstdio>
#include <limits>
#include <string>

#include "command.hpp"
#include "wavelearn/fidelity/fidelity.hpp"

namespace {

struct Args {
  wl::fidelity::FidelityOptions o;
  std::string reference, candidate, out, config;
  std::vector<std::string> overrides;
  long long max_events = 20000, seed = 1;
  bool force = false;
};

void print_summary(const wl::fidelity::FidelityResult& r, const std::string& out) {
  if (r.self_split)
    std::printf("self-split: %s, even events (%zu) against odd events (%zu)\n", r.reference.c_str(), r.n_reference,
                r.n_candidate);
  else
    std::printf("reference %s (%zu events), candidate %s (%zu events)\n", r.reference.c_str(), r.n_reference,
                r.candidate.c_str(), r.n_candidate);
  const auto& c = r.c2st;
  std::printf("C2ST AUC %.4f, 95 %% interval [%.4f, %.4f] (%zu test events per sample; train AUC %.4f)\n", c.auc,
              c.ci_lo, c.ci_hi, c.n_test_per_class, c.train_auc);
  std::printf("W1 / noise floor per DSP parameter:\n");
  for (const auto& p : r.parameters)
    std::printf("  %-24s %8.3g   (W1 %.4g %s)\n", p.column.c_str(), p.ratio, p.w1, p.unit.c_str());
  std::printf("%.1f s (C2ST %.1f s); page: %s/fidelity.html\n", r.seconds, c.seconds, out.c_str());
}

void setup(CLI::App& parent) {
  auto a = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand("fidelity", "how close a candidate waveform file is to a reference: W1 per DSP "
                                                "parameter and a classifier two-sample test (C2ST)");
  cmd->add_option("-r,--reference", a->reference, "reference waveform file (e.g. data)")->required()
      ->check(wl::app::path_given());
  cmd->add_option("-c,--candidate", a->candidate,
                  "candidate waveform file (generated, translated, simulated); omitted or the reference itself: "
                  "the reference's even events against its odd events (sanity check)")
      ->check(wl::app::path_given());
  cmd->add_option("-o,--out", a->out, "output directory (fidelity.json, fidelity.html, plots/)")->required()
      ->check(wl::app::path_given());
  cmd->add_option("--max-events", a->max_events, "C2ST: at most this many events per sample (evenly spaced)")
      ->check(wl::app::count_range(wl::fidelity::kMinEventsPerSample, 10000000));
  cmd->add_option("--epochs", a->o.c2st.epochs,
                  "C2ST: training epochs (default 0: enough for 300 optimiser steps, 3 to 30 epochs)")
      ->check(wl::app::count_range(0, 1000));
  cmd->add_option("--batch-size", a->o.c2st.batch_size, "C2ST: events per batch")
      ->check(wl::app::count_range(2, wl::app::kMaxBatchEvents));
  cmd->add_option("--bootstrap", a->o.c2st.bootstrap_replicas, "C2ST: bootstrap replicas of the AUC interval")
      ->check(wl::app::count_range(2, 100000));
  cmd->add_option("--window-before-ns", a->o.c2st.before_tp50_ns, "C2ST: window start before tp50 (ns)")
      ->check(wl::app::positive_finite());
  cmd->add_option("--window-after-ns", a->o.c2st.after_tp50_ns, "C2ST: window end after tp50 (ns)")
      ->check(wl::app::positive_finite());
  cmd->add_option("--seed", a->seed, "seed of the C2ST split, initialisation and bootstrap")
      ->check(wl::app::count_range(0, std::numeric_limits<long long>::max()));
  cmd->add_option("--config", a->config, "TOML file with a [dsp] table for the chain on both files (docs/dsp.md)")
      ->check(wl::app::path_given());
  cmd->add_option("--set", a->overrides, "override a [dsp] key, e.g. --set trap_rise_ns=3000 (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--force", a->force, "replace an existing fidelity output in --out");
  cmd->callback([a] {
    auto o = a->o;
    o.reference = a->reference;
    o.candidate = a->candidate;
    o.c2st.max_events = static_cast<std::size_t>(a->max_events);
    o.seed = static_cast<std::uint64_t>(a->seed);
    if (!a->config.empty()) o.dsp = wl::dsp::load_chain_config(a->config);
    wl::dsp::apply_chain_overrides(o.dsp, a->overrides);
    o.threads = wl::app::global_options().threads;
    o.quiet = wl::app::global_options().quiet;
    print_summary(wl::fidelity::run_fidelity(o, a->out, a->force), a->out);
  });
}

}  // namespace

WL_REGISTER_COMMAND(fidelity, setup);
