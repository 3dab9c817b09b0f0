// The tabular family's training step: a BDT, SVM, logistic regression or GP fitted on the
// training part of a feature table, split by event id exactly as the waveform runs are.
// The GP also does regression (model.task = "regression", run.json task "regression").
#include <chrono>
#include <filesystem>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/select.hpp"
#include "wavelearn/run/tabular_policy.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/tabular/bdt.hpp"
#include "wavelearn/tabular/shap.hpp"

namespace wl::run {

using core::InputError;

namespace {

struct TabularPlan {
  std::unique_ptr<tabular::TabularModel> model;
  TabularPolicy policy;
  SplitRecord split;
  bool want_shap = false;
  std::string name;
};

// Every key is read before any work, so a typo fails at once.
TabularPlan plan_from(const core::Config& config, const std::string& default_name) {
  TabularPlan p;
  p.model = tabular::make_model(config);
  const bool keep = p.model->accepts_missing();
  p.policy.model_type = p.model->type();
  p.policy.matrix = tabular::matrix_options_from(config, keep ? tabular::MissingPolicy::kKeep : tabular::MissingPolicy::kDrop);
  if (p.policy.matrix.missing == tabular::MissingPolicy::kKeep && !keep)
    throw InputError("config key 'features.missing' = \"keep\" needs model.type = \"bdt\" (the " + p.model->type() +
                     " model cannot take NaN features)");
  const auto f = core::part_fractions_from(config);
  p.split.fractions = f;
  if (f.train <= 0) throw InputError("config key 'data.train_fraction' must be > 0");
  p.split.group_by = core::group_by_from_string(config.get<std::string>("data.group_by", "event"));
  if (p.split.group_by == core::GroupBy::kFile)
    throw InputError("config key 'data.group_by' = \"file\": a feature table is one file; group by file in waveform runs");
  p.split.seed = config.get<uint64_t>("seed", 42);
  p.policy.class_weight = config.get<std::string>("task.class_weight", "none");
  // A regression has no classes to balance; a weight asked for anyway is a mistake.
  if (p.policy.matrix.regression && p.policy.class_weight != "none")
    throw InputError("config key 'task.class_weight' = \"" + p.policy.class_weight +
                     "\" needs model.task = \"classification\" (a regression has no classes)");
  // TreeSHAP's outputs speak of log-odds: a classifier's only.
  p.want_shap = config.get<bool>("explain.shap", true) && p.model->type() == "bdt" && !p.policy.matrix.regression;
  p.name = config.get<std::string>("name", default_name);
  config.mark_used("data.file");  // the neural trainer's key; the table comes from --data here
  config.check_all_used();
  return p;
}

// The keys the split reads: event ids, and the detector or run column a grouped split needs.
EventTable split_keys(const io::Table& table, const tabular::FeatureMatrix& m, core::GroupBy by,
                      const std::string& source) {
  EventTable keys;
  for (std::size_t i = 0; i < m.n_rows(); ++i) keys.id.push_back(std::llround(m.id[i]));
  if (by == core::GroupBy::kEvent) return keys;
  const char* column = by == core::GroupBy::kDetector ? "detector" : "run_number";
  if (!table.has(column))
    throw InputError(source + ": data.group_by = \"" + core::to_string(by) + "\" needs a '" + column + "' column");
  auto& v = by == core::GroupBy::kDetector ? keys.detector : keys.run;
  for (std::size_t i = 0; i < m.n_rows(); ++i) v.push_back(std::llround(table.column(column)[m.source_row[i]]));
  return keys;
}

// The matrix rows of one part, by the parts of the EventTable rows (same order).
std::vector<std::size_t> rows_of(const std::vector<uint8_t>& parts, uint8_t part) {
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (parts[i] == part) rows.push_back(i);
  return rows;
}

tabular::FitInputs fit_inputs(const tabular::FeatureMatrix& train, const tabular::FeatureMatrix& val,
                              const std::string& mode) {
  tabular::FitInputs in;
  in.train = &train;
  in.validation = &val;
  if (!train.target.empty()) return in;  // a regression: every event weighs 1
  in.class_weight = tabular::class_weight_pair(train.label, mode);
  in.train_weight = tabular::class_weights(train.label, mode);
  // Validation events weighted like the training ones, so early stopping watches the same loss.
  for (uint8_t y : val.label)
    in.validation_weight.push_back(static_cast<float>(y ? in.class_weight.second : in.class_weight.first));
  return in;
}

void write_history(const RunDir& dir, const std::vector<tabular::RoundLoss>& h) {
  if (h.empty()) return;
  std::ostringstream s;
  s.precision(17);
  s << "epoch,train_loss,val_loss\n";
  for (const auto& r : h) {
    s << r.round << ',' << r.train_loss << ',';
    if (std::isfinite(r.validation_loss)) s << r.validation_loss;
    s << '\n';
  }
  dir.write_text("history.csv", s.str());
}

// Boosting that ends at the round limit was still improving; a solver that hit its
// iteration limit did not converge.
nlohmann::json training_block(const tabular::TabularModel& m, std::size_t n_train, std::size_t n_val,
                              std::size_t n_test, double seconds) {
  const auto s = m.summary();
  nlohmann::json t = {{"family", "tabular"}, {"model_type", m.type()}, {"model", s}, {"n_train", n_train},
                      {"n_validation", n_val}, {"n_test", n_test}, {"train_seconds", seconds}};
  bool converged = s.value("converged", true);
  std::string why = converged ? "" : s.value("convergence", std::string("the solver stopped at its iteration "
                                                                          "limit (model.max_iterations)"));
  if (m.type() == "bdt") {
    const int best = s.value("best_iteration", 0), limit = s.value("n_trees_max", 0);
    converged = best + 1 < limit;
    if (!converged)
      why = "the best boosting round is the last allowed one (" + std::to_string(limit) +
            " trees): raise model.n_trees";
  }
  t["converged"] = converged;
  if (!converged) t["convergence"] = why;
  return t;
}

}  // namespace

std::string train_tabular(const core::Config& config, const RunDir& dir, const TrainOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  auto plan = plan_from(config, dir.path().filename().string());
  io::Table table = io::read_table_h5(o.data);
  auto& mo = plan.policy.matrix;
  tabular::add_derived_label(table, mo.label);
  if (mo.energy_threshold >= 0) {
    mo.energy_column = tabular_energy_column(table);
    if (mo.energy_column.empty())
      throw InputError(o.data + ": data.energy_threshold_kev needs an energy_label or energy_kev column");
  }
  tabular::MatrixReport rep;
  const auto all = tabular::build_matrix(table, mo, o.data, &rep);
  if (mo.features.empty()) mo.features = all.feature_names;
  if (!o.quiet) std::fprintf(stderr, "%s: %s\n", o.data.c_str(), rep.summary().c_str());
  const auto parts = parts_of(split_keys(table, all, plan.split.group_by, o.data), plan.split);
  const auto train = all.subset(rows_of(parts, core::kTrainPart));
  const auto val = all.subset(rows_of(parts, core::kValidationPart));
  const std::size_t n_test = rows_of(parts, core::kTestPart).size();
  if (train.n_rows() == 0) throw InputError(o.data + ": the training part is empty");
  plan.model->set_threads(o.threads);
  if (!o.quiet)
    std::fprintf(stderr, "training %s %s of %s%s on %zu events (validation %zu, held-out test %zu, class weights %s)\n",
                 plan.model->type().c_str(), mo.regression ? "regression" : "classifier", mo.label.c_str(),
                 mo.residual_of.empty() ? "" : (" relative to " + mo.residual_of).c_str(),
                 train.n_rows(), val.n_rows(), n_test, plan.policy.class_weight.c_str());
  plan.model->fit(fit_inputs(train, val, plan.policy.class_weight));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  plan.model->save(dir.path(), true);
  config.write(dir.file("config.toml"), true);
  write_tabular_policy(dir, plan.policy);
  write_history(dir, plan.model->history());
  const std::string data_path = std::filesystem::absolute(o.data).lexically_normal().string();
  RunRecord r{"tabular", plan.model->type(), mo.regression ? "regression" : "binary", {mo.label}, data_path,
              mo.energy_threshold, plan.split, plan.name};
  write_run_record(dir, r);
  auto training = training_block(*plan.model, train.n_rows(), val.n_rows(), n_test, seconds);
  training["data"] = {{"file", data_path}, {"n_input", rep.n_input}, {"n_used", all.n_rows()},
                      {"dropped_label_nan", rep.dropped_label}, {"dropped_quality", rep.dropped_quality},
                      {"dropped_missing", rep.dropped_missing}, {"dropped_energy", rep.dropped_energy},
                      {"dropped_base", rep.dropped_base},
                      {"kept_missing", rep.kept_missing}};
  if (plan.want_shap) {
    const auto test = all.subset(rows_of(parts, n_test ? core::kTestPart : core::kValidationPart));
    const auto& bdt = dynamic_cast<const tabular::BdtModel&>(*plan.model);
    training["shap_importance"] = tabular::write_shap_outputs(tabular::shap_values(bdt, test), test, bdt.predict(test), dir.path());
  }
  dir.write_json("metrics.json", {{"training", training}});
  return "trained " + plan.model->description() + " on " + std::to_string(train.n_rows()) + " events (validation " +
         std::to_string(val.n_rows()) + ", held-out test " + std::to_string(n_test) + ")\n";
}

}  // namespace wl::run
