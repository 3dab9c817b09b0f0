// compare_runs: predictions.h5 of several runs matched by event id, judged at one working point.
#include "wavelearn/run/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>

#include "event_columns.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/run/compare_page.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::run {

using core::InputError;
namespace fs = std::filesystem;

namespace {

struct RunScores {
  std::string name, events, path;
  io::Table table;
  std::map<long long, std::size_t> row_of_id;
  std::string score_column;
};

RunScores read_run(const std::string& dir, const std::string& label) {
  const fs::path p = fs::path(dir) / "predictions.h5";
  if (!fs::exists(p)) throw InputError(p.string() + ": no predictions.h5 (not an evaluated run directory?)");
  RunScores r;
  r.path = p.string();
  r.table = io::read_table_h5(p.string());
  r.name = fs::path(dir).lexically_normal().filename().string();
  if (r.name.empty()) r.name = fs::path(dir).lexically_normal().parent_path().filename().string();
  const auto it = r.table.attributes.find("events");
  r.events = it == r.table.attributes.end() ? "?" : it->second;
  for (const std::string& c : std::vector<std::string>{"score", "score_" + label})
    if (r.score_column.empty() && r.table.has(c)) r.score_column = c;
  if (r.score_column.empty()) throw InputError(p.string() + ": no 'score' or 'score_" + label + "' column");
  if (!r.table.has(label)) throw InputError(p.string() + ": no '" + label + "' column (evaluated on unlabelled data?)");
  const auto& id = r.table.column("id");
  for (std::size_t i = 0; i < id.size(); ++i)
    if (!r.row_of_id.emplace(std::llround(id[i]), i).second)
      throw InputError(p.string() + ": event id " + std::to_string(std::llround(id[i])) + " appears twice");
  return r;
}

// The file the run scored, for messages: predictions.h5 records it.
std::string run_data(const RunScores& r) {
  const auto it = r.table.attributes.find("data");
  return it == r.table.attributes.end() ? r.path : it->second;
}

std::vector<long long> common_ids(const std::vector<RunScores>& runs) {
  std::vector<long long> ids;
  for (const auto& [id, row] : runs.front().row_of_id) {
    bool everywhere = true;
    for (std::size_t r = 1; r < runs.size() && everywhere; ++r) everywhere = runs[r].row_of_id.count(id) > 0;
    if (everywhere) ids.push_back(id);
  }
  if (ids.empty()) throw InputError("compare: the runs share no event ids (were they evaluated on the same data?)");
  return ids;
}

std::vector<double> column_at(const RunScores& r, const std::string& col, const std::vector<long long>& ids) {
  std::vector<double> v(ids.size());
  const auto& c = r.table.column(col);
  for (std::size_t i = 0; i < ids.size(); ++i) v[i] = c[r.row_of_id.at(ids[i])];
  return v;
}

bool has_column(const std::string& path, const std::string& column) {
  try {
    io::read_table_h5(path, {column});
    return true;
  } catch (const InputError&) {
    return false;
  }
}

// Event ids repeat across files (every simulation counts from 0), so a table made from
// another file joins by id without complaint and mixes events: the joined events' energies
// must agree with the ones the runs scored. The table's energy column is the field `wavelearn
// dsp` carried (its energy_field attribute), else energy_label (a simulated file's).
void check_same_events(const io::Table& t, const std::string& path, const std::vector<long long>& ids,
                       const std::vector<double>& energy_kev, const std::string& run_data) {
  if (energy_kev.empty() || !t.has("energy")) return;
  const auto& id = t.column("id");
  const auto& e = t.column("energy");
  std::map<long long, std::size_t> row_of_id;
  for (std::size_t i = 0; i < id.size(); ++i) row_of_id.emplace(std::llround(id[i]), i);
  const auto source = t.attributes.find("source_file");
  const std::string made_from = source == t.attributes.end() ? "" : " (made from " + source->second + ")";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto it = row_of_id.find(ids[i]);
    if (it == row_of_id.end()) continue;
    const double a = e[it->second], b = energy_kev[i];
    // Both read from the same float column of the same file when the join is sound.
    const bool agree = (std::isnan(a) && std::isnan(b)) || std::abs(a - b) <= 1e-3 + 1e-6 * std::abs(b);
    if (agree) continue;
    char what[160];
    std::snprintf(what, sizeof what, "event id %lld has energy %.3f keV there but %.3f keV", ids[i], a, b);
    throw InputError("compare: " + path + made_from + " holds other events than the runs scored (" + run_data +
                     "): " + what + " in the runs; event ids repeat across files, so the join would mix events");
  }
}

// A column of another table (features or the simulated file) at the common ids; NaN where
// absent. Refused when the table is of another file, or holds none of the common events.
std::vector<double> by_id(const std::string& path, const std::string& column, const std::vector<long long>& ids,
                          const std::vector<double>& energy_kev, const std::string& run_data) {
  const auto attrs = io::read_table_h5(path, {"id"}).attributes;
  const auto field = attrs.find("energy_field");
  const std::string energy = field != attrs.end() ? field->second : "energy_label";
  const bool with_energy = !energy_kev.empty() && has_column(path, energy);
  auto t = io::read_table_h5(path, with_energy ? std::vector<std::string>{"id", column, energy}
                                               : std::vector<std::string>{"id", column});
  if (with_energy && energy != "energy") t.add("energy", t.column(energy));
  check_same_events(t, path, ids, energy_kev, run_data);
  std::map<long long, double> v;
  const auto& id = t.column("id");
  const auto& c = t.column(column);
  for (std::size_t i = 0; i < id.size(); ++i) v.emplace(std::llround(id[i]), c[i]);
  std::vector<double> out(ids.size(), std::numeric_limits<double>::quiet_NaN());
  std::size_t found = 0;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (const auto it = v.find(ids[i]); it != v.end()) out[i] = it->second, ++found;
  if (found == 0)
    throw InputError("compare: " + path + " holds none of the runs' " + std::to_string(ids.size()) +
                     " common event ids (made from another file than " + run_data + "?)");
  return out;
}

