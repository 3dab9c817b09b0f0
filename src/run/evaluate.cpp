// evaluate_run: select -> score -> metrics -> report, the same steps for every family.
#include "wavelearn/run/evaluate.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/fingerprint.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/split.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/report/history.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/run/interval_coverage.hpp"
#include "wavelearn/run/page.hpp"
#include "wavelearn/run/predictions.hpp"
#include "wavelearn/run/scorer.hpp"
#include "wavelearn/run/select.hpp"
#include "wavelearn/run/tabular_policy.hpp"
#include "wavelearn/run/uncertainty.hpp"
#include "wavelearn/run/warnings.hpp"
#include "wavelearn/train/resume_guard.hpp"

namespace wl::run {

namespace fs = std::filesystem;

namespace {

// A file without any of the model's targets cannot say how good the model is.
void require_targets(const Scorer& scorer, const EventTable& t, const std::string& data_file) {
  std::string names;
  for (const auto& c : scorer.columns()) {
    if (c.target.empty()) return;  // a model without a task head: nothing to compare with
    if (t.target_values(c.target)) return;
    names += (names.empty() ? "" : ", ") + c.target;
  }
  throw core::InputError(data_file + ": none of the run's targets (" + names + ") is in the file");
}

ScoredRows score_rows(const Scorer& scorer, EventSource& src, std::vector<std::size_t> rows) {
  ScoredRows s;
  s.n_columns = scorer.columns().size();
  s.scores = scorer.score(src, rows);
  s.rows = std::move(rows);
  return s;
}

// The first events of each class of the primary label (or of all events), for the page.
std::vector<report::WaveformExample> example_waveforms(EventSource& src, const EvaluationResults& r,
                                                       const Selection& sel, std::size_t per_class) {
  std::vector<report::WaveformExample> out;
  if (per_class == 0) return out;
  for (int cls : {1, 0}) {
    std::size_t found = 0;
    for (std::size_t i = 0; i < sel.evaluate.size() && found < per_class; ++i) {
      if (!r.binary.empty() && r.binary.front().is_signal[i] != cls) continue;
      double period_ns = 0;
      auto wf = src.waveform(sel.evaluate[i], period_ns);
      if (wf.empty()) return out;
      const std::string name = r.binary.empty() ? "events" : r.binary.front().label + " = " + std::to_string(cls);
      out.push_back({name, std::move(wf), period_ns});
      ++found;
    }
    if (r.binary.empty()) break;
  }
  return out;
}

// history.csv and the name of its validation metric (the column val_<metric>).
void add_history(const RunDir& run, PageInputs& in) {
  if (run.has("history.csv")) in.history = report::read_history_csv(run.file("history.csv"), &in.history_metric);
}

std::vector<std::string> tabular_features(const RunRecord& r, const RunDir& run) {
  if (r.family != "tabular") return {};
  return read_tabular_policy(run).matrix.features;
}

// The run's validation events, where temperature and conformal quantiles are fitted: only
// when the test events of its own training file are evaluated.
std::vector<std::size_t> validation_rows(const EventTable& t, const RunRecord& r, const Selection& sel) {
  std::vector<std::size_t> rows;
  if (sel.events != "test" || !r.split.keyed) return rows;
  const auto parts = parts_of(t, r.split);
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (parts[i] == core::kValidationPart) rows.push_back(i);
  return rows;
}

PageInputs page_inputs(const Scorer& scorer, const RunDir& run, const EvaluationResults& res, const Selection& sel,
                       const std::vector<std::string>& warnings, const nlohmann::json& training,
                       const std::string& data_file) {
  PageInputs in;
  in.record = &scorer.record();
  in.results = &res;
  in.run_dir = run.path().string();
  in.description = scorer.description();
  in.data_file = data_file;
  in.warnings = warnings;
  in.notes = sel.notes;
  in.training = training;
  add_history(run, in);
  // A BDT's explanations stay in its run directory; the page links there from any --out.
  in.has_shap = run.has("shap.html");
  return in;
}

// The spread of an ensemble's members or of MC-dropout passes on the evaluated events:
// metrics.json "ensemble" / "mc_dropout" (with "members" / "samples").
nlohmann::json spread_json(const std::vector<ScoreColumn>& columns, const ScoredRows& evaluated) {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].kind != "spread") continue;
    const auto v = evaluated.column(c);
    double sum = 0.0;
    for (const double x : v) sum += x;
    j["score_std_column"] = columns[c].name;
    j["mean_score_std"] = v.empty() ? 0.0 : sum / static_cast<double>(v.size());
    break;
  }
  return j;
}

