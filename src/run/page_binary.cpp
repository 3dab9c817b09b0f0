// report.html sections of binary PSD labels: figures of merit at the working point beside
// the A/E cut, and the physics plots.
#include <algorithm>
#include <cmath>

#include "page_sections.hpp"
#include "wavelearn/run/warnings.hpp"
#include "wavelearn/eval/survival.hpp"
#include "wavelearn/report/psd_tables.hpp"
#include "wavelearn/report/tables.hpp"

namespace wl::run {

namespace {

constexpr double kSpectrumHiKev = 3000.0;
constexpr double kSurvivalBinKev = 100.0;  // wide enough for a few % statistical errors

double spectrum_lo_kev(const PageInputs& in) { return std::max(0.0, in.record->energy_threshold_kev); }

std::vector<report::NamedPsd> cuts_of(const BinaryResult& b, const EvaluationResults& r) {
  std::vector<report::NamedPsd> cuts{{"model", &b.psd}};
  if (r.reference) cuts.push_back({r.reference->name, &r.reference->psd});
  return cuts;
}

std::vector<report::Image> physics_plots(const BinaryResult& b, const PageInputs& in, const RunDir& out) {
  const auto& r = *in.results;
  const auto dir = out.plots_dir();
  std::vector<report::Image> imgs;
  report::LabelledRoc roc{"model", &b.roc};
  roc.wp_signal_efficiency = b.confusion.tpr();
  roc.wp_background_efficiency = b.confusion.fpr();
  imgs.push_back(image_of(report::plot_roc({roc}, dir / "roc"), out,
                          "Signal efficiency vs background rejection (log), A/E DEP-acceptance working point marked"));
  const double p_sig = b.overtraining ? b.overtraining->signal.p_value : -1;
  const double p_bkg = b.overtraining ? b.overtraining->background.p_value : -1;
  imgs.push_back(image_of(report::plot_score_distributions({b.train_score, b.train_is_signal}, {b.score, b.is_signal},
                                                           dir / "scores", {p_sig, p_bkg, 50, r.events}),
                          out, "Score distributions per class, training (dashed) vs " + r.events + " (solid)"));
  if (r.energy_kev.empty()) return imgs;
  const double lo = spectrum_lo_kev(in);
  imgs.push_back(image_of(report::plot_energy_spectrum(r.energy_kev, b.pass, "model cut", dir / "spectrum",
                                                       {lo, kSpectrumHiKev, 2.0}),
                          out, "Energy spectrum before and after the model cut (working point)"));
  std::vector<report::SurvivalCurve> curves{survival_curve("model", b.pass, r.energy_kev, lo)};
  if (r.reference) curves.push_back(survival_curve("A/E cut", r.reference->pass, r.energy_kev, lo));
  imgs.push_back(image_of(report::plot_survival_fraction(curves, dir / "survival_vs_energy"), out,
                          "Survival fraction vs energy, model and A/E cut at the same DEP acceptance"));
  if (!r.avse.empty())
    imgs.push_back(image_of(report::plot_avse_vs_energy(r.energy_kev, r.avse, dir / "avse_vs_energy"), out,
                            "A/E vs energy"));
  imgs.push_back(image_of(report::plot_confusion_matrix(b.confusion, dir / "confusion"), out,
                          "Confusion matrix at the working point"));
  return imgs;
}

report::Table efficiency_table(const BinaryResult& b, const std::string& events) {
  report::Table t;
  t.caption = "Against the label (" + events + " events; the label is itself a traditional cut)";
  t.header = {"quantity", "value"};
  for (const auto& e : b.efficiency_at_rejection)
    t.rows.push_back({"label-signal efficiency at " + report::format_number(100 * e.background_rejection) +
                          " % label-background rejection",
                      report::format_number(100 * e.signal_efficiency) + " %"});
  t.rows.push_back({"label-signal efficiency at the working point", report::format_number(100 * b.confusion.tpr()) + " %"});
  t.rows.push_back({"label-background rejection at the working point",
                    report::format_number(100 * b.confusion.background_rejection()) + " %"});
  if (b.overtraining)
    t.rows.push_back({"KS p-value train vs " + events + " (signal / background)",
                      report::format_number(b.overtraining->signal.p_value) + " / " +
                          report::format_number(b.overtraining->background.p_value)});
  return t;
}

report::Section label_section(const BinaryResult& b, const PageInputs& in, const RunDir& out, bool primary) {
  const auto& r = *in.results;
  report::Section s;
  s.title = "Pulse-shape discrimination: " + b.label;
  s.paragraphs.push_back(
      "Working point (A/E DEP acceptance): the score threshold that keeps the same fraction of DEP events as the "
      "A/E cut (" +
      std::string(b.psd.wp.matched ? "matched" : "NOT matched: too few DEP events or no A/E decisions") +
      "). DEP events are mostly single-site; SEP, FEP and Compton events mostly multi-site, so lower survival "
      "there is better.");
  if (primary)
    for (const auto& w : in.warnings)
      if (w.rfind(kWorseThanAePrefix, 0) == 0) s.warnings.push_back(w);
  s.tables.push_back(report::psd_summary_table({{"model", &b.psd}}, r.events));
  const auto cuts = cuts_of(b, r);
  if (!b.psd.survival.empty()) s.tables.push_back(report::survival_table(cuts, r.events));
  if (!b.psd.truth.empty()) s.tables.push_back(report::truth_ci_table(cuts, r.events));
  s.tables.push_back(efficiency_table(b, r.events));
  if (primary) s.images = physics_plots(b, in, out);
  return s;
}

}  // namespace

report::SurvivalCurve survival_curve(const std::string& name, const std::vector<uint8_t>& pass,
                                     const std::vector<double>& energy_kev, double lo_kev) {
  std::vector<double> edges;
  for (double e = lo_kev; e <= 2700.0 + 1e-9; e += kSurvivalBinKev) edges.push_back(e);
  report::SurvivalCurve c;
  c.name = name;
  if (edges.size() < 2) return c;
  for (const auto& b : eval::survival_vs_energy(pass, energy_kev, edges)) {
    c.lo_kev.push_back(b.lo_kev);
    c.hi_kev.push_back(b.hi_kev);
    c.value.push_back(b.survival.value);
    c.err_lo.push_back(b.survival.lo);
    c.err_hi.push_back(b.survival.hi);
  }
  return c;
}

report::Image image_of(const report::Paths& p, const RunDir& out, const std::string& caption) {
  return {std::filesystem::relative(p.front(), out.path()).generic_string(), caption};
}

std::vector<report::Section> binary_sections(const PageInputs& in, const RunDir& out) {
  std::vector<report::Section> sections;
  const auto& r = *in.results;
  for (std::size_t k = 0; k < r.binary.size(); ++k) sections.push_back(label_section(r.binary[k], in, out, k == 0));
  return sections;
}

}  // namespace wl::run
