// MODEL_CARD.md (Mitchell et al. 2019 sections) of a run, in its family's and task's words.
#include <ctime>
#include <sstream>

#include "page_sections.hpp"
#include "wavelearn/core/fingerprint.hpp"
#include "wavelearn/report/model_card.hpp"
#include "wavelearn/report/psd_tables.hpp"
#include "wavelearn/report/tables.hpp"
#include "wavelearn/run/page.hpp"

namespace wl::run {

namespace {

std::string today_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string text(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) return "?";
  return j.at(key).is_string() ? j.at(key).get<std::string>() : j.at(key).dump();
}

std::string primary_use(const RunRecord& r) {
  if (r.is_regression() && r.family == "tabular")
    return "Estimating " + (r.targets.empty() ? std::string("a target") : r.targets.front()) +
           " of a germanium-detector event from its DSP features, with a per-event predictive uncertainty, as a "
           "research comparison with the trapezoid-filter energy.";
  if (r.is_regression())
    return "Energy estimation from the digitized waveform of a germanium-detector event, as a research comparison "
           "with the trapezoid-filter energy.";
  if (r.task == "multiclass")
    return "Assigning germanium-detector events to classes defined by which traditional pulse-shape cuts they fail.";
  if (r.task == "multitask")
    return "Reproducing several pulse-shape-discrimination labels and the energy of germanium-detector events with "
           "one network.";
  return "Pulse-shape discrimination of germanium-detector events: a score for how single-site-like an event is (" +
         (r.targets.empty() ? std::string("label 1") : r.targets.front() + " = 1") +
         "), as an alternative to the traditional cut whose decisions are the training labels.";
}

// train.init_from in words: a reader must know the network did not start from random weights.
std::string init_from_text(const nlohmann::json& i) {
  std::ostringstream o;
  const bool pretrained = i.value("pretrained", false);
  o << "Not trained from scratch: its encoder (" << i.value("parameters_copied", 0) << " parameter tensors) started from "
    << (pretrained ? "the self-supervised pretraining run " : "the run ") << i.value("run", "?") << " (task "
    << i.value("task", "?") << ", seed " << i.value("seed", 0) << ", model.pt " << i.value("model_fingerprint", "?")
    << ")";
  if (i.value("freeze_encoder", false)) o << " and stayed frozen; only the layers after it were trained.";
  else if (i.contains("encoder_lr")) o << " and was trained at its own learning rate " << i["encoder_lr"].dump() << ".";
  else o << " and was trained with the rest.";
  return o.str();
}

std::string training_algorithm(const PageInputs& in) {
  const auto& t = in.training;
  std::ostringstream o;
  if (in.record->family == "tabular") {
    o << in.description << "; converged: " << text(t, "converged") << " (metrics.json: training).";
  } else {
    o << in.description << "; " << text(t, "epochs_done") << " of " << text(t, "max_epochs")
      << " epochs, best epoch " << text(t, "best_epoch") << " (exported), seed " << in.record->split.seed << ".";
    if (t.contains("init_from")) o << " " << init_from_text(t["init_from"]);
  }
  return o.str();
}

// Where the method is described (the card's "paper or other resource").
std::string method_reference(const RunRecord& r) {
  if (r.model_type == "bdt") return "T. Chen and C. Guestrin, XGBoost: A Scalable Tree Boosting System, KDD 2016";
  if (r.model_type == "svm") return "C.-C. Chang and C.-J. Lin, LIBSVM: a library for support vector machines, ACM TIST 2 (2011)";
  if (r.model_type == "logistic") return "L2-regularised logistic regression fitted by iteratively reweighted least squares";
  if (r.model_type == "gp")
    return "C. E. Rasmussen and C. K. I. Williams, Gaussian Processes for Machine Learning, MIT Press 2006";
  return "The summer-school lectures' PyTorch pipeline on the MAJORANA DEMONSTRATOR AI/ML data release, reproduced "
         "in C++ by wavelearn (docs/models.md)";
}

std::string measures(const RunRecord& r) {
  if (r.is_regression())
    return "RMSE, MAE and residual FWHM; the FWHM of the 583 keV, DEP, SEP and FEP peaks in the model's energy "
           "spectrum beside the trapezoid filter's, on the same events.";
  return "ROC AUC (bootstrap 95 % interval) and PR AUC; at the working point where the model keeps the A/E cut's "
         "DEP acceptance, survival in DEP, SEP, FEP and the Compton continuum (Clopper-Pearson 95 % intervals), "
         "and on simulation the true single-site efficiency and multi-site rejection.";
}

void add_results(const PageInputs& in, report::ModelCard& card) {
  const auto& r = *in.results;
  if (!r.binary.empty()) {
    const auto& b = r.binary.front();
    std::vector<report::NamedPsd> cuts{{"model", &b.psd}};
    if (r.reference) cuts.push_back({r.reference->name, &r.reference->psd});
    card.unitary_results.push_back(report::psd_summary_table({{"model", &b.psd}}, r.events));
    card.intersectional_results.push_back(report::survival_table(cuts, r.events));
    if (!b.psd.truth.empty()) card.intersectional_results.push_back(report::truth_ci_table(cuts, r.events));
  }
  if (r.regression) card.unitary_results.push_back(report::regression_table(r.regression->metrics, r.regression->unit));
}

}  // namespace

