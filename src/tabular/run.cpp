// train_run / predict_run: a classical model trained on a feature table into a run directory.
#include "wavelearn/tabular/run.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/report/run_report.hpp"
#include "wavelearn/tabular/bdt.hpp"
#include "wavelearn/tabular/matrix.hpp"
#include "wavelearn/tabular/model.hpp"
#include "wavelearn/tabular/shap.hpp"

namespace wl::tabular {

using core::InputError;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPreprocessFile = "preprocess.json";

// The energy column the threshold applies to (calibrated keV): the MJD field or the
// column `wavelearn calibrate --labels` writes.
std::string energy_column_of(const io::Table& t) {
  for (const char* name : {"energy_label", "energy_kev"}) {
    if (t.has(name)) return name;
  }
  return "";
}

std::string policy_name(MissingPolicy p) { return p == MissingPolicy::kKeep ? "keep" : "drop"; }

void write_history_csv(const fs::path& path, const std::vector<RoundLoss>& h, bool force) {
  std::ostringstream s;
  s.precision(17);
  s << "epoch,train_loss,val_loss\n";
  for (const auto& r : h) {
    s << r.round << ',' << r.train_loss << ',';
    if (std::isfinite(r.validation_loss)) s << r.validation_loss;
    s << '\n';
  }
  core::refuse_overwrite(path, force);
  core::write_text_atomically(path, s.str(), force);
}

std::string today() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
  return buf;
}

void prepare_dir(const fs::path& dir, bool force) {
  if (fs::exists(dir)) {
    if (!fs::is_directory(dir)) throw InputError("run directory '" + dir.string() + "' exists and is not a directory");
    if (!fs::is_empty(dir) && !force) {
      throw InputError("run directory '" + dir.string() + "' exists and is not empty (use --force to replace its files)");
    }
  }
  fs::create_directories(dir);
}

}  // namespace

int train_run(const core::Config& config, const std::string& features_path, const std::string& out_dir, bool force) {
  return train_run(config, features_path, out_dir, force, RunOptions{});
}

