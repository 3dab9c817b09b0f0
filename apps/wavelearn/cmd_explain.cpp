// `wavelearn explain`: attributions of a network (saliency, gradient x input, integrated
// gradients, occlusion, attention rollout) or feature importances of a tabular model, for
// any run, on its held-out test events by default.
#include <cstdio>
#include <string>

#include "command.hpp"
#include "wavelearn/explain/explain.hpp"

namespace {

void print_summary(const wl::explain::ExplainSummary& s) {
  std::printf("explained %s (%s model) on %zu events with:", s.target.c_str(), s.family.c_str(), s.n_events);
  for (const auto& m : s.methods) std::printf(" %s", m.c_str());
  std::printf("\n");
  for (const auto& [m, rate] : s.events_per_s) std::printf("  %-22s %.0f events/s\n", m.c_str(), rate);
  if (s.completeness_max_rel_error >= 0)
    std::printf("  integrated gradients: completeness error at most %.3g %%\n", 100.0 * s.completeness_max_rel_error);
  std::printf("page: %s\n", s.html.string().c_str());
}

void setup(CLI::App& parent) {
  auto o = std::make_shared<wl::explain::ExplainOptions>();
  auto run = std::make_shared<std::string>(), out = std::make_shared<std::string>();
  auto* cmd = parent.add_subcommand("explain", "why a trained model decides: attributions per waveform sample "
                                               "(networks) or feature importances (tabular models)");
  cmd->add_option("-m,--model", *run, "run directory (from wavelearn train)")->required()->check(wl::app::path_given());
  cmd->add_option("--data", o->data, "waveform file(s: a glob, a comma list or --data repeated) or feature table "
                  "(default: the run's training file)")->check(wl::app::path_given())->join(',');
  cmd->add_option("-o,--out", *out, "output directory (attributions.h5, explain.json, explain.html)")->required()->check(wl::app::path_given());
  cmd->add_option("--methods", o->methods,
                  "networks: saliency, gradient_x_input, integrated_gradients, occlusion, attention_rollout; tabular: "
                  "permutation, tree_shap (default: all that apply)")
      ->delimiter(',');
  cmd->add_option("--events", o->events, "test (held-out events on the training file) or all");
  cmd->add_option("--max-events", o->max_events, "events explained, evenly spaced over the selection")
      ->check(wl::app::count_range(1, 1000000));
  cmd->add_option("--target", o->target, "score column to explain (default: the first)");
  cmd->add_option("--ig-steps", o->ig_steps, "integrated gradients: quadrature steps")->check(wl::app::count_range(1, 1024));
  cmd->add_option("--baseline", o->baseline, "integrated gradients and occlusion: mean (the mean window, default) or zero");
  cmd->add_option("--occlusion-window-ns", o->occlusion_window_ns, "occlusion: window width in ns")
      ->check(wl::app::positive_finite());
  cmd->add_option("--occlusion-stride-ns", o->occlusion_stride_ns, "occlusion: step in ns (default: half the window)")
      ->check(wl::app::positive_finite());
  cmd->add_option("--repeats", o->permutation_repeats, "permutation importance: shuffles per feature")
      ->check(wl::app::count_range(1, 100));
  cmd->add_option("--batch-size", o->batch_size, "events per batch")->check(wl::app::batch_size_range());
  cmd->add_flag("--force", o->force, "replace an existing explanation");
  wl::app::add_device_option(cmd, o->device);
  cmd->callback([o, run, out] {
    o->run = *run;
    o->out = *out;
    o->quiet = wl::app::global_options().quiet;
    o->threads = wl::app::global_options().threads;
    print_summary(wl::explain::run_explain(*o));
  });
}

}  // namespace

WL_REGISTER_COMMAND(explain, setup);