std::string avse_column(const std::string& path) {
  for (const char* c : {"avse_classifier", "avse_raw"}) {
    try {
      io::read_table_h5(path, {c});
      return c;
    } catch (const InputError&) {
    }
  }
  throw InputError(path + ": no avse_classifier or avse_raw column for the A/E comparison");
}

}  // namespace

CompareResult compare_runs(const CompareOptions& o) {
  if (o.runs.empty()) throw InputError("compare: give at least one run directory");
  // The runs are read before the output is claimed, so a missing run leaves no directory.
  std::vector<RunScores> runs;
  for (const auto& r : o.runs) runs.push_back(read_run(r, o.label));
  if (std::filesystem::exists(std::filesystem::path(o.out_dir) / "run.json"))
    throw InputError(o.out_dir + ": is a run directory; write the comparison elsewhere (its plots would "
                     "replace the run's)");
  core::refuse_overwrite(std::filesystem::path(o.out_dir) / "compare.html", o.force);
  for (std::size_t a = 0; a < runs.size(); ++a)
    for (std::size_t b = 0; b < a; ++b)
      if (runs[a].name == runs[b].name) runs[a].name += " (" + std::to_string(a + 1) + ")";
  const auto ids = common_ids(runs);
  const auto& first = runs.front();
  const auto label = column_at(first, o.label, ids);
  for (std::size_t r = 1; r < runs.size(); ++r)
    if (column_at(runs[r], o.label, ids) != label)
      throw InputError("compare: runs '" + first.name + "' and '" + runs[r].name + "' disagree on " + o.label +
                       " of common events (different files?)");

  eval::PsdInputs base;
  base.is_signal = detail::as_flags(label);
  if (first.table.has("energy_kev")) base.energy_kev = column_at(first, "energy_kev", ids);
  if (o.label == "psd_label_low_avse") base.ae_pass = base.is_signal;
  else if (first.table.has("psd_label_low_avse")) base.ae_pass = detail::as_flags(column_at(first, "psd_label_low_avse", ids));
  if (!o.truth_path.empty()) {
    const auto ss = by_id(o.truth_path, "truth_is_single_site", ids, base.energy_kev, run_data(first));
    base.truth_single_site = detail::single_site_flags(&ss, nullptr);
  } else if (first.table.has("truth_is_single_site")) {
    const auto ss = column_at(first, "truth_is_single_site", ids);
    base.truth_single_site = detail::single_site_flags(&ss, nullptr);
  } else if (first.table.has("truth_n_sites")) {
    const auto ns = column_at(first, "truth_n_sites", ids);
    base.truth_single_site = detail::single_site_flags(nullptr, &ns);
  }
  base.bootstrap_replicas = o.bootstrap_replicas;
  base.seed = o.seed;
  base.threads = core::resolve_threads(o.threads);

  CompareResult res;
  res.n_common = ids.size();
  res.n_signal = static_cast<std::size_t>(std::count(base.is_signal.begin(), base.is_signal.end(), 1));
  res.n_background = res.n_common - res.n_signal;
  if (res.n_signal == 0 || res.n_background == 0) throw InputError("compare: the common events hold only one class");
  if (!base.ae_pass.empty() && !base.energy_kev.empty())
    res.ae_cut = eval::evaluate_cut(base.ae_pass, base.energy_kev, base.truth_single_site);
  std::vector<std::vector<double>> scores;
  auto add = [&](const std::string& name, const std::string& events, std::vector<double> score) {
    CompareEntry e{name, events, {}, {}, {}};
    auto in = base;
    in.score = score;
    scores.push_back(std::move(score));
    e.psd = eval::evaluate_psd(in);
    e.roc = eval::roc_curve(in.score, in.is_signal);
    if (res.ae_cut) e.warnings = eval::worse_than_reference(e.psd, *res.ae_cut, "the A/E cut");
    res.entries.push_back(std::move(e));
  };
  for (std::size_t r = 0; r < runs.size(); ++r) {
    auto s = column_at(runs[r], runs[r].score_column, ids);
    if (std::any_of(s.begin(), s.end(), [](double v) { return !std::isfinite(v); }))
      throw InputError(o.runs[r] + "/predictions.h5: column '" + runs[r].score_column + "' holds NaN or Inf scores");
    add(runs[r].name, runs[r].events, std::move(s));
  }
  if (!o.features_path.empty()) {
    const auto col = avse_column(o.features_path);
    auto s = by_id(o.features_path, col, ids, base.energy_kev, run_data(first));
    // An event without a value fails the cut: the lowest score.
    for (auto& v : s) if (!std::isfinite(v)) v = -std::numeric_limits<double>::max();
    add("A/E parameter (" + col + ")", "all", std::move(s));
  }
  // Claimed only now: any refusal above leaves no directory behind.
  write_compare_outputs(RunDir::claim_for_output(o.out_dir, "compare.html", o.force), o, base, res, scores);
  res.common = std::move(base);
  res.scores = std::move(scores);
  return res;
}

}  // namespace wl::run
