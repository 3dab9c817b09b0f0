// leaderboard.json: the per-label comparisons condensed into cells (model x label).
#include "leaderboard.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/interval.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/run/compare.hpp"

namespace wl::study::detail {

namespace fs = std::filesystem;
using eval::finite_or_null;

namespace {

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? std::nan("") : s / static_cast<double>(v.size());
}

// Sample standard deviation over seeds; NaN for one seed.
double spread(const std::vector<double>& v) {
  if (v.size() < 2) return std::nan("");
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

nlohmann::json numbers(const std::vector<double>& v) {
  auto j = nlohmann::json::array();
  for (double x : v) j.push_back(finite_or_null(x));
  return j;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream f(p);
  if (!f) throw core::InputError("study: cannot read " + p.string());
  try {
    return nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception&) {
    throw core::InputError("study: " + p.string() + ": not JSON");
  }
}

// The true single-site efficiency of every common event at the entry's working point.
eval::Proportion sse_at(const eval::PsdInputs& common, const std::vector<double>& score, double threshold) {
  if (common.truth_single_site.empty()) return {};
  std::size_t k = 0, n = 0;
  for (std::size_t i = 0; i < score.size(); ++i)
    if (common.truth_single_site[i]) ++n, k += score[i] > threshold;
  return eval::clopper_pearson(k, n);
}

eval::Proportion cut_sse(const eval::PsdInputs& common, const std::vector<uint8_t>& pass) {
  if (common.truth_single_site.empty() || pass.empty()) return {};
  std::size_t k = 0, n = 0;
  for (std::size_t i = 0; i < pass.size(); ++i)
    if (common.truth_single_site[i]) ++n, k += pass[i] != 0;
  return eval::clopper_pearson(k, n);
}

nlohmann::json proportion_json(const eval::Proportion& p) {
  return {{"value", finite_or_null(p.value)}, {"ci95", {finite_or_null(p.lo), finite_or_null(p.hi)}}, {"k", p.k}, {"n", p.n}};
}

// Per-seed figures of one model on one label, gathered before averaging.
struct SeedFigures {
  std::vector<std::string> runs, warnings;
  std::vector<double> auc, lo, hi, sse, sse_lo, sse_hi, train_s, own_auc;
  std::size_t n_sse = 0;
  bool matched = true, shared = false;
};

void add_seed(SeedFigures& f, const run::CompareEntry& e, const eval::Proportion& sse, const fs::path& dir,
              const std::string& label) {
  f.runs.push_back(dir.filename().string());
  f.auc.push_back(e.psd.auc.auc), f.lo.push_back(e.psd.auc.lower), f.hi.push_back(e.psd.auc.upper);
  f.sse.push_back(sse.value), f.sse_lo.push_back(sse.lo), f.sse_hi.push_back(sse.hi);
  f.n_sse = sse.n;
  f.matched = f.matched && e.psd.wp.matched;
  const auto m = read_json(dir / "metrics.json");
  f.train_s.push_back(m.value("training", nlohmann::json::object()).value("train_seconds", std::nan("")));
  const auto ev = m.value("evaluation", nlohmann::json::object());
  const auto own = ev.value("labels", nlohmann::json::object()).value(label, nlohmann::json::object());
  f.own_auc.push_back(own.contains("auc") && own["auc"].is_number() ? own["auc"].get<double>() : std::nan(""));
  for (const auto& w : ev.value("warnings", std::vector<std::string>{}))
    if (w.find("label's own cut") != std::string::npos && std::find(f.warnings.begin(), f.warnings.end(), w) == f.warnings.end())
      f.warnings.push_back(w);
}

nlohmann::json cell_json(const SeedFigures& f) {
  return {{"runs", f.runs},
          {"auc", finite_or_null(mean(f.auc))},
          {"auc_ci95", {finite_or_null(mean(f.lo)), finite_or_null(mean(f.hi))}},
          {"auc_seeds", numbers(f.auc)},
          {"auc_seed_std", finite_or_null(spread(f.auc))},
          {"run_test_auc", numbers(f.own_auc)},
          {"sse_efficiency", finite_or_null(mean(f.sse))},
          {"sse_efficiency_ci95", {finite_or_null(mean(f.sse_lo)), finite_or_null(mean(f.sse_hi))}},
          {"sse_seeds", numbers(f.sse)},
          {"n_sse", f.n_sse},
          {"working_point_matched", f.matched},
          {"train_seconds", finite_or_null(mean(f.train_s))},
          {"shared_run", f.shared},
          {"circular_inputs", f.warnings}};
}

// One label: the comparison of its runs, and a cell per model.
nlohmann::json label_column(const Plan& plan, const Inputs& in, const std::string& label, int threads,
                            nlohmann::json& cells) {
  run::CompareOptions o;
  std::vector<const RunSpec*> runs;
  for (const auto& r : plan.runs)
    if (r.label == label || (r.label.empty() && plan.models[r.model].multitask)) {
      runs.push_back(&r);
      o.runs.push_back(run_dir(in.out, r).string());
    }
  o.out_dir = (in.out / "compare" / short_label(label)).string();
  o.force = true;  // the study directory was claimed once
  o.label = label;
  o.bootstrap_replicas = plan.bootstrap_replicas;
  o.threads = threads;
  const auto res = run::compare_runs(o);
  std::vector<SeedFigures> per_model(plan.models.size());
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const auto& e = res.entries[k];
    auto& f = per_model[runs[k]->model];
    f.shared = runs[k]->label.empty();
    add_seed(f, e, sse_at(res.common, res.scores[k], e.psd.wp.threshold), o.runs[k], label);
  }
  for (std::size_t m = 0; m < plan.models.size(); ++m)
    if (!per_model[m].runs.empty()) cells[plan.models[m].name][label] = cell_json(per_model[m]);
  const std::vector<uint8_t>& ae = res.common.ae_pass;
  return {{"label", label},
          {"n_common", res.n_common},
          {"n_signal", res.n_signal},
          {"n_background", res.n_background},
          {"compare", "compare/" + short_label(label) + "/compare.html"},
          {"ae_cut_sse", proportion_json(cut_sse(res.common, ae))},
          {"label_cut_sse", proportion_json(cut_sse(res.common, res.common.is_signal))}};
}

nlohmann::json models_json(const Plan& plan, const nlohmann::json& cells) {
  auto models = nlohmann::json::array();
  for (const auto& m : plan.models) {
    double per_seed = 0;  // one training per label (or one for all), averaged over seeds
    const auto row = cells.value(m.name, nlohmann::json::object());
    for (const auto& item : row.items()) {
      const auto& cell = item.value();
      if (cell["train_seconds"].is_number()) per_seed += cell["train_seconds"].get<double>();
      if (m.multitask) break;  // the same run in every column
    }
    models.push_back({{"name", m.name},
                      {"family", m.tabular ? "tabular" : "neural"},
                      {"base_config", m.base_config.string()},
                      {"inputs", m.without_label_inputs ? "without_label" : "all"},
                      {"multitask", m.multitask},
                      {"train_seconds_per_seed", per_seed}});
  }
  return models;
}

}  // namespace

nlohmann::json build_leaderboard(const Plan& plan, const Inputs& in, const BoardSettings& s) {
  nlohmann::json cells = nlohmann::json::object(), columns = nlohmann::json::array();
  for (const auto& label : plan.labels) columns.push_back(label_column(plan, in, label, s.threads, cells));
  nlohmann::json exclude = nlohmann::json::object();
  for (const auto& [label, inputs] : plan.exclude) exclude[label] = inputs;
  return {{"format", "wavelearn-study-leaderboard"},
          {"version", 1},
          {"data", in.data},
          {"features", in.features},
          {"labels", plan.labels},
          {"seeds", plan.seeds},
          {"bootstrap_replicas", plan.bootstrap_replicas},
          {"exclude", exclude},
          {"models", models_json(plan, cells)},
          {"columns", columns},
          {"cells", cells},
          {"seconds", {{"dsp", s.dsp_seconds}, {"training_this_call", s.train_seconds}}}};
}

}  // namespace wl::study::detail
