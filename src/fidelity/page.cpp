// fidelity.html's sections: the verdict, the W1 table with one overlay histogram per DSP
// parameter, and the C2ST (score distributions, ROC, the mean window each class shows).
#include <algorithm>
#include <cmath>

#include "wavelearn/eval/histogram.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/fidelity/fidelity.hpp"
#include "wavelearn/report/figure.hpp"

namespace wl::fidelity {

namespace {

namespace fs = std::filesystem;
using report::Figure;
using report::Series;
using report::format_number;

constexpr std::size_t kBins = 60;

// [lo, hi] holding the 0.5 to 99.5 percentiles of both samples: a few outliers (failed tail
// fits) do not squash the bulk into one bin.
std::pair<double, double> robust_range(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> v(a);
  v.insert(v.end(), b.begin(), b.end());
  std::sort(v.begin(), v.end());
  if (v.empty()) return {0.0, 1.0};
  double lo = v[std::size_t(0.005 * double(v.size() - 1))], hi = v[std::size_t(0.995 * double(v.size() - 1))];
  if (!(hi > lo)) {
    const double pad = std::max(std::fabs(lo) * 0.05, 1e-12);
    lo -= pad;
    hi += pad;
  }
  return {lo, hi};
}

Series line(const std::string& label, std::vector<double> x, std::vector<double> y, int color,
            report::SeriesStyle style = report::SeriesStyle::kLine, bool dashed = false) {
  Series s;
  s.label = label;
  s.x = std::move(x);
  s.y = std::move(y);
  s.color = color;
  s.style = style;
  s.dashed = dashed;
  return s;
}

// A normalised histogram as a step series (x: n + 1 edges, y: density per unit).
Series density(const std::vector<double>& v, double lo, double hi, const std::string& label, int color) {
  const auto h = eval::make_histogram(v, kBins, lo, hi);
  Series s = line(label, {}, {}, color, report::SeriesStyle::kStep);
  for (std::size_t i = 0; i <= h.n_bins(); ++i) s.x.push_back(lo + double(i) * h.bin_width());
  const double norm = v.empty() ? 1.0 : double(v.size()) * h.bin_width();
  for (const double c : h.counts) s.y.push_back(c / norm);
  return s;
}

std::string image_path(const std::vector<fs::path>& files, const fs::path& page_dir) {
  return fs::relative(files.front(), page_dir).string();
}

report::Image parameter_figure(const ParameterDistance& p, const FidelityResult& r, const fs::path& page_dir) {
  const auto [lo, hi] = robust_range(p.reference_values, p.candidate_values);
  Figure f;
  f.title = p.label + ": W1 ratio " + format_number(p.ratio, 3);
  f.x_label = p.column + " (" + p.unit + ")";
  f.y_label = "normalised entries (1/" + p.unit + ")";
  f.series.push_back(density(p.reference_values, lo, hi, r.reference_label, 1));
  f.series.push_back(density(p.candidate_values, lo, hi, r.candidate_label, 2));
  f.notes = {"W1 = " + format_number(p.w1, 3) + " " + p.unit, "noise floor = " + format_number(p.noise_floor, 3)};
  f.width_px = 700;
  f.height_px = 450;
  const auto files = report::render_figure(f, page_dir / "plots" / ("fidelity_" + p.column));
  return {image_path(files, page_dir), p.label + " (" + p.column + "), 0.5 to 99.5 percentiles of both samples"};
}

report::Table w1_table(const FidelityResult& r) {
  report::Table t{"W1 per DSP parameter; ratio = W1 / noise floor (the mean W1 between two halves of the reference "
                  "over " + std::to_string(kHalfSplits) + " splits, scaled to the sample sizes compared): ~1 as close "
                  "as the reference to itself, >> 1 a difference, << 1 the same events (a paired candidate)",
                  {"parameter", "column", "unit", "n ref", "n cand", "W1", "W1 ref halves", "noise floor", "ratio"},
                  {}};
  for (const auto& p : r.parameters)
    t.rows.push_back({p.label, p.column, p.unit, std::to_string(p.n_reference), std::to_string(p.n_candidate),
                      format_number(p.w1), format_number(p.w1_reference_halves), format_number(p.noise_floor),
                      format_number(p.ratio, 3)});
  return t;
}

std::vector<double> subset(const C2stResult& c, bool candidate) {
  std::vector<double> v;
  for (std::size_t i = 0; i < c.test_score.size(); ++i)
    if (bool(c.test_is_candidate[i]) == candidate) v.push_back(c.test_score[i]);
  return v;
}

report::Image score_figure(const FidelityResult& r, const fs::path& page_dir) {
  const auto ref = subset(r.c2st, false), cand = subset(r.c2st, true);
  const auto [lo, hi] = robust_range(ref, cand);
  Figure f;
  f.title = "C2ST: classifier score on held-out events (AUC " + format_number(r.c2st.auc, 3) + ")";
  f.x_label = "classifier logit (log odds of candidate)";
  f.y_label = "normalised entries";
  f.series.push_back(density(ref, lo, hi, r.reference_label, 1));
  f.series.push_back(density(cand, lo, hi, r.candidate_label, 2));
  f.width_px = 700;
  f.height_px = 450;
  const auto files = report::render_figure(f, page_dir / "plots" / "fidelity_c2st_scores");
  return {image_path(files, page_dir), "Held-out classifier scores (0.5 to 99.5 percentiles): overlapping "
                                       "histograms mean indistinguishable"};
}

report::Image roc_figure(const FidelityResult& r, const fs::path& page_dir) {
  const auto roc = eval::roc_curve(r.c2st.test_score, r.c2st.test_is_candidate);
  Series curve = line("C2ST (AUC " + format_number(roc.auc, 3) + ")", {}, {}, 1);
  const std::size_t step = std::max<std::size_t>(1, roc.points.size() / 1000);
  for (std::size_t i = 0; i < roc.points.size(); i += step) {
    curve.x.push_back(roc.points[i].fpr);
    curve.y.push_back(roc.points[i].tpr);
  }
  curve.x.push_back(1.0);
  curve.y.push_back(1.0);
  Figure f;
  f.title = "C2ST ROC on held-out events";
  f.x_label = "reference events called candidate (FPR)";
  f.y_label = "candidate events called candidate (TPR)";
  f.series = {curve, line("indistinguishable (AUC 0.5)", {0, 1}, {0, 1}, 7, report::SeriesStyle::kLine, true)};
  f.x_lo = f.y_lo = 0;
  f.x_hi = f.y_hi = 1;
  f.width_px = f.height_px = 500;
  const auto files = report::render_figure(f, page_dir / "plots" / "fidelity_c2st_roc");
  return {image_path(files, page_dir), "ROC of the classifier: the diagonal is chance"};
}

report::Image window_figure(const FidelityResult& r, const fs::path& page_dir) {
  const auto& c = r.c2st;
  std::vector<double> t_ns(c.window_samples);
  for (std::size_t k = 0; k < t_ns.size(); ++k) t_ns[k] = double(k) * r.sample_period_ns - c.settings.before_tp50_ns;
  Figure f;
  f.title = "Mean classifier input (" + std::to_string(c.n_per_class) + " events each)";
  f.x_label = "time from tp50 (ns)";
  f.y_label = "(waveform - baseline) / energy";
  f.series = {line(r.reference_label, t_ns, c.mean_window_reference, 1),
              line(r.candidate_label, t_ns, c.mean_window_candidate, 2, report::SeriesStyle::kLine, true)};
  f.width_px = 700;
  f.height_px = 450;
  const auto files = report::render_figure(f, page_dir / "plots" / "fidelity_c2st_mean_window");
  return {image_path(files, page_dir), "What the classifier sees, averaged over each class"};
}

bool interval_contains_half(const C2stResult& c) { return c.ci_lo <= 0.5 && 0.5 <= c.ci_hi; }

report::Section summary_section(const FidelityResult& r) {
  const auto& c = r.c2st;
  report::Section s{"Summary", {}, {}, {}, {}, {}};
  s.paragraphs.push_back(
      r.self_split ? "Candidate and reference are the same file: its even events are compared with its odd events. "
                     "This is the sanity check: the C2ST interval should contain 0.5 and the W1 ratios be near 1."
                   : "Reference " + r.reference + " against candidate " + r.candidate + ".");
  s.paragraphs.push_back("C2ST AUC " + format_number(c.auc, 3) + ", 95 % interval [" + format_number(c.ci_lo, 3) +
                         ", " + format_number(c.ci_hi, 3) + "]: " +
                         (interval_contains_half(c) ? "the classifier cannot tell the two samples apart."
                                                    : "the classifier tells the two samples apart."));
  s.tables.push_back({"Samples", {"sample", "file", "events", "DSP quality 0", "C2ST usable"},
                      {{r.reference_label, r.reference, std::to_string(r.n_reference),
                        std::to_string(r.quality_ok_reference), std::to_string(c.usable_reference)},
                       {r.candidate_label, r.candidate, std::to_string(r.n_candidate),
                        std::to_string(r.quality_ok_candidate), std::to_string(c.usable_candidate)}}});
  if (r.self_split && !interval_contains_half(c))
    s.warnings.push_back("Sanity check failed: the halves of one file were told apart (the file may be ordered "
                         "in time with drifting conditions, or the classifier overfitted).");
  if (c.train_auc > c.auc + 0.1)
    s.warnings.push_back("The classifier's training AUC (" + format_number(c.train_auc, 3) +
                         ") is well above its test AUC: it memorised events; more events make the test sharper.");
  return s;
}

report::Section c2st_section(const FidelityResult& r, const fs::path& page_dir) {
  const auto& c = r.c2st;
  report::Section s{"Classifier two-sample test", {}, {}, {}, {}, {}};
  s.paragraphs.push_back(
      "A small CNN (" + c.model + ", " + std::to_string(c.n_parameters) + " parameters) is trained for " +
      std::to_string(c.epochs) + " epochs on " + std::to_string(c.n_train_per_class) +
      " events of each sample to tell them apart, and scored on " + std::to_string(c.n_test_per_class) +
      " held-out events of each. Its input is each event's window from " + format_number(c.settings.before_tp50_ns) +
      " ns before to " + format_number(c.settings.after_tp50_ns) + " ns after tp50, baseline-subtracted and divided "
      "by the event's trapezoid energy, so it compares pulse shapes, not pedestals or gains (the energy and A "
      "distributions are compared above). AUC 0.5: indistinguishable; 1: always told apart.");
  s.tables.push_back({"C2ST", {"test AUC", "95 % interval", "train AUC", "events per class", "seconds"},
                      {{format_number(c.auc, 4), "[" + format_number(c.ci_lo, 3) + ", " + format_number(c.ci_hi, 3) + "]",
                        format_number(c.train_auc, 4), std::to_string(c.n_per_class), format_number(c.seconds, 3)}}});
  s.images = {score_figure(r, page_dir), roc_figure(r, page_dir), window_figure(r, page_dir)};
  return s;
}

}  // namespace

std::vector<report::Section> fidelity_sections(const FidelityResult& r, const fs::path& page_dir) {
  fs::create_directories(page_dir / "plots");
  report::Section w1{"DSP parameters", {}, {w1_table(r)}, {}, {}, {}};
  w1.paragraphs.push_back("Each parameter from the project's DSP chain run on both files (docs/dsp.md). W1 is the "
                          "area between the two cumulative distributions, in the parameter's unit.");
  for (const auto& p : r.parameters)
    if (!p.reference_values.empty() || !p.candidate_values.empty()) w1.images.push_back(parameter_figure(p, r, page_dir));
  return {summary_section(r), w1, c2st_section(r, page_dir)};
}

}  // namespace wl::fidelity