namespace {

void model_details(const PageInputs& in, report::ModelCard& card) {
  const auto& rec = *in.record;
  card.name = rec.name.empty() ? rec.model_type : rec.name;
  card.version = "wavelearn run format 1";
  card.date = today_utc();
  card.model_type = rec.model_type + " (" + rec.family + " family, task " + rec.task + ")";
  card.developers = "Trained with wavelearn; run directory " + in.run_dir + ".";
  card.training_algorithm = training_algorithm(in);
  card.parameters = rec.family == "neural" ? text(in.training, "parameters") + " trainable parameters"
                                           : "see training.model in metrics.json";
  card.features = rec.family == "tabular" ? "Engineered pulse-shape parameters from `wavelearn dsp` (preprocess.json "
                                            "lists them and the missing-value policy)."
                                          : "The digitized waveform window and normalisation of preprocess.json "
                                            "(also inside model.pt).";
  card.paper = method_reference(rec);
  card.citation = "wavelearn, run format 1; cite the data release the model was trained on.";
  card.contact = "Whoever ran `wavelearn train` into " + in.run_dir + ".";
  card.license = "As the training data permit; the model is derived from them.";
}

// Intended use, factors and risks: a regression is an energy estimator, a classifier a cut.
void use_and_factors(const PageInputs& in, report::ModelCard& card) {
  const auto& rec = *in.record;
  const bool reg = rec.is_regression();
  card.primary_uses = primary_use(rec);
  card.primary_users = "Physicists analysing HPGe detector data in the MJD data-release format or LEGEND LH5.";
  card.out_of_scope = "Detectors, sampling periods, energy ranges or selections other than the training data's; " +
                      std::string(reg ? "use as the energy scale of a physics analysis without a calibration-source check."
                                      : "use as a final physics cut without validating its acceptance on calibration data.");
  card.relevant_factors = reg ? "Energy, detector, run conditions, noise, pile-up."
                              : "Energy, detector, run conditions, event topology (single- vs multi-site), noise, pile-up.";
  card.evaluation_factors = reg ? "The 228Th peaks (583 keV, DEP, SEP, FEP) and bins of energy."
                                : "Energy regions of the 228Th spectrum (DEP mostly single-site; SEP, FEP and Compton "
                                  "mostly multi-site)" + std::string(in.results->truth_single_site.empty()
                                                                         ? "." : "; true topology of the simulated events.");
  card.ethical_considerations = std::string("No personal data: detector waveforms only. The risk is scientific: ") +
                                (reg ? "a biased or badly resolved energy distorts a spectrum." :
                                       "a cut biased in energy or topology distorts a physics result.");
}

// One sentence per interval a quantile or gaussian head predicts: how often it held the truth
// on the evaluated events (metrics.json: quantile, gaussian), beside what it promises.
std::string head_interval_text(const PageInputs& in) {
  if (!in.uncertainty) return "";
  const auto& u = in.uncertainty->json;
  auto pct = [](const nlohmann::json& v) {
    return v.is_number() ? report::format_number(100 * v.get<double>(), 3) : std::string("?");
  };
  auto sentence = [&](const std::string& what, const nlohmann::json& c, const nlohmann::json& ci, double nominal,
                      const nlohmann::json& n) {
    return " The " + what + " held the truth in " + pct(c) + " % [" + pct(ci[0]) + ", " + pct(ci[1]) + "] of " +
           n.dump() + " evaluated events (nominal " + report::format_number(100 * nominal, 3) + " %).";
  };
  std::string o;
  if (u.contains("quantile") && u["quantile"].contains("coverage_68")) {
    const auto& q = u["quantile"];
    o += sentence("quantile interval [" + q["interval_levels"][0].dump() + ", " + q["interval_levels"][1].dump() + "]",
                  q["coverage_68"], q["coverage_68_ci95"], q["nominal_coverage"].get<double>(), q["n_events"]);
  }
  if (u.contains("gaussian")) {
    const auto& g = u["gaussian"];
    o += sentence("predicted mean +- 1 sigma", g["coverage_1sigma"], g["coverage_1sigma_ci95"],
                  g["nominal_1sigma"].get<double>(), g["n_events"]);
  }
  return o;
}

void metrics_and_data(const PageInputs& in, report::ModelCard& card) {
  const auto& rec = *in.record;
  const auto& r = *in.results;
  card.performance_measures = measures(rec);
  card.decision_thresholds = rec.is_regression() ? "None (a regression)."
                                                 : "Score > the threshold that keeps the A/E cut's DEP acceptance "
                                                   "(metrics.json: working_point).";
  card.variation_approaches = rec.is_regression() ? "Peak widths by a Gaussian + step fit and by the direct half-maximum "
                                                    "reading, side by side."
                                                  : "Bootstrap of the AUC; Clopper-Pearson intervals on every efficiency "
                                                    "and survival.";
  card.variation_approaches += head_interval_text(in);
  card.evaluation_datasets = std::to_string(r.n_events) + " " + r.events + " events of " + in.data_file + ". " +
                             core::file_fingerprint(in.data_file);
  const std::string chosen = chosen_on_validation(rec);
  card.evaluation_motivation = r.events == "test" ? "Held-out events: never used to fit the model" +
                                                        (chosen.empty() ? "." : " or to choose " + chosen + ".")
                                                  : "Not a held-out test part: see report.html.";
  card.evaluation_preprocessing = "Identical to training.";
  card.training_data = rec.training_file + " (" + core::file_fingerprint(rec.training_file) + ")";
  card.caveats_and_recommendations =
      rec.is_regression() ? "The target is the trapezoid filter's calibrated energy, itself a measurement: the "
                            "model's resolution adds to the filter's, as the peak table of report.html shows."
                          : "The labels are the decisions of traditional cuts, so agreement with them is measured, "
                            "not physical truth.";
  for (const auto& w : in.warnings) card.caveats_and_recommendations += " WARNING: " + w + ".";
}

}  // namespace

void write_card(const RunDir& out, const PageInputs& in) {
  report::ModelCard card;
  model_details(in, card);
  use_and_factors(in, card);
  metrics_and_data(in, card);
  add_results(in, card);
  card.uncertainty = card_uncertainty_text(in);
  card.interpretability = card_interpretability_text(in);
  report::write_model_card(card, out.file("MODEL_CARD.md"));
}

}  // namespace wl::run
