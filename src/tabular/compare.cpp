// `wavelearn compare`: runs evaluated side by side on their common events.
#include "wavelearn/tabular/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/plots.hpp"
#include "wavelearn/report/tables.hpp"

namespace wl::tabular {

using core::InputError;
namespace fs = std::filesystem;

namespace {

struct Scored {
  std::string name;
  std::unordered_map<long long, std::size_t> row_of_id;
  std::vector<double> score, label;
};

long long key_of(double id) { return std::llround(id); }

Scored read_run(const std::string& run) {
  const fs::path p = fs::path(run) / "predictions.h5";
  if (!fs::exists(p)) throw InputError(p.string() + ": no predictions.h5 (not a run directory?)");
  const io::Table t = io::read_table_h5(p.string(), {"id", "score", "label"});
  Scored s;
  s.name = fs::path(run).lexically_normal().filename().string();
  if (s.name.empty()) s.name = fs::path(run).lexically_normal().parent_path().filename().string();
  s.score = t.column("score");
  s.label = t.column("label");
  const auto& id = t.column("id");
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (!s.row_of_id.emplace(key_of(id[i]), i).second) {
      throw InputError(p.string() + ": event id " + std::to_string(key_of(id[i])) + " appears twice");
    }
  }
  return s;
}

std::string fmt(double v, int sig = 4) { return report::format_number(v, sig); }

}  // namespace

