// Regression and multiclass figures of merit (metrics.hpp).
#include <algorithm>
#include <cmath>

#include "event_columns.hpp"
#include "wavelearn/eval/confusion.hpp"

namespace wl::run::detail {

namespace {

// The energy report's second estimator and drift-time axis: the trapezoid filter's
// calibrated energy (unless it is the target itself) and the residuals versus drift time.
void add_energy_report(const EventTable& t, const ScoredRows& ev, RegressionResult& g) {
  if (!is_energy_target(g.target) && !t.energy_kev.empty()) g.trapezoid = gather(t.energy_kev, ev.rows);
  g.peaks = peak_resolutions(g.predicted, g.trapezoid.empty() ? g.truth : g.trapezoid, g.truth);
  for (const char* name : {"drift_time_ns", "truth_drift_time_ns"}) {
    const auto* drift = t.field(name);
    if (!drift) continue;
    g.drift_time_field = name;
    g.by_drift_time = residuals_vs_drift_time(gather(*drift, ev.rows), g.predicted, g.trapezoid, g.truth);
    break;
  }
}

}  // namespace

void add_regression(const std::vector<ScoreColumn>& columns, const EventTable& t, const ScoredRows& ev,
                    EvaluationResults& r) {
  for (std::size_t c = 0; c < columns.size() && !r.regression; ++c) {
    if (columns[c].kind != "regression") continue;
    const auto* truth = t.target_values(columns[c].target);
    if (!truth) {
      r.skipped.push_back(columns[c].target + ": not in the evaluated file");
      continue;
    }
    RegressionResult g;
    g.target = columns[c].target;
    g.unit = is_kev_target(g.target) ? "keV" : "";
    g.predicted = ev.column(c);
    g.truth = gather(*truth, ev.rows);
    g.metrics = eval::regression_metrics(g.predicted, g.truth);
    if (is_kev_target(g.target)) {
      g.by_energy = eval::resolution_vs_energy(g.predicted, g.truth, {500, 1000, 1500, 2000, 2500, 3000});
      g.at_peaks = eval::resolution_at_peaks(g.predicted, g.truth, 5.0);
      add_energy_report(t, ev, g);
    }
    r.regression = std::move(g);
  }
}

void add_multiclass(const std::vector<ScoreColumn>& columns, const EventTable& t, const ScoredRows& ev,
                    EvaluationResults& r) {
  const int nc = static_cast<int>(std::count_if(columns.begin(), columns.end(),
                                                [](const ScoreColumn& c) { return c.kind == "class"; }));
  const auto* cls = t.field("psd_class");
  if (nc == 0 || !cls) return;
  MulticlassResult m;
  for (int k = 0; k < nc; ++k) m.class_names.push_back("class " + std::to_string(k));
  std::vector<float> sc(ev.scores.begin(), ev.scores.end());
  for (double v : gather(*cls, ev.rows)) m.true_class.push_back(static_cast<int>(std::lround(v)));
  m.predicted_class = eval::argmax_rows(sc, nc);
  m.one_vs_rest_auc = eval::one_vs_rest_auc(sc, nc, m.true_class);
  r.multiclass = std::move(m);
}

}  // namespace wl::run::detail
