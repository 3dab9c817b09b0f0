// `wavelearn explain`: open the run through its Scorer, choose the events, dispatch to the
// family's methods, write attributions.h5, explain.json and explain.html.
#include "wavelearn/explain/explain.hpp"

#include <algorithm>

#include "neural.hpp"
#include "outputs.hpp"
#include "tabular.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/scorer.hpp"
#include "wavelearn/run/select.hpp"

namespace wl::explain {

namespace fs = std::filesystem;
using core::InputError;

const std::vector<std::string>& neural_methods() {
  static const std::vector<std::string> m = {"saliency", "gradient_x_input", "integrated_gradients", "occlusion",
                                             "attention_rollout"};
  return m;
}

const std::vector<std::string>& tabular_methods() {
  static const std::vector<std::string> m = {"permutation", "tree_shap"};
  return m;
}

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The requested methods, checked against the family's; by default all that apply.
std::vector<std::string> choose_methods(const ExplainOptions& o, const run::RunRecord& rec) {
  const bool neural = rec.family == "neural";
  const auto& known = neural ? neural_methods() : tabular_methods();
  if (o.methods.empty()) {
    std::vector<std::string> m;
    for (const auto& k : known) {
      if (k == "attention_rollout" && rec.model_type != "transformer") continue;
      if (k == "tree_shap" && rec.model_type != "bdt") continue;
      m.push_back(k);
    }
    return m;
  }
  for (const auto& m : o.methods)
    if (std::find(known.begin(), known.end(), m) == known.end())
      throw InputError("explain --methods: unknown method '" + m + "' for a " + rec.family + " model (" +
                       joined(known) + ")");
  return o.methods;
}

void check_options(const ExplainOptions& o) {
  if (o.ig_steps < 1 || o.ig_steps > 1024) throw InputError("explain --ig-steps: must be from 1 to 1024");
  if (o.baseline != "zero" && o.baseline != "mean")
    throw InputError("explain --baseline: '" + o.baseline + "' (zero or mean)");
  if (!(o.occlusion_window_ns > 0)) throw InputError("explain --occlusion-window-ns: must be > 0");
  if (!(o.occlusion_stride_ns >= 0)) throw InputError("explain --occlusion-stride-ns: must be >= 0");
  if (o.events != "test" && o.events != "all") throw InputError("explain --events: '" + o.events + "' (test or all)");
  if (o.max_events < 1) throw InputError("explain --max-events: must be >= 1");
  if (o.permutation_repeats < 1 || o.permutation_repeats > 100)
    throw InputError("explain --repeats: must be from 1 to 100");
}

std::size_t choose_column(const run::Scorer& scorer, const std::string& target) {
  const auto cols = scorer.columns();
  if (target.empty()) return 0;
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (cols[c].name == target || cols[c].target == target) return c;
  std::string names;
  for (const auto& c : cols) names += (names.empty() ? "" : ", ") + c.name;
  throw InputError("explain --target: the model has no score '" + target + "' (" + names + ")");
}

// At most max_events, evenly spaced, so that every energy and detector is represented.
std::vector<std::size_t> thin(const std::vector<std::size_t>& rows, std::size_t max_events) {
  if (rows.size() <= max_events) return rows;
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < max_events; ++i) out.push_back(rows[i * rows.size() / max_events]);
  return out;
}

}  // namespace

ExplainSummary run_explain(const ExplainOptions& o) {
  check_options(o);
  const auto scorer = run::load_scorer(o.run, {o.batch_size, o.threads, {}, 0, 42, o.device});
  const auto& rec = scorer->record();
  const auto methods = choose_methods(o, rec);
  const std::size_t column = choose_column(*scorer, o.target);
  const std::string data = o.data.empty() ? rec.training_file : o.data;
  core::refuse_overwrite(o.out / "explain.html", o.force);
  auto source = scorer->open(data, {});
  const bool on_training_file = data == rec.training_file || run::same_file(data, rec.training_file);
  const auto sel = run::select_events(source->events(), rec, on_training_file, o.events == "all", 0);
  const auto rows = thin(sel.evaluate, o.max_events);
  if (rows.empty()) throw InputError(data + ": no " + sel.events + " events to explain");
  detail::ExplainContext ctx{*scorer, *source, rows, column, methods, sel.events, data, o};
  // The output directory is claimed once the work is done: a refusal leaves nothing behind.
  if (rec.family == "neural") {
    const auto a = detail::explain_network(*scorer, *source, rows, column, methods, o);
    return detail::write_network_outputs(run::RunDir::claim_for_output(o.out, "explain.html", o.force), ctx, a);
  }
  const auto imp = detail::explain_tabular(ctx);
  return detail::write_tabular_outputs(run::RunDir::claim_for_output(o.out, "explain.html", o.force), ctx, imp);
}

}  // namespace wl::explain
