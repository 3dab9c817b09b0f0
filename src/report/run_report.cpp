#include "wavelearn/report/run_report.hpp"

#include <cmath>

#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/report/html.hpp"
#include "wavelearn/report/tables.hpp"

namespace wl::report {
namespace fs = std::filesystem;

namespace {

struct Writer {
  fs::path dir;
  bool force;
  RunReportOutputs out;

  // Records both files of a plot and returns the PNG's path relative to dir.
  Image add(const Paths& p, const std::string& caption) {
    for (const auto& f : p) out.files.push_back(f);
    return {fs::relative(p.front(), dir).generic_string(), caption};
  }
};

}  // namespace

RunReportOutputs write_run_report(const RunReportInputs& in, const fs::path& dir, bool force) {
  if (!fs::is_directory(dir))
    throw wl::core::InputError(dir.string() + ": report directory does not exist");
  const fs::path plots = dir / "plots";
  fs::create_directories(plots);
  Writer w{dir, force, {}};
  HtmlReport html;
  html.title = in.title;
  html.subtitle = in.subtitle;
  ModelCard card = in.card;

  if (!in.summary_lines.empty()) html.sections.push_back({"Summary", in.summary_lines, {}, {}});

  if (!in.history.empty()) {
    Section s{"Training",
              {"Train and validation loss per epoch: a validation loss that rises while the "
               "training loss falls means over-fitting; both high means under-fitting."},
              {},
              {}};
    Table t{"Loss per epoch", {"epoch", "train loss", "validation loss"}, {}};
    for (const auto& r : in.history)
      t.rows.push_back(
          {std::to_string(r.epoch), format_number(r.train_loss, 5), format_number(r.val_loss, 5)});
    s.tables.push_back(t);
    s.images.push_back(w.add(plot_loss_curves(in.history, plots / "loss", force), "Loss curves"));
    html.sections.push_back(std::move(s));
    nlohmann::json h = nlohmann::json::array();
    for (const auto& r : in.history)
      h.push_back({{"epoch", r.epoch},
                   {"train_loss", eval::finite_or_null(r.train_loss)},
                   {"val_loss", eval::finite_or_null(r.val_loss)}});
    w.out.metrics["history"] = h;
  }

  if (in.binary) {
    const auto& b = *in.binary;
    const auto ev = eval::evaluate_binary(b.test.score, b.test.is_signal, b.options);
    nlohmann::json j = ev;
    Section s{
        "Binary classification: " + b.label_name,
        {"ROC AUC is the probability that a random signal event scores above a random background "
         "event. With imbalanced labels accuracy says little: read the signal efficiency at fixed "
         "background rejection."},
        {},
        {}};
    s.tables.push_back(binary_summary_table(ev));
    s.tables.push_back(confusion_table(ev.confusion));
    s.images.push_back(
        w.add(plot_roc({{b.label_name, &ev.roc}}, plots / "roc", force), "ROC curve"));
    s.images.push_back(
        w.add(plot_confusion_matrix(ev.confusion, plots / "confusion", force), "Confusion matrix"));
    double p_sig = -1, p_bkg = -1;
    if (!b.train.score.empty()) {
      const auto ot = eval::overtraining_check(b.train.score, b.train.is_signal, b.test.score,
                                               b.test.is_signal);
      j["overtraining"] = ot;
      p_sig = ot.signal.p_value;
      p_bkg = ot.background.p_value;
      s.tables.push_back(overtraining_table(ot));
      card.unitary_results.push_back(overtraining_table(ot));
    }
    s.images.push_back(
        w.add(plot_score_distributions(b.train, b.test, plots / "scores", force, p_sig, p_bkg),
              "Score distributions, train vs test"));
    html.sections.push_back(std::move(s));
    card.unitary_results.insert(card.unitary_results.begin(),
                                {binary_summary_table(ev), confusion_table(ev.confusion)});
    w.out.metrics["binary"] = j;
  }

  if (in.multiclass) {
    const auto& m = *in.multiclass;
    const auto mc = eval::multiclass_confusion(m.true_class, m.predicted_class,
                                               static_cast<int>(m.class_names.size()));
    Section s{"Multiclass classification", {}, {multiclass_table(mc, m.class_names)}, {}};
    s.images.push_back(
        w.add(plot_confusion_matrix(mc, m.class_names, plots / "confusion_multiclass", force),
              "Multiclass confusion matrix"));
    html.sections.push_back(std::move(s));
    card.unitary_results.push_back(multiclass_table(mc, m.class_names));
    w.out.metrics["multiclass"] = mc;
  }

  if (in.regression) {
    const auto& r = *in.regression;
    const auto rm = eval::regression_metrics(r.predicted, r.truth);
    nlohmann::json j = rm;
    Section s{
        "Regression: " + r.target_name,
        {"Resolution is the FWHM of the residuals, by interpolated half maximum and by a Gaussian "
         "fit of the core."},
        {regression_table(rm, r.unit)},
        {}};
    s.images.push_back(
        w.add(plot_residuals(rm, r.unit, plots / "residuals", force), "Residual distribution"));
    card.unitary_results.push_back(regression_table(rm, r.unit));
    if (r.is_energy_kev) {
      const auto bins = eval::resolution_vs_energy(r.predicted, r.truth, r.energy_edges_kev);
      const auto peaks = eval::resolution_at_peaks(r.predicted, r.truth, r.peak_half_window_kev);
      s.tables.push_back(resolution_table(bins, "Resolution in bins of true energy"));
      s.tables.push_back(resolution_table(peaks, "Resolution at the 228Th peaks"));
      j["resolution_vs_energy"] = bins;
      j["resolution_at_peaks"] = peaks;
      card.intersectional_results.push_back(
          resolution_table(peaks, "Resolution at the 228Th peaks"));
      bool any = false;
      for (const auto* v : {&bins, &peaks})
        for (const auto& x : *v) any |= std::isfinite(x.resolution.fwhm_interpolated);
      if (any)
        s.images.push_back(
            w.add(plot_resolution_vs_energy(bins, peaks, plots / "resolution", force),
                  "Resolution versus energy"));
    }
    html.sections.push_back(std::move(s));
    w.out.metrics["regression"] = j;
  }

  if (in.spectrum || !in.truth.empty()) {
    Section s{"Cuts and energy spectrum", {}, {}, {}};
    if (in.spectrum) {
      const auto& sp = *in.spectrum;
      s.images.push_back(w.add(
          plot_energy_spectrum(sp.energy_kev, sp.pass, sp.cut_name, plots / "spectrum", force),
          "Energy spectrum before and after " + sp.cut_name));
    }
    if (!in.truth.empty()) {
      s.paragraphs.push_back(
          "Truth-level evaluation (simulated events): efficiency for true single-site events "
          "and rejection of true multi-site events per energy region.");
      s.tables.push_back(truth_table(in.truth));
      card.intersectional_results.push_back(truth_table(in.truth));
      w.out.metrics["truth"] = in.truth;
    }
    html.sections.push_back(std::move(s));
  }

  if (!in.waveforms.empty()) {
    Section s{"Example waveforms", {}, {}, {}};
    s.images.push_back(w.add(plot_waveforms(in.waveforms, plots / "waveforms", force),
                             "Example waveforms per class"));
    html.sections.push_back(std::move(s));
  }

  if (html.sections.empty()) throw wl::core::InputError("write_run_report: nothing to report");
  const fs::path html_path = dir / "report.html", card_path = dir / "MODEL_CARD.md";
  write_html(html, html_path, force);
  write_model_card(card, card_path, force);
  w.out.files.push_back(html_path);
  w.out.files.push_back(card_path);
  return w.out;
}

}  // namespace wl::report
