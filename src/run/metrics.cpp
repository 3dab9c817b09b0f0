#include "wavelearn/run/metrics.hpp"

#include <algorithm>
#include <cmath>

#include "event_columns.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::run {

using detail::as_flags;
using detail::gather;
using detail::single_site_flags;

namespace {

constexpr const char* kAvseLabel = "psd_label_low_avse";  // the A/E cut's decisions

bool both_classes(const std::vector<uint8_t>& y) {
  return std::count(y.begin(), y.end(), 1) > 0 && std::count(y.begin(), y.end(), 0) > 0;
}

// The simulator's true topology at the evaluated rows (empty on real data).
std::vector<uint8_t> truth_flags(const EventTable& t, const std::vector<std::size_t>& rows) {
  if (const auto* ss = t.field("truth_is_single_site")) {
    const auto v = gather(*ss, rows);
    return single_site_flags(&v, nullptr);
  }
  if (const auto* ns = t.field("truth_n_sites")) {
    const auto v = gather(*ns, rows);
    return single_site_flags(nullptr, &v);
  }
  return {};
}

std::vector<double> avse_parameter(const EventTable& t, const std::vector<std::size_t>& rows) {
  for (const char* name : {"avse_classifier", "avse_raw"})
    if (const auto* v = t.field(name)) return gather(*v, rows);
  return {};
}

BinaryResult binary_result(const ScoreColumn& col, std::size_t c, const std::vector<uint8_t>& y,
                           const std::vector<uint8_t>& y_train, const EvaluationResults& r,
                           const std::vector<uint8_t>& ae_pass, const ScoredRows& ev, const ScoredRows& train,
                           const MetricsOptions& o) {
  BinaryResult b;
  b.label = col.target;
  b.column = col.name;
  b.score = ev.column(c);
  b.is_signal = y;
  eval::PsdInputs in{b.score, y, r.energy_kev, ae_pass, r.truth_single_site, o.bootstrap_replicas, o.seed, o.threads};
  b.psd = eval::evaluate_psd(in);
  b.roc = eval::roc_curve(b.score, y);
  b.pass = eval::pass_from_score(b.score, b.psd.wp.threshold);
  b.confusion = eval::confusion_matrix(b.pass, y);
  for (double rej : {0.9, 0.99}) b.efficiency_at_rejection.push_back({rej, eval::efficiency_at_rejection(b.roc, rej)});
  if (!train.rows.empty() && both_classes(y_train)) {
    b.train_score = train.column(c);
    b.train_is_signal = y_train;
    b.overtraining = eval::overtraining_check(b.train_score, y_train, b.score, y);
  }
  return b;
}

void add_binary(const std::vector<ScoreColumn>& columns, const EventTable& t, const ScoredRows& ev,
                const ScoredRows& train, const MetricsOptions& o, EvaluationResults& r) {
  std::vector<uint8_t> ae_pass;
  if (const auto* ae = t.field(kAvseLabel)) ae_pass = as_flags(gather(*ae, ev.rows));
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto& col = columns[c];
    const bool multiclass_pass = col.kind == "class" && c == 0;  // class 0 passes every cut
    if (col.kind != "binary" && !multiclass_pass) continue;
    const auto* values = t.field(col.target);
    if (!values) {
      r.skipped.push_back(col.target + ": not in the evaluated file");
      continue;
    }
    auto y = as_flags(gather(*values, ev.rows));
    auto y_train = as_flags(gather(*values, train.rows));
    if (multiclass_pass) {
      for (auto* v : {&y, &y_train})
        for (auto& f : *v) f = 1 - f;  // psd_class == 0 is the signal
    }
    if (!both_classes(y)) {
      r.skipped.push_back(col.target + ": only one class among the evaluated events");
      continue;
    }
    r.binary.push_back(binary_result(col, c, y, y_train, r, ae_pass, ev, train, o));
    if (multiclass_pass) r.binary.back().label = "psd_class == 0 (passes every cut)";
  }
  std::stable_partition(r.binary.begin(), r.binary.end(), [](const BinaryResult& b) { return b.label == kAvseLabel; });
  if (!ae_pass.empty() && !r.energy_kev.empty())
    r.reference = ReferenceCut{"A/E cut (" + std::string(kAvseLabel) + ")", ae_pass,
                               eval::evaluate_cut(ae_pass, r.energy_kev, r.truth_single_site)};
}

}  // namespace

std::vector<double> ScoredRows::column(std::size_t c) const {
  std::vector<double> v(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) v[i] = scores[i * n_columns + c];
  return v;
}

EvaluationResults compute_metrics(const std::vector<ScoreColumn>& columns, const EventTable& t,
                                  const Selection& sel, const ScoredRows& ev, const ScoredRows& train,
                                  const MetricsOptions& o) {
  if (ev.n_columns != columns.size())
    throw core::InputError(t.source + ": the model gives " + std::to_string(ev.n_columns) + " scores per event, but " +
                           "names " + std::to_string(columns.size()));
  for (std::size_t i = 0; i < ev.scores.size(); ++i)
    if (!std::isfinite(ev.scores[i]))
      throw core::InputError(t.source + ": event " + std::to_string(t.id[ev.rows[i / ev.n_columns]]) +
                             ": the model's score is not finite (NaN/Inf input or a broken model)");
  EvaluationResults r;
  r.events = sel.events;
  r.n_events = ev.rows.size();
  r.n_train = train.rows.size();
  if (!t.energy_kev.empty()) r.energy_kev = gather(t.energy_kev, ev.rows);
  if (!r.energy_kev.empty()) r.truth_single_site = truth_flags(t, ev.rows);
  r.avse = avse_parameter(t, ev.rows);
  add_binary(columns, t, ev, train, o, r);
  detail::add_regression(columns, t, ev, r);
  detail::add_multiclass(columns, t, ev, r);
  return r;
}

}  // namespace wl::run