// Events of the shifted detector's file (as many as were evaluated, at least 1000 when it
// has them), evenly spaced over the file: simulated files come in blocks of detectors and
// runs, so its first events would stand for only a few detectors.
std::vector<std::size_t> shifted_rows(const EventSource& src, std::size_t n_evaluated, const std::string& file) {
  const std::size_t total = src.events().size();
  const std::size_t n = std::min(total, std::max<std::size_t>(n_evaluated, 1000));
  if (n == 0) throw core::InputError(file + ": no selected events for the out-of-distribution check");
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i * total / n;
  return rows;
}

void add_ood_check(const Scorer& scorer, EventSource& shifted, const std::string& shifted_file,
                   const ScoredRows& evaluated, Uncertainty& u) {
  const auto rows = shifted_rows(shifted, evaluated.rows.size(), shifted_file);
  u.ood = ood_scores(scorer.columns(), evaluated, score_rows(scorer, shifted, rows));
  u.ood_file = shifted_file;
  u.json["ood"] = ood_json(u.ood, shifted_file, evaluated.rows.size(), rows.size());
}

void add_key_numbers(const EvaluationResults& r, EvaluateSummary& s) {
  if (!r.binary.empty()) {
    const auto& p = r.binary.front().psd;
    s.key_numbers.push_back({"auc", p.auc.auc});
    s.key_numbers.push_back({"auc_95cl_lower", p.auc.lower});
    s.key_numbers.push_back({"auc_95cl_upper", p.auc.upper});
    s.key_numbers.push_back({"pr_auc", p.pr_auc});
    s.key_numbers.push_back({"working_point_threshold", p.wp.threshold});
    for (const auto& reg : p.survival) s.key_numbers.push_back({"survival_" + reg.region.name, reg.survival.value});
  }
  if (r.regression) {
    s.key_numbers.push_back({"rmse", r.regression->metrics.rmse});
    s.key_numbers.push_back({"fwhm_" + r.regression->unit, r.regression->metrics.resolution.fwhm_interpolated});
  }
  if (r.multiclass) {
    const auto mc = eval::multiclass_confusion(r.multiclass->true_class, r.multiclass->predicted_class,
                                               static_cast<int>(r.multiclass->class_names.size()));
    s.key_numbers.push_back({"accuracy", mc.accuracy()});
  }
}

// metrics.json: the trainer's figures (kept), the evaluated part's contract under the name
// of that part ("test", "validation", "all"), and the whole evaluation block.
nlohmann::json merged_metrics(nlohmann::json m, bool into_run, const EvaluationResults& r,
                              const std::vector<std::string>& warnings, const std::string& data_file) {
  if (!into_run) m = nlohmann::json{{"trainer", m.value("training", nlohmann::json::object())}};
  for (const char* part : {"test", "validation", "all", "all_with_training"}) m.erase(part);  // an older evaluation's
  auto ev = to_json(r);
  ev["data_file"] = data_file;
  ev["warnings"] = warnings;
  if (!r.binary.empty()) m[r.events] = ev["labels"][r.binary.front().label];
  else if (r.regression) m[r.events] = ev["regression"];
  else if (r.multiclass) m[r.events] = ev["multiclass"];
  m["evaluation"] = ev;
  return m;
}

}  // namespace