int train_run(const core::Config& config, const std::string& features_path, const std::string& out_dir, bool force,
              const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  // Every key is read before any work, so a typo fails at once.
  auto model = make_model(config);
  MatrixOptions mo = matrix_options_from(config, model->accepts_missing() ? MissingPolicy::kKeep : MissingPolicy::kDrop);
  if (mo.missing == MissingPolicy::kKeep && !model->accepts_missing()) {
    throw InputError("config key 'features.missing' = \"keep\" needs model.type = \"bdt\" (the " + model->type() +
                     " model cannot take NaN features)");
  }
  const SplitFractions fractions = split_fractions_from(config);
  if (fractions.train <= 0) throw InputError("config key 'data.train_fraction' must be > 0");
  const uint64_t seed = config.get<uint64_t>("seed", 42);
  const std::string weight_mode = config.get<std::string>("task.class_weight", "none");
  const int replicas = config.get<int>("eval.bootstrap_replicas", 200);
  const bool want_shap = model->type() == "bdt" && config.get<bool>("explain.shap", true);
  const std::string name = config.get<std::string>("name", model->type());
  config.mark_used("data.file");  // the neural trainer's key; the table comes from --data here
  config.check_all_used();

  const fs::path dir(out_dir);
  prepare_dir(dir, force);
  const io::Table table = io::read_table_h5(features_path);
  if (mo.energy_threshold >= 0) {
    mo.energy_column = energy_column_of(table);
    if (mo.energy_column.empty()) {
      throw InputError(features_path + ": data.energy_threshold_kev needs an energy_label or energy_kev column");
    }
  }
  MatrixReport rep;
  const FeatureMatrix all = build_matrix(table, mo, features_path, &rep);
  if (!options.quiet) std::fprintf(stderr, "%s: %s\n", features_path.c_str(), rep.summary().c_str());

  const RowSplit split = split_rows(all.n_rows(), fractions, seed);
  const FeatureMatrix train = all.subset(split.train);
  const FeatureMatrix validation = all.subset(split.validation);
  const FeatureMatrix test = all.subset(split.test);
  const bool on_test = test.n_rows() > 0;
  const FeatureMatrix& eval_set = on_test ? test : validation;
  const std::string eval_name = on_test ? "test" : "validation";
  auto both_classes = [](const FeatureMatrix& m) {
    std::size_t s = 0;
    for (uint8_t y : m.label) s += y;
    return s > 0 && s < m.label.size();
  };
  if (!both_classes(train)) throw InputError(features_path + ": the training split needs events of both classes");
  if (!both_classes(eval_set)) throw InputError(features_path + ": the " + eval_name + " split needs events of both classes");

  FitInputs in;
  in.train = &train;
  in.validation = &validation;
  in.class_weight = class_weight_pair(train.label, weight_mode);
  in.train_weight = class_weights(train.label, weight_mode);
  if (validation.n_rows()) {
    // Validation events weighted like the training ones, so early stopping watches the same loss.
    for (uint8_t y : validation.label) {
      in.validation_weight.push_back(static_cast<float>(y ? in.class_weight.second : in.class_weight.first));
    }
  }
  model->set_threads(options.threads);
  if (!options.quiet) {
    std::fprintf(stderr, "training %s on %zu events (validation %zu, test %zu, class weights %s)\n",
                 model->type().c_str(), train.n_rows(), validation.n_rows(), test.n_rows(), weight_mode.c_str());
  }
  model->fit(in);
  const auto t_fit = std::chrono::steady_clock::now();
  model->save(dir, force);
  // Score with the model as saved: what the run reports is what predict_run reproduces.
  auto saved = make_empty_model(model->type());
  saved->set_threads(options.threads);
  saved->load(dir);
  const std::vector<double> eval_score = saved->predict(eval_set);
  const std::vector<double> train_score = saved->predict(train);

  config.write(dir / "config.toml", force);
  nlohmann::json pre = {{"model_type", model->type()},
                        {"model_file", model->model_file()},
                        {"features", all.feature_names},
                        {"label", mo.label},
                        {"missing", policy_name(mo.missing)},
                        {"drop_bad_quality", mo.drop_bad_quality},
                        {"energy_column", mo.energy_column},
                        {"energy_threshold_kev", mo.energy_threshold},
                        {"class_weight", weight_mode},
                        {"class_weights", {in.class_weight.first, in.class_weight.second}},
                        {"seed", seed},
                        {"split",
                         {{"train_fraction", fractions.train},
                          {"validation_fraction", fractions.validation},
                          {"test_fraction", fractions.test},
                          {"evaluated_on", eval_name}}}};
  core::refuse_overwrite(dir / kPreprocessFile, force);
  core::write_text_atomically(dir / kPreprocessFile, pre.dump(2) + "\n", force);
  if (!model->history().empty()) write_history_csv(dir / "history.csv", model->history(), force);

  io::Table pred;
  pred.add("id", eval_set.id);
  pred.add("score", eval_score);
  pred.add("label", std::vector<double>(eval_set.label.begin(), eval_set.label.end()));
  pred.attributes["model_type"] = model->type();
  pred.attributes["label_name"] = mo.label;
  pred.attributes["split"] = eval_name;
  io::write_table_h5((dir / "predictions.h5").string(), pred, force);

  nlohmann::json shap_json;
  if (want_shap) {
    const auto& bdt = dynamic_cast<const BdtModel&>(*saved);
    shap_json = write_shap_outputs(shap_values(bdt, eval_set), eval_set, eval_score, dir, force);
  }

  report::RunReportInputs r;
  r.title = "wavelearn run report: " + name;
  r.subtitle = dir.string() + ", " + today();
  r.summary_lines = {"model: " + saved->description(),
                     "data: " + features_path + ": " + rep.summary(),
                     "label: " + mo.label + "; features: " + std::to_string(all.n_features()) + " (" +
                         [&] {
                           std::string s;
                           for (const auto& f : all.feature_names) s += (s.empty() ? "" : ", ") + f;
                           return s;
                         }() + ")",
                     "split (seed " + std::to_string(seed) + "): train " + std::to_string(train.n_rows()) +
                         ", validation " + std::to_string(validation.n_rows()) + ", test " +
                         std::to_string(test.n_rows()) + "; metrics on the " + eval_name + " events"};
  if (want_shap) r.summary_lines.push_back("SHAP explanations: shap.html and shap.h5 in this directory");
  for (const auto& h : model->history()) r.history.push_back({h.round, h.train_loss, h.validation_loss});
  report::BinaryResults b;
  b.label_name = mo.label;
  b.test = {eval_score, eval_set.label};
  b.train = {train_score, train.label};
  b.options.bootstrap_replicas = replicas;
  b.options.seed = seed;
  b.options.threads = options.threads > 0 ? options.threads : 1;
  r.binary = b;
  if (const std::string ecol = energy_column_of(table); !ecol.empty()) {
    report::SpectrumResults sp;
    sp.cut_name = name + " (score > 0.5)";
    const auto& e = table.column(ecol);
    for (std::size_t i = 0; i < eval_set.n_rows(); ++i) {
      sp.energy_kev.push_back(e[eval_set.source_row[i]]);
      sp.pass.push_back(eval_score[i] > 0.5);
    }
    r.spectrum = sp;
  }
  auto& card = r.card;
  card.name = name;
  card.version = "1";
  card.date = today();
  card.model_type = model->type();
  card.developers = "wavelearn user";
  card.training_algorithm = saved->description() + "; class weights: " + weight_mode;
  card.features = std::to_string(all.n_features()) + " engineered pulse-shape parameters from `wavelearn dsp`";
  card.primary_uses = "Pulse-shape discrimination of germanium-detector events (" + mo.label + ")";
  card.training_data = features_path + " (" + std::to_string(train.n_rows()) + " training events)";
  card.evaluation_datasets = features_path + ", " + eval_name + " split (" + std::to_string(eval_set.n_rows()) + " events)";
  card.performance_measures = "ROC AUC with bootstrap interval, signal efficiency at 90 % and 99 % background rejection";
  card.decision_thresholds = "score > 0.5 for the confusion matrix; working points in metrics.json";
  card.caveats_and_recommendations =
      "Trained on engineered features: performance depends on the DSP chain and its calibration. "
      "Early stopping (BDT) uses the validation split, which is also the evaluation split unless "
      "data.test_fraction > 0.";
  const auto out = report::write_run_report(r, dir, force);

  nlohmann::json metrics = out.metrics;
  metrics["model"] = saved->summary();
  metrics["features"] = all.feature_names;
  metrics["label"] = mo.label;
  metrics["evaluated_on"] = eval_name;
  metrics["data"] = {{"file", features_path},
                     {"n_input", rep.n_input},
                     {"n_used", all.n_rows()},
                     {"dropped_label_nan", rep.dropped_label},
                     {"dropped_quality", rep.dropped_quality},
                     {"dropped_missing", rep.dropped_missing},
                     {"dropped_energy", rep.dropped_energy},
                     {"kept_missing", rep.kept_missing},
                     {"n_train", train.n_rows()},
                     {"n_validation", validation.n_rows()},
                     {"n_test", test.n_rows()}};
  if (want_shap) metrics["shap_importance"] = shap_json;
  metrics["train_seconds"] = std::chrono::duration<double>(t_fit - t0).count();
  core::refuse_overwrite(dir / "metrics.json", force);
  core::write_text_atomically(dir / "metrics.json", metrics.dump(2) + "\n", force);

  if (!options.quiet) {
    const auto& a = out.metrics["binary"]["auc"];
    auto num = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : std::nan(""); };
    std::printf("%s: AUC %.4f [%.4f, %.4f] on %zu %s events; wrote %s (model, predictions.h5, metrics.json, "
                "report.html%s)\n",
                model->type().c_str(), num(a.value("auc", nlohmann::json())), num(a.value("lower", nlohmann::json())),
                num(a.value("upper", nlohmann::json())), eval_set.n_rows(), eval_name.c_str(), dir.string().c_str(),
                want_shap ? ", shap.html" : "");
  }
  return 0;
}

