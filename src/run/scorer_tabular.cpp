// The tabular family: a BDT, SVM, logistic regression or GP on a feature table from
// `wavelearn dsp`, with the event policy (features, missing values, quality, energy
// threshold) its run recorded in preprocess.json.
#include <cmath>
#include <fstream>

#include "wavelearn/core/error.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/run/run_dir.hpp"
#include "wavelearn/run/scorer.hpp"
#include "wavelearn/run/tabular_access.hpp"
#include "wavelearn/run/tabular_policy.hpp"
#include "wavelearn/tabular/matrix.hpp"
#include "wavelearn/tabular/model.hpp"

namespace wl::run {

namespace fs = std::filesystem;

namespace {

class TableSource : public EventSource {
 public:
  TableSource(const std::string& path, const tabular::MatrixOptions& mo) {
    io::Table table = io::read_table_h5(path);
    tabular::add_derived_label(table, mo.label);
    auto opts = mo;
    if (!opts.label.empty() && !table.has(opts.label)) opts.label.clear();  // unlabelled table: predict only
    matrix_label_ = opts.label;
    matrix_ = tabular::build_matrix(table, opts, path);
    fill_events(table, path);
  }

  tabular::FeatureMatrix matrix_;

 private:
  std::string matrix_label_;
  void fill_events(const io::Table& table, const std::string& path) {
    auto& e = events_;
    e.source = path;
    const auto& rows = matrix_.source_row;
    auto column_at = [&](const std::string& name) {
      std::vector<double> v(rows.size());
      const auto& c = table.column(name);
      for (std::size_t i = 0; i < rows.size(); ++i) v[i] = c[rows[i]];
      return v;
    };
    auto int_column = [&](const std::string& name) {
      std::vector<int64_t> v(rows.size(), 0);
      if (table.has(name)) {
        const auto d = column_at(name);
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::llround(d[i]);
      }
      return v;
    };
    for (std::size_t i = 0; i < rows.size(); ++i) {
      e.id.push_back(std::llround(matrix_.id[i]));
      e.file_event.push_back(static_cast<int64_t>(rows[i]));
    }
    e.detector = int_column("detector");
    e.run = int_column("run_number");
    if (const auto ecol = tabular_energy_column(table); !ecol.empty()) e.energy_kev = column_at(ecol);
    for (const auto& name : table.names)
      if (name.rfind("psd_label", 0) == 0 || name.rfind("truth_", 0) == 0 || name.rfind("avse_", 0) == 0)
        e.fields[name] = column_at(name);
    // The DSP drift time: the energy report shows residuals against it.
    if (table.has("drift_time_ns")) e.fields["drift_time_ns"] = column_at("drift_time_ns");
    // The run's own label or regression target, whatever its name: the metrics compare with it.
    if (!matrix_label_.empty() && table.has(matrix_label_)) e.fields[matrix_label_] = column_at(matrix_label_);
  }
};

class TabularScorer : public Scorer {
 public:
  TabularScorer(const fs::path& run_dir, RunRecord r, const ScorerOptions& o) {
    record_ = std::move(r);
    policy_ = read_tabular_policy(RunDir::open_existing(run_dir));
    model_ = tabular::make_empty_model(policy_.model_type);
    model_->set_threads(o.threads);
    model_->load(run_dir);
    if (model_->is_regression() != policy_.matrix.regression)
      throw core::InputError(run_dir.string() + ": preprocess.json and the model disagree on model.task");
  }

  // A model with a predictive uncertainty (the GP) adds its spread: for the GP classifier
  // the standard deviation of the latent f (logit scale), not of P(signal). A regression
  // names its columns as the neural gaussian head does (pred_T, pred_T_sigma), so the
  // regression metrics, the conformal interval and the 1/2-sigma coverage all apply; a BDT
  // regression has no sigma column.
  std::vector<ScoreColumn> columns() const override {
    const auto& target = policy_.matrix.label;
    const bool spread = model_->has_predict_std();
    if (policy_.matrix.regression) {
      std::vector<ScoreColumn> c{{"pred_" + target, target, "regression"}};
      if (spread) c.push_back({"pred_" + target + "_sigma", target, "sigma"});
      return c;
    }
    std::vector<ScoreColumn> c{{"score", target, "binary"}};
    if (spread) c.push_back({"score_std", target, "spread"});
    return c;
  }
  std::string description() const override { return model_->description(); }

  std::unique_ptr<EventSource> open(const std::string& data_file, const OpenOptions& o) const override {
    if (!fs::exists(data_file)) throw core::InputError(data_file + ": no such feature table");
    auto mo = policy_.matrix;
    if (o.all_events) mo.energy_threshold = -1.0;
    return std::make_unique<TableSource>(data_file, mo);
  }

  // A residual regression (task.residual_of) predicts the relative correction to its base
  // column; the scores are the target in its units, base * (1 + correction), and a sigma
  // scales with the base the same way.
  std::vector<double> score(EventSource& source, const std::vector<std::size_t>& rows) const override {
    auto& src = dynamic_cast<TableSource&>(source);
    const auto x = src.matrix_.subset(rows);
    std::vector<double> spread;
    auto p = model_->has_predict_std() ? model_->predict_with_std(x, spread) : model_->predict(x);
    if (!policy_.matrix.residual_of.empty()) {
      for (std::size_t i = 0; i < p.size(); ++i) p[i] = tabular::from_relative_residual(p[i], x.base[i]);
      for (std::size_t i = 0; i < spread.size(); ++i) spread[i] *= x.base[i] / tabular::kResidualScale;
    }
    if (spread.empty()) return p;
    std::vector<double> out(2 * p.size());  // row-major: score, score_std
    for (std::size_t i = 0; i < p.size(); ++i) out[2 * i] = p[i], out[2 * i + 1] = spread[i];
    return out;
  }

  const tabular::TabularModel& model() const { return *model_; }

 private:
  TabularPolicy policy_;
  std::unique_ptr<tabular::TabularModel> model_;
};

}  // namespace

std::unique_ptr<Scorer> make_tabular_scorer(const fs::path& run_dir, const RunRecord& r, const ScorerOptions& o) {
  return std::make_unique<TabularScorer>(run_dir, r, o);
}

TabularAccess tabular_access(const Scorer& scorer, EventSource& source) {
  const auto* s = dynamic_cast<const TabularScorer*>(&scorer);
  auto* src = dynamic_cast<TableSource*>(&source);
  if (!s || !src) throw core::InputError(scorer.description() + ": not a tabular model");
  return {s->model(), src->matrix_};
}

}  // namespace wl::run