CompareResult compare_runs(const CompareOptions& o) {
  if (o.runs.empty()) throw InputError("compare: give at least one run directory");
  const fs::path out(o.out_dir);
  if (fs::exists(out / "compare.json") && !o.force) {
    throw InputError("compare: '" + (out / "compare.json").string() + "' exists (use --force to replace)");
  }
  std::vector<Scored> runs;
  for (const auto& r : o.runs) runs.push_back(read_run(r));
  for (std::size_t a = 0; a < runs.size(); ++a) {
    for (std::size_t b = 0; b < a; ++b) {
      if (runs[a].name == runs[b].name) runs[a].name += " (" + std::to_string(a + 1) + ")";
    }
  }

  // Common events: ids present in every run, in the order of the first run.
  std::vector<long long> ids;
  const auto& first = runs.front();
  std::vector<std::pair<std::size_t, long long>> by_row;
  for (const auto& [id, row] : first.row_of_id) by_row.emplace_back(row, id);
  std::sort(by_row.begin(), by_row.end());
  for (const auto& [row, id] : by_row) {
    bool everywhere = true;
    for (std::size_t r = 1; r < runs.size() && everywhere; ++r) everywhere = runs[r].row_of_id.count(id) > 0;
    if (everywhere) ids.push_back(id);
  }
  if (ids.empty()) throw InputError("compare: the runs share no event ids (were they evaluated on the same data?)");

  std::vector<uint8_t> is_signal(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const double y = first.label[first.row_of_id.at(ids[i])];
    is_signal[i] = y == 1.0;
    for (std::size_t r = 1; r < runs.size(); ++r) {
      if (runs[r].label[runs[r].row_of_id.at(ids[i])] != y) {
        throw InputError("compare: runs '" + first.name + "' and '" + runs[r].name + "' disagree on the label of event " +
                         std::to_string(ids[i]) + " (different targets?)");
      }
    }
  }

  std::vector<std::pair<std::string, std::vector<double>>> models;
  for (const auto& r : runs) {
    std::vector<double> s(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) s[i] = r.score[r.row_of_id.at(ids[i])];
    models.emplace_back(r.name, std::move(s));
  }

  // The traditional cut as a model: larger A/E = more single-site-like.
  std::unordered_map<long long, std::size_t> feature_row;
  io::Table features;
  if (!o.features_path.empty()) {
    const auto probe = io::read_table_h5(o.features_path);
    const char* col = probe.has("avse_classifier") ? "avse_classifier" : (probe.has("avse_raw") ? "avse_raw" : nullptr);
    if (!col) throw InputError(o.features_path + ": no avse_classifier or avse_raw column for the A/E comparison");
    if (!probe.has("id")) throw InputError(o.features_path + ": no id column to match events");
    const auto& fid = probe.column("id");
    const auto& a = probe.column(col);
    for (std::size_t i = 0; i < fid.size(); ++i) feature_row.emplace(key_of(fid[i]), i);
    std::vector<double> s(ids.size());
    std::size_t missing = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto it = feature_row.find(ids[i]);
      const double v = it == feature_row.end() ? std::nan("") : a[it->second];
      missing += !std::isfinite(v);
      // An event without a value fails the cut: the lowest score.
      s[i] = std::isfinite(v) ? v : -std::numeric_limits<double>::max();
    }
    if (missing == ids.size()) throw InputError(o.features_path + ": no " + col + " value for any common event");
    models.emplace_back(std::string("A/E (") + col + ")", std::move(s));
  }

  // Truth from a simulated file: truth_is_single_site and the energy per event id.
  std::vector<uint8_t> truth_ss;
  std::vector<double> truth_e;
  if (!o.truth_path.empty()) {
    const auto probe = io::read_table_h5(o.truth_path, {"id", "truth_is_single_site"});
    const auto& tid = probe.column("id");
    std::vector<double> energy;
    for (const char* e : {"energy_label", "truth_energy_kev"}) {
      try {
        energy = io::read_table_h5(o.truth_path, {e}).column(e);
        break;
      } catch (const InputError&) {
      }
    }
    if (energy.size() != tid.size()) throw InputError(o.truth_path + ": no energy_label or truth_energy_kev column");
    std::unordered_map<long long, std::size_t> row;
    for (std::size_t i = 0; i < tid.size(); ++i) row.emplace(key_of(tid[i]), i);
    const auto& ss = probe.column("truth_is_single_site");
    for (long long id : ids) {
      const auto it = row.find(id);
      if (it == row.end()) throw InputError(o.truth_path + ": event id " + std::to_string(id) + " not in the file");
      truth_ss.push_back(ss[it->second] != 0.0);
      truth_e.push_back(energy[it->second]);
    }
  }

  CompareResult res;
  res.n_common = ids.size();
  for (uint8_t y : is_signal) res.n_signal += y;
  res.n_background = res.n_common - res.n_signal;
  if (res.n_signal == 0 || res.n_background == 0) throw InputError("compare: the common events hold only one class");
  eval::BinaryEvalOptions eo;
  eo.bootstrap_replicas = o.bootstrap_replicas;
  eo.seed = o.seed;
  eo.threads = core::resolve_threads(o.threads);
  const auto regions = eval::default_truth_regions();
  for (auto& [name, score] : models) {
    CompareEntry e;
    e.name = name;
    e.evaluation = eval::evaluate_binary(score, is_signal, eo);
    e.threshold_90 = eval::threshold_for_efficiency(score, is_signal, 0.9).threshold;
    if (!truth_ss.empty()) {
      std::vector<uint8_t> pass(score.size());
      for (std::size_t i = 0; i < score.size(); ++i) pass[i] = score[i] >= e.threshold_90;
      e.truth = eval::truth_evaluation(name + " (90 % signal kept)", pass, truth_ss, truth_e, regions);
    }
    res.entries.push_back(std::move(e));
  }

  // The table the CLI prints.
  char line[512];
  std::string text;
  std::snprintf(line, sizeof line, "%zu common events (%zu signal, %zu background)\n", res.n_common, res.n_signal,
                res.n_background);
  text += line;
  std::snprintf(line, sizeof line, "%-28s %8s %19s %12s %12s\n", "run", "AUC", "95% CI", "eff@90%rej", "eff@99%rej");
  text += line;
  report::Table html_table;
  html_table.caption = "Common events: " + std::to_string(res.n_common);
  html_table.header = {"run", "AUC", "95 % CI", "signal eff. at 90 % rejection", "signal eff. at 99 % rejection"};
  for (const auto& e : res.entries) {
    const auto& a = e.evaluation.auc;
    double e90 = std::nan(""), e99 = std::nan("");
    for (const auto& w : e.evaluation.efficiency_at_rejection) {
      if (std::fabs(w.background_rejection - 0.9) < 1e-9) e90 = w.signal_efficiency;
      if (std::fabs(w.background_rejection - 0.99) < 1e-9) e99 = w.signal_efficiency;
    }
    const std::string ci = a.replicas > 0 ? "[" + fmt(a.lower) + ", " + fmt(a.upper) + "]" : "n/a";
    std::snprintf(line, sizeof line, "%-28s %8.4f %19s %12.4f %12.4f\n", e.name.c_str(), a.auc, ci.c_str(), e90, e99);
    text += line;
    html_table.rows.push_back({e.name, fmt(a.auc), ci, fmt(e90), fmt(e99)});
  }
  std::vector<eval::CutTruthEvaluation> truths;
  if (!truth_ss.empty()) {
    text += "\ntruth level (cut keeping 90 % of the labelled signal): single-site efficiency / multi-site rejection\n";
    std::snprintf(line, sizeof line, "%-28s", "run");
    text += line;
    for (const auto& r : regions) {
      std::snprintf(line, sizeof line, " %17s", r.name.c_str());
      text += line;
    }
    text += "\n";
    for (const auto& e : res.entries) {
      std::snprintf(line, sizeof line, "%-28s", e.name.c_str());
      text += line;
      for (const auto& r : e.truth.regions) {
        std::snprintf(line, sizeof line, " %8.3f/%-8.3f", r.single_site_efficiency, r.multi_site_rejection);
        text += line;
      }
      text += "\n";
      truths.push_back(e.truth);
    }
  }
  res.table_text = text;

  fs::create_directories(out);
  std::vector<report::LabelledRoc> curves;
  for (const auto& e : res.entries) curves.push_back({e.name, &e.evaluation.roc});
  report::plot_roc(curves, out / "roc", o.force);

  nlohmann::json j;
  j["n_common"] = res.n_common;
  j["n_signal"] = res.n_signal;
  j["n_background"] = res.n_background;
  j["runs"] = o.runs;
  if (!o.features_path.empty()) j["features"] = o.features_path;
  if (!o.truth_path.empty()) j["truth"] = o.truth_path;
  j["entries"] = nlohmann::json::array();
  for (const auto& e : res.entries) {
    nlohmann::json ej;
    ej["name"] = e.name;
    ej["evaluation"] = e.evaluation;
    ej["threshold_90_signal"] = eval::finite_or_null(e.threshold_90);
    if (!e.truth.regions.empty()) ej["truth"] = e.truth;
    j["entries"].push_back(ej);
  }
  res.json = j;
  core::write_text_atomically(out / "compare.json", j.dump(2) + "\n", o.force);

  report::HtmlReport html;
  html.title = "wavelearn compare";
  html.subtitle = std::to_string(res.entries.size()) + " models on " + std::to_string(res.n_common) + " common events";
  report::Section s;
  s.title = "Performance on the common events";
  s.paragraphs = {"Events are matched by id across the runs' predictions.h5; AUC intervals are percentile "
                  "bootstrap (" + std::to_string(o.bootstrap_replicas) + " replicas)."};
  s.tables.push_back(html_table);
  s.images.push_back({"roc.png", "ROC curves"});
  html.sections.push_back(s);
  if (!truths.empty()) {
    report::Section t;
    t.title = "Truth level (simulation)";
    t.paragraphs = {"Each model cut where it keeps 90 % of the labelled signal; efficiency on true single-site "
                    "events and rejection of true multi-site events per energy region."};
    t.tables.push_back(report::truth_table(truths));
    html.sections.push_back(t);
  }
  report::write_html(html, out / "compare.html", o.force);
  return res;
}

}  // namespace wl::tabular