std::vector<double> predict_run(const std::string& run_dir, const std::string& features_path) {
  const fs::path pp = fs::path(run_dir) / kPreprocessFile;
  std::ifstream in(pp);
  if (!in) throw InputError(pp.string() + ": cannot open (not a tabular run directory?)");
  MatrixOptions mo;
  std::string type;
  try {
    nlohmann::json j;
    in >> j;
    type = j.at("model_type").get<std::string>();
    mo.features = j.at("features").get<std::vector<std::string>>();
    mo.missing = j.at("missing").get<std::string>() == "keep" ? MissingPolicy::kKeep : MissingPolicy::kDrop;
    mo.drop_bad_quality = j.at("drop_bad_quality").get<bool>();
    mo.energy_column = j.value("energy_column", std::string());
    mo.energy_threshold = j.value("energy_threshold_kev", -1.0);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(pp.string() + ": " + e.what());
  }
  auto model = make_empty_model(type);
  model->load(run_dir);
  const io::Table table = io::read_table_h5(features_path);
  const FeatureMatrix m = build_matrix(table, mo, features_path);
  const std::vector<double> s = model->predict(m);
  std::vector<double> score(table.n_rows(), std::nan(""));
  for (std::size_t i = 0; i < m.n_rows(); ++i) score[m.source_row[i]] = s[i];
  return score;
}

}  // namespace wl::tabular