EvaluateSummary evaluate_run(const fs::path& run_dir, const std::string& data_file_in, const EvaluateOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto run = RunDir::open_existing(run_dir);
  const bool into_run = o.out.empty() || (fs::exists(o.out) && fs::equivalent(o.out, run_dir));
  core::refuse_overwrite((into_run ? run_dir : o.out) / "report.html", o.force);  // before any work
  if (!(o.alpha > 0.0 && o.alpha < 1.0))
    throw core::InputError("evaluate --alpha " + std::to_string(o.alpha) + ": must be inside (0, 1) (0.1: 90 % sets)");
  if (!o.shifted.empty() && !fs::is_regular_file(o.shifted))
    throw core::InputError(o.shifted + ": no such data file (--shifted)");
  const auto scorer = load_scorer(run_dir, {o.batch_size, o.threads, {}, o.mc_samples, 42, o.device});
  const auto& rec = scorer->record();
  const std::string data_file = data_file_in.empty() ? rec.training_file : data_file_in;
  const bool on_training_file = data_file == rec.training_file || same_file(data_file, rec.training_file);
  // The held-out events are rebuilt from ids: on a file rewritten since training, some of
  // them may have been trained on.
  if (on_training_file) {
    const auto recorded = train::recorded_fingerprint(run_dir);
    const auto now = recorded.empty() ? std::string() : core::file_fingerprint(data_file);
    if (now != recorded)
      throw core::InputError(data_file + ": changed since " + run_dir.string() + " trained on it (" + now +
                             ", trained on " + recorded +
                             "); its held-out test events cannot be trusted");
  }
  auto src = scorer->open(data_file, {});
  require_targets(*scorer, src->events(), data_file);
  // Opened before any scoring: a file the model cannot read fails in seconds, not after it.
  const auto shifted = o.shifted.empty() ? nullptr : scorer->open(o.shifted, {});
  // Claimed only now: a missing model or data file leaves no empty directory behind.
  const auto out = RunDir::claim_for_output(into_run ? run_dir : o.out, "report.html", o.force);
  const auto sel = select_events(src->events(), rec, on_training_file, o.all_events, o.max_train_events);
  if (sel.evaluate.empty()) throw core::InputError(data_file + ": no " + sel.events + " events to evaluate");

  const auto evaluated = score_rows(*scorer, *src, sel.evaluate);
  const auto train = score_rows(*scorer, *src, sel.train);
  const auto res = compute_metrics(scorer->columns(), src->events(), sel, evaluated, train,
                                   {o.bootstrap_replicas, rec.split.seed, core::resolve_threads(o.threads)});
  // The run's metrics.json, read once: its training block feeds the warnings and is kept.
  const nlohmann::json run_metrics = run.has("metrics.json") ? run.read_json("metrics.json") : nlohmann::json::object();
  const nlohmann::json training = run_metrics.value("training", nlohmann::json::object());
  const auto warnings = collect_warnings(rec, training, tabular_features(rec, run), res);
  for (const auto& w : warnings) std::fprintf(stderr, "warning: %s: %s\n", run_dir.string().c_str(), w.c_str());

  write_predictions(out, src->events(), scorer->columns(), evaluated, sel.events);
  auto unc = uncertainty_of(scorer->columns(), src->events(),
                            score_rows(*scorer, *src, validation_rows(src->events(), rec, sel)), evaluated, o.alpha);
  if (rec.ensemble_members > 0) unc.json["ensemble"] = spread_json(scorer->columns(), evaluated);
  if (rec.ensemble_members > 0) unc.json["ensemble"]["members"] = rec.ensemble_members;
  if (o.mc_samples > 0) unc.json["mc_dropout"] = spread_json(scorer->columns(), evaluated);
  if (o.mc_samples > 0) unc.json["mc_dropout"]["samples"] = o.mc_samples;
  if (shifted) add_ood_check(*scorer, *shifted, o.shifted, evaluated, unc);
  unc.json.update(head_interval_coverage(scorer->columns(), src->events(), evaluated));  // quantile, gaussian heads
  auto in = page_inputs(*scorer, run, res, sel, warnings, training, data_file);
  in.uncertainty = &unc;
  in.waveforms = example_waveforms(*src, res, sel, o.waveforms_per_class);
  in.shap_prefix = into_run ? "" : fs::relative(run.path(), out.path()).generic_string() + "/";
  write_page(out, in);
  write_card(out, in);
  EvaluateSummary s;
  s.metrics = merged_metrics(run_metrics, into_run, res, warnings, data_file);
  for (const auto& [key, value] : unc.json.items()) s.metrics[key] = value;
  out.write_json("metrics.json", s.metrics);
  s.report_dir = out.path();
  s.model_type = rec.model_type;
  s.task = rec.task;
  s.events = sel.events;
  s.n_events = res.n_events;
  s.n_train_scored = res.n_train;
  s.warnings = warnings;
  add_key_numbers(res, s);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

std::string format_evaluation(const EvaluateSummary& s) {
  std::string o = "evaluated " + s.model_type + " (task " + s.task + ") on " + std::to_string(s.n_events) + " " +
                  s.events + " events (" + std::to_string(s.n_train_scored) + " training events for the KS check) in " +
                  report::format_number(s.seconds, 3) + " s\n";
  std::size_t width = 0;
  for (const auto& [k, v] : s.key_numbers) width = std::max(width, k.size());
  for (const auto& [k, v] : s.key_numbers) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-*s  %.4f\n", static_cast<int>(width), k.c_str(), v);
    o += line;
  }
  const auto d = s.report_dir.string();
  o += "report: " + d + "/report.html\nmodel card: " + d + "/MODEL_CARD.md\nmetrics: " + d +
       "/metrics.json (plots in " + d + "/plots, per-event scores in predictions.h5)\n";
  return o;
}

}  // namespace wl::run
