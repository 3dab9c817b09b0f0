// evaluate_run: which events, their scores, the metrics of the run's task, and the report.
#include "wavelearn/train/evaluate.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>

#include "evaluate_card.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/data/dataset.hpp"
#include "wavelearn/data/pipeline.hpp"
#include "wavelearn/data/preprocess.hpp"
#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/truth.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/nn/heads.hpp"
#include "wavelearn/nn/model_io.hpp"
#include "wavelearn/report/history.hpp"
#include "wavelearn/report/run_report.hpp"
#include "wavelearn/report/tables.hpp"

namespace fs = std::filesystem;

namespace wl::train {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kAvseLabel = "psd_label_low_avse";  // the A/E cut's decisions

const fs::path& require_file(const fs::path& p, const std::string& what) {
  if (!fs::is_regular_file(p)) throw core::InputError(p.string() + ": no " + what);
  return p;
}

nlohmann::json read_json_or_empty(const fs::path& p) {
  if (!fs::exists(p)) return nlohmann::json::object();
  try {
    std::ifstream in(p);
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw core::InputError(p.string() + ": not valid JSON (" + e.what() + ")");
  }
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::exists(a) && fs::exists(b) && fs::equivalent(a, b, ec);
}

// Events of the evaluation: dataset, its rows, their scores (row-major).
struct Scored {
  std::shared_ptr<data::Dataset> ds;
  std::vector<std::size_t> rows;
  std::vector<double> scores;
  std::size_t n_scores = 0;

  double score(std::size_t i, std::size_t c) const { return scores[i * n_scores + c]; }
  float target(std::size_t i, std::size_t c) const { return ds->targets(rows[i])[c]; }
  std::vector<double> score_column(std::size_t c) const {
    std::vector<double> v(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) v[i] = score(i, c);
    return v;
  }
  std::vector<uint8_t> label_column(std::size_t c) const {
    std::vector<uint8_t> v(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) v[i] = target(i, c) > 0.5f ? 1 : 0;
    return v;
  }
  std::vector<double> target_column(std::size_t c) const {
    std::vector<double> v(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) v[i] = target(i, c);
    return v;
  }
  // A scalar field of the file at the evaluated events (empty when the file lacks it).
  std::vector<double> field(const std::string& name) const {
    auto& r = ds->reader();
    if (name.empty() || !r.has_field(name)) return {};
    const auto all = r.read_scalar(name);
    std::vector<double> v(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) v[i] = all[ds->file_event(rows[i])];
    return v;
  }
};

bool both_classes(const std::vector<uint8_t>& y) {
  return std::find(y.begin(), y.end(), 1) != y.end() && std::find(y.begin(), y.end(), 0) != y.end();
}

// The threshold t with the same fraction of DEP events scoring above t as the A/E cut keeps.
double threshold_matching_dep(const std::vector<double>& score, const std::vector<double>& energy_kev,
                              const std::vector<uint8_t>& ae_pass, double& dep_acceptance) {
  dep_acceptance = kNaN;
  const auto regions = eval::default_truth_regions();
  const auto dep = std::find_if(regions.begin(), regions.end(), [](const auto& r) { return r.name == "DEP"; });
  std::vector<double> s;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (energy_kev[i] >= dep->lo_kev && energy_kev[i] < dep->hi_kev) {
      s.push_back(score[i]);
      kept += ae_pass[i];
    }
  }
  if (s.size() < 10) return 0.5;  // too few DEP events to match an acceptance
  dep_acceptance = static_cast<double>(kept) / static_cast<double>(s.size());
  std::sort(s.begin(), s.end());
  // Events pass when score > t: t is the score below which the rejected fraction lies.
  const auto n_reject = static_cast<std::size_t>(std::llround((1.0 - dep_acceptance) * static_cast<double>(s.size())));
  if (n_reject == 0) return std::nextafter(s.front(), -std::numeric_limits<double>::infinity());
  return s[std::min(n_reject, s.size()) - 1];
}

std::string fmt(double v, const char* f = "%.4g") {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

}  // namespace

EvaluateSummary evaluate_run(const fs::path& run_dir, const std::string& data_file_in,
                             const EvaluateOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!fs::is_directory(run_dir)) throw core::InputError(run_dir.string() + ": no such run directory");
  const fs::path model_pt = require_file(run_dir / "model.pt", "model.pt (not a finished run directory)");
  const auto config = core::Config::load(require_file(run_dir / "config.toml", "config.toml in the run directory"));
  auto pre = std::make_shared<data::Preprocessor>(
      data::Preprocessor::load(require_file(run_dir / "preprocess.json", "preprocess.json in the run directory")));
  const auto plan = data::plan_training_data(config);
  const auto trainer_metrics = read_json_or_empty(run_dir / "metrics.json");
  at::set_num_threads(core::resolve_threads(o.threads));

  nlohmann::json meta;
  {
    const auto mf = nn::load_model(model_pt);
    if (mf.metadata_json.empty())
      throw core::InputError(model_pt.string() + ": carries no wavelearn metadata (task head)");
    meta = nlohmann::json::parse(mf.metadata_json);
  }
  const nn::Head head = nn::Head::from_json(meta.at("head").dump());
  const auto& hs = head.spec();

  const fs::path out = o.out.empty() ? run_dir : o.out;
  fs::create_directories(out);
  const bool into_run = fs::equivalent(out, run_dir);
  const fs::path eval_h5 = out / "evaluation.h5";
  // Refuse before any work: nothing half-written when a report already exists.
  for (const auto& f : {out / "report.html", out / "MODEL_CARD.md", eval_h5})
    core::refuse_overwrite(f, o.force);
  if (!into_run) core::refuse_overwrite(out / "metrics.json", o.force);

  // Events: the run's own split on its training file, else every selected event.
  const std::string data_file = data_file_in.empty() ? plan.dataset.path : data_file_in;
  const bool on_training_file = data_file == plan.dataset.path || same_file(data_file, plan.dataset.path);
  if (!fs::exists(data_file)) throw core::InputError(data_file + ": no such data file");
  auto dcfg = plan.dataset;
  dcfg.path = data_file;
  if (!on_training_file) dcfg.max_events = 0;
  Scored test, train;
  test.ds = std::make_shared<data::Dataset>(dcfg);
  if (std::abs(test.ds->sample_period_ns() - pre->state().sample_period_ns) > 1e-6 * pre->state().sample_period_ns)
    throw core::InputError(data_file + ": sampled every " + fmt(test.ds->sample_period_ns()) +
                           " ns, but the model was trained on " + fmt(pre->state().sample_period_ns) + " ns samples");
  auto split_of = [&](const data::Dataset& ds) {
    auto sc = plan.split;
    sc.stratify_target = data::stratify_index(ds, plan.stratify_by);
    return data::make_split(ds, sc, plan.seed);
  };
  std::string events = "all";
  std::vector<std::size_t> train_rows;
  if (on_training_file) {
    auto split = split_of(*test.ds);
    train.ds = test.ds;
    train_rows = std::move(split.train);
    if (!o.all_events) {
      events = split.test.empty() ? "validation" : "test";
      test.rows = split.test.empty() ? std::move(split.validation) : std::move(split.test);
    }
  } else if (fs::exists(plan.dataset.path) && o.max_train_events > 0) {
    train.ds = std::make_shared<data::Dataset>(plan.dataset);
    train_rows = split_of(*train.ds).train;
  }
  if (events == "all") {
    test.rows.resize(test.ds->size());
    for (std::size_t i = 0; i < test.rows.size(); ++i) test.rows[i] = i;
  }
  if (test.rows.empty()) throw core::InputError(data_file + ": no " + events + " events to evaluate");
  // The training rows are in seeded random order: a prefix is a random subset.
  if (train_rows.size() > o.max_train_events) train_rows.resize(o.max_train_events);
  std::sort(train_rows.begin(), train_rows.end());
  train.rows = std::move(train_rows);

  test.scores = score_rows(model_pt, test.ds, test.rows, pre, o.batch_size, test.n_scores);
  if (!train.rows.empty())
    train.scores = score_rows(model_pt, train.ds, train.rows, pre, o.batch_size, train.n_scores);
  const auto score_names = head.score_names();
  if (test.n_scores != score_names.size())
    throw core::InputError(model_pt.string() + ": " + std::to_string(test.n_scores) +
                           " scores per event, but its head names " + std::to_string(score_names.size()));

  // --- per-task results -------------------------------------------------------------
  report::RunReportInputs in;
  nlohmann::json extra;  // what the report does not compute itself
  EvaluateSummary sum;
  const auto& tnames = test.ds->target_names();
  const int seed = static_cast<int>(plan.seed);
  eval::BinaryEvalOptions bopt;
  bopt.bootstrap_replicas = o.bootstrap_replicas;
  bopt.seed = plan.seed;
  bopt.threads = core::resolve_threads(o.threads);

  // (target column, score column) of each binary label and each regression target.
  std::vector<std::pair<std::size_t, std::size_t>> binary_cols, regression_cols;
  const std::string& kind = hs.kind;
  if (kind == "multiclass") {
    // handled below
  } else if (kind == "regression") {
    regression_cols.push_back({0, 0});
  } else if (kind == "multitask") {
    for (std::size_t c = 0; c < tnames.size() && c < test.n_scores; ++c)
      (c < hs.is_regression.size() && hs.is_regression[c] ? regression_cols : binary_cols).push_back({c, c});
  } else {
    binary_cols.push_back({static_cast<std::size_t>(std::max(0, head.label_column())), 0});
  }

  std::vector<double> psd_score;  // the score the model cut uses (signal-like = high)
  std::string psd_label;
  nlohmann::json labels_json = nlohmann::json::object();
  for (std::size_t k = 0; k < binary_cols.size(); ++k) {
    const auto [tc, sc] = binary_cols[k];
    const std::string& name = tnames.at(tc);
    auto score = test.score_column(sc);
    auto y = test.label_column(tc);
    if (!both_classes(y)) {
      extra["skipped"].push_back(name + ": only one class among the evaluated events");
      continue;
    }
    if (psd_score.empty() || name == kAvseLabel) {
      psd_score = score;
      psd_label = name;
    }
    const auto ev = eval::evaluate_binary(score, y, bopt);
    nlohmann::json j;
    j["confusion_at_0.5"] = ev.confusion;
    if (!ev.working_points.empty()) {
      const auto cm90 = eval::confusion_matrix(score, y, ev.working_points.front().threshold);
      j["threshold_at_90pct_signal_efficiency"] = eval::finite_or_null(ev.working_points.front().threshold);
      j["confusion_at_90pct_signal_efficiency"] = cm90;
      in.card.unitary_results.push_back(report::confusion_table(cm90));
      in.card.unitary_results.back().caption =
          name + ": confusion at the 90 % signal-efficiency threshold " + fmt(ev.working_points.front().threshold);
    }
    report::ScoreSample train_sample;
    if (!train.rows.empty()) {
      train_sample = {train.score_column(sc), train.label_column(tc)};
      if (both_classes(train_sample.is_signal))
        j["overtraining"] = eval::overtraining_check(train_sample.score, train_sample.is_signal, score, y);
      else
        train_sample = {};
    }
    const bool primary = !in.binary.has_value();  // the report's binary section
    if (primary) {
      report::BinaryResults b;
      b.label_name = name;
      b.test = {score, y};
      b.train = train_sample;
      b.options = bopt;
      in.binary = std::move(b);
    } else {
      nlohmann::json full = ev;
      full.update(j);
      j = full;
      auto t = report::binary_summary_table(ev);
      t.caption = name + ": " + t.caption;
      in.card.unitary_results.push_back(t);
    }
    labels_json[name] = j;
    if (primary) {
      sum.key_numbers.push_back({"auc", ev.auc.auc});
      sum.key_numbers.push_back({"auc_95cl_lower", ev.auc.lower});
      sum.key_numbers.push_back({"auc_95cl_upper", ev.auc.upper});
      for (const auto& e : ev.efficiency_at_rejection)
        sum.key_numbers.push_back({"signal_eff_at_" + fmt(100 * e.background_rejection, "%g") + "pct_rejection",
                                   e.signal_efficiency});
      sum.key_numbers.push_back({"accuracy_at_0.5", ev.confusion.accuracy()});
      if (j.contains("overtraining")) {
        sum.key_numbers.push_back({"ks_p_signal", j["overtraining"]["signal"]["p_value"].get<double>()});
        sum.key_numbers.push_back({"ks_p_background", j["overtraining"]["background"]["p_value"].get<double>()});
      }
    }
  }
  if (!binary_cols.empty()) extra["labels"] = labels_json;

  std::vector<std::string> class_names;
  if (kind == "multiclass") {
    const auto nc = static_cast<int>(test.n_scores);
    for (int k = 0; k < nc; ++k) class_names.push_back("class " + std::to_string(k));
    std::vector<float> sc(test.scores.begin(), test.scores.end());
    report::MulticlassResults m;
    m.class_names = class_names;
    const std::size_t cls_col = tnames.size() - 1;
    for (std::size_t i = 0; i < test.rows.size(); ++i)
      m.true_class.push_back(static_cast<int>(std::lround(test.target(i, cls_col))));
    m.predicted_class = eval::argmax_rows(sc, nc);
    const auto auc = eval::one_vs_rest_auc(sc, nc, m.true_class);
    nlohmann::json a = nlohmann::json::array();
    for (double v : auc) a.push_back(eval::finite_or_null(v));
    extra["one_vs_rest_auc"] = a;
    const auto mc = eval::multiclass_confusion(m.true_class, m.predicted_class, nc);
    sum.key_numbers.push_back({"accuracy", mc.accuracy()});
    sum.key_numbers.push_back({"macro_f1", mc.macro_f1()});
    // Class 0 passes every cut: its probability is the single-site-like score.
    psd_score = test.score_column(0);
    psd_label = "class 0";
    in.multiclass = std::move(m);
  }

  for (std::size_t k = 0; k < regression_cols.size(); ++k) {
    const auto [tc, sc] = regression_cols[k];
    report::RegressionResults r;
    r.target_name = tnames.at(tc);
    r.is_energy_kev = r.target_name == "energy" || r.target_name == plan.dataset.open.fields.energy;
    r.unit = r.is_energy_kev ? "keV" : "";
    r.predicted = test.score_column(sc);
    r.truth = test.target_column(tc);
    if (k == 0) {
      const auto rm = eval::regression_metrics(r.predicted, r.truth);
      sum.key_numbers.push_back({"rmse", rm.rmse});
      sum.key_numbers.push_back({"mae", rm.mae});
      sum.key_numbers.push_back({"fwhm_" + r.unit, rm.resolution.fwhm_interpolated});
      in.regression = std::move(r);
    }
  }

  // --- cuts: model vs A/E, spectrum, truth ------------------------------------------
  const auto energy = test.field(plan.dataset.open.fields.energy);
  const auto ae = test.field(kAvseLabel);
  std::vector<uint8_t> ae_pass;
  for (double v : ae) ae_pass.push_back(v > 0.5 ? 1 : 0);
  std::string thresholds = "Confusion matrices at score > 0.5 and at the threshold keeping 90 % of the signal.";
  bool simulated = false;
  if (!psd_score.empty() && !energy.empty()) {
    double dep_acc = kNaN;
    const double t = ae_pass.empty() ? 0.5 : threshold_matching_dep(psd_score, energy, ae_pass, dep_acc);
    const std::string cut_name = "model (" + psd_label + " score > " + fmt(t) + ")";
    extra["model_cut"] = {{"score", psd_label}, {"threshold", t},
                          {"matched_avse_dep_acceptance", eval::finite_or_null(dep_acc)}};
    thresholds += " Model cut for the spectrum and truth tables: score > " + fmt(t) +
                  (std::isfinite(dep_acc) ? ", the threshold keeping the A/E cut's DEP acceptance (" +
                                                fmt(100 * dep_acc, "%.1f") + " %)."
                                          : " (default; no A/E labels or too few DEP events).");
    const auto pass = eval::pass_from_score(psd_score, t);
    in.spectrum = report::SpectrumResults{cut_name, energy, pass};
    auto ss = test.field("truth_is_single_site");
    if (ss.empty()) {
      ss = test.field("truth_n_sites");
      for (auto& v : ss) v = v == 1.0 ? 1.0 : 0.0;
    }
    if (!ss.empty()) {
      simulated = true;
      std::vector<uint8_t> ss8(ss.size());
      for (std::size_t i = 0; i < ss.size(); ++i) ss8[i] = ss[i] > 0.5 ? 1 : 0;
      const auto regions = eval::default_truth_regions();
      in.truth.push_back(eval::truth_evaluation(cut_name, pass, ss8, energy, regions));
      if (!ae_pass.empty())
        in.truth.push_back(eval::truth_evaluation("A/E cut (psd_label_low_avse)", ae_pass, ss8, energy, regions));
    }
  }

  // --- example waveforms from the data file -----------------------------------------
  {
    const auto& st = pre->state();
    const std::size_t len = st.window_length_samples;
    std::vector<std::pair<std::string, std::function<bool(std::size_t)>>> classes;
    if (kind == "multiclass") {
      const std::size_t cls_col = tnames.size() - 1;
      for (std::size_t k = 0; k < class_names.size(); ++k)
        classes.push_back({class_names[k], [&test, k, cls_col](std::size_t i) {
                             return std::lround(test.target(i, cls_col)) == static_cast<long>(k);
                           }});
    } else if (!binary_cols.empty()) {
      const auto tc = binary_cols.front().first;
      classes.push_back({tnames[tc] + " = 1", [&, tc](std::size_t i) { return test.target(i, tc) > 0.5f; }});
      classes.push_back({tnames[tc] + " = 0", [&, tc](std::size_t i) { return test.target(i, tc) <= 0.5f; }});
    } else {
      classes.push_back({"events", [](std::size_t) { return true; }});
    }
    std::vector<float> buf(len);
    for (const auto& [name, member] : classes) {
      std::size_t found = 0;
      for (std::size_t i = 0; i < test.rows.size() && found < o.waveforms_per_class; ++i) {
        if (!member(i)) continue;
        const auto row = test.rows[i];
        const std::size_t start = pre->window_start_for(test.ds->tp0(row));
        test.ds->reader().read_window(test.ds->file_event(row), 1, start, len, buf.data());
        in.waveforms.push_back({name, buf, test.ds->sample_period_ns()});
        ++found;
      }
    }
  }

  // --- report ------------------------------------------------------------------------
  if (fs::exists(run_dir / "history.csv")) in.history = report::read_history_csv(run_dir / "history.csv");
  const std::string model_type = meta.value("model_type", std::string("model"));
  in.title = "wavelearn run report: " + model_type + " (" + kind + ")";
  in.subtitle = run_dir.string();
  in.summary_lines.push_back("Model " + model_type + ", task " + kind + ", " +
                             (trainer_metrics.contains("parameters") ? trainer_metrics["parameters"].dump() : "?") +
                             " parameters, seed " + std::to_string(seed) + ".");
  in.summary_lines.push_back("Evaluated on " + std::to_string(test.rows.size()) + " " + events + " events of " +
                             data_file + "; " + std::to_string(train.rows.size()) +
                             " training events scored for the overtraining check.");
  in.summary_lines.push_back("Training data: " + plan.dataset.path + ".");
  const bool ae_spectrum = !ae_pass.empty() && !energy.empty();
  if (ae_spectrum)
    in.summary_lines.push_back("The energy spectrum before and after the A/E cut is in plots/spectrum_avse.png.");
  detail::CardContext cc;
  cc.run_dir = run_dir;
  cc.config = &config;
  cc.trainer_metrics = trainer_metrics;
  cc.model_meta = meta;
  cc.preprocess = &pre->state();
  cc.training_file = plan.dataset.path;
  cc.evaluation_file = data_file;
  cc.events = events;
  cc.n_events = test.rows.size();
  cc.n_train_scored = train.rows.size();
  cc.thresholds = thresholds;
  cc.simulated = simulated;
  auto card_tables = std::move(in.card.unitary_results);
  in.card = detail::make_model_card(cc);
  in.card.unitary_results = std::move(card_tables);

  auto rep = report::write_run_report(in, out, o.force);
  if (ae_spectrum) {
    const auto p = report::plot_energy_spectrum(energy, ae_pass, "A/E cut (psd_label_low_avse)",
                                                out / "plots" / "spectrum_avse", o.force);
    rep.files.insert(rep.files.end(), p.begin(), p.end());
  }

  // evaluation.h5: what the metrics were computed from, one row per evaluated event.
  {
    io::Table t;
    std::vector<double> ids, idx;
    for (const auto r : test.rows) {
      ids.push_back(static_cast<double>(test.ds->event_id(r)));
      idx.push_back(static_cast<double>(test.ds->file_event(r)));
    }
    t.add("id", std::move(ids));
    t.add("event_index", std::move(idx));
    for (std::size_t c = 0; c < test.n_scores; ++c) t.add(score_names[c], test.score_column(c));
    for (std::size_t c = 0; c < tnames.size(); ++c) t.add("true_" + tnames[c], test.target_column(c));
    if (!energy.empty() && !t.has("true_energy")) t.add("energy_kev", energy);
    t.attributes["run"] = run_dir.string();
    t.attributes["data"] = data_file;
    t.attributes["events"] = events;
    io::write_table_h5(eval_h5.string(), t, o.force);
    rep.files.push_back(eval_h5);
  }

  // A report without a binary section returns no metrics object; start from an empty one.
  nlohmann::json ej = rep.metrics.is_object() ? rep.metrics : nlohmann::json::object();
  if (extra.is_object()) ej.update(extra);
  ej["data_file"] = data_file;
  ej["events"] = events;
  ej["n_events"] = test.rows.size();
  ej["n_train_scored"] = train.rows.size();
  ej["predictions_file"] = "evaluation.h5";
  nlohmann::json merged = into_run ? trainer_metrics : nlohmann::json::object();
  if (!into_run && !trainer_metrics.empty()) merged["trainer"] = trainer_metrics;
  merged["evaluation"] = ej;
  core::write_text_atomically(out / "metrics.json", merged.dump(2) + "\n");
  rep.files.push_back(out / "metrics.json");

  sum.report_dir = out;
  sum.files = std::move(rep.files);
  sum.model_type = model_type;
  sum.task_kind = kind;
  sum.events = events;
  sum.n_events = test.rows.size();
  sum.n_train_scored = train.rows.size();
  sum.metrics = std::move(merged);
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

std::string format_evaluation(const EvaluateSummary& s) {
  std::string o = "evaluated " + s.model_type + " (task " + s.task_kind + ") on " +
                  std::to_string(s.n_events) + " " + s.events + " events (" +
                  std::to_string(s.n_train_scored) + " training events for the KS check) in " +
                  fmt(s.seconds, "%.1f") + " s\n";
  std::size_t width = 0;
  for (const auto& [k, v] : s.key_numbers) width = std::max(width, k.size());
  for (const auto& [k, v] : s.key_numbers) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-*s  %.4f\n", static_cast<int>(width), k.c_str(), v);
    o += line;
  }
  o += "report: " + (s.report_dir / "report.html").string() + "\n";
  o += "model card: " + (s.report_dir / "MODEL_CARD.md").string() + "\n";
  o += "metrics: " + (s.report_dir / "metrics.json").string() + " (plots in " +
       (s.report_dir / "plots").string() + ", per-event scores in evaluation.h5)\n";
  return o;
}

}  // namespace wl::train
