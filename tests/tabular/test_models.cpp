// BDT, SVM, logistic regression: learning, SHAP, save/reload, class weights.
#include <gtest/gtest.h>

#include <cmath>

#include "synthetic.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/split.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/tabular/bdt.hpp"
#include "wavelearn/tabular/logistic.hpp"
#include "wavelearn/tabular/model.hpp"
#include "wavelearn/tabular/shap.hpp"
#include "wavelearn/tabular/svm.hpp"

using namespace wl;
using namespace wl::tabular;

namespace {

struct Data {
  FeatureMatrix train, validation;
};

Data make_data(std::size_t n, uint64_t seed, double separation = 2.0, double signal_fraction = 0.5) {
  const auto t = test::synthetic_table(n, seed, separation, signal_fraction);
  MatrixOptions o;
  o.features = {"noise1", "informative", "weak", "noise2"};  // informative not first
  o.label = "psd_label_test";
  const auto m = build_matrix(t, o, "synthetic");
  // The run layer's split: a seeded hash of the event id (core/split.hpp).
  std::vector<int64_t> ids;
  for (double id : m.id) ids.push_back(static_cast<int64_t>(id));
  const auto parts = core::assign_parts(ids, {0.7, 0.3, 0.0}, seed, core::GroupBy::kEvent);
  std::vector<std::size_t> train, validation;
  for (std::size_t i = 0; i < parts.size(); ++i) (parts[i] == core::kTrainPart ? train : validation).push_back(i);
  return {m.subset(train), m.subset(validation)};
}

FitInputs inputs(const Data& d) {
  FitInputs in;
  in.train = &d.train;
  in.validation = &d.validation;
  return in;
}

double auc(const std::vector<double>& score, const FeatureMatrix& m) { return eval::roc_auc(score, m.label); }

double fraction_above_half(const std::vector<double>& s) {
  double k = 0;
  for (double v : s) k += v > 0.5;
  return k / static_cast<double>(s.size());
}

}  // namespace

TEST(Bdt, BeatsChanceAndShapRanksInformativeFirst) {
  const auto d = make_data(2000, 1);
  BdtSettings s;
  s.n_trees = 60;
  s.max_depth = 3;
  BdtModel bdt(s);
  bdt.set_threads(1);
  bdt.fit(inputs(d));
  const auto score = bdt.predict(d.validation);
  // Separation 2 sigma: the optimal AUC is Phi(2 / sqrt 2) = 0.92.
  EXPECT_GT(auc(score, d.validation), 0.85);
  EXPECT_FALSE(bdt.history().empty());
  const auto imp = shap_importance(shap_values(bdt, d.validation));
  ASSERT_EQ(imp.size(), 4u);
  EXPECT_EQ(imp[0].feature, "informative");
  EXPECT_GT(imp[0].mean_abs_shap, 3 * imp[1].mean_abs_shap);
}

TEST(Bdt, ShapSumsToMargin) {
  const auto d = make_data(800, 2);
  BdtSettings s;
  s.n_trees = 30;
  BdtModel bdt(s);
  bdt.set_threads(1);
  bdt.fit(inputs(d));
  const auto shap = shap_values(bdt, d.validation);
  const auto margin = bdt.margin(d.validation);
  const auto prob = bdt.predict(d.validation);
  ASSERT_EQ(shap.n_rows(), d.validation.n_rows());
  for (std::size_t i = 0; i < margin.size(); ++i) {
    EXPECT_NEAR(shap.margin[i], margin[i], 1e-4 * (1 + std::fabs(margin[i])));
    EXPECT_NEAR(1.0 / (1.0 + std::exp(-margin[i])), prob[i], 1e-5);
  }
}

TEST(Bdt, EarlyStoppingKeepsBestRound) {
  const auto d = make_data(600, 3, 0.5);
  BdtSettings s;
  s.n_trees = 400;
  s.eta = 0.5;
  s.max_depth = 6;
  s.early_stopping_rounds = 5;
  BdtModel bdt(s);
  bdt.set_threads(1);
  bdt.fit(inputs(d));
  // Weak separation and a large step overfit fast: training stops well before 400 rounds.
  EXPECT_LT(bdt.history().size(), 400u);
  EXPECT_EQ(bdt.n_trees(), bdt.best_iteration() + 1);
  EXPECT_EQ(static_cast<int>(bdt.history().size()), bdt.best_iteration() + 1 + s.early_stopping_rounds);
}

TEST(Bdt, MissingValuesAccepted) {
  auto d = make_data(600, 4);
  for (std::size_t i = 0; i < d.train.n_rows(); i += 7) d.train.values[i * 4 + 1] = std::nanf("");
  BdtSettings s;
  s.n_trees = 20;
  BdtModel bdt(s);
  bdt.set_threads(1);
  bdt.fit(inputs(d));
  EXPECT_GT(auc(bdt.predict(d.validation), d.validation), 0.8);
}

template <class M>
void expect_identical_reload(M& trained, const FeatureMatrix& x) {
  test::TempDir dir;
  trained.save(dir.path(), false);
  EXPECT_THROW(trained.save(dir.path(), false), core::InputError);  // no silent overwrite
  M loaded;
  loaded.set_threads(1);
  loaded.load(dir.path());
  EXPECT_EQ(loaded.feature_names(), x.feature_names);
  const auto a = trained.predict(x);
  const auto b = loaded.predict(x);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "row " << i;
}

TEST(Reload, BdtScoresIdentical) {
  const auto d = make_data(600, 5);
  BdtSettings s;
  s.n_trees = 25;
  BdtModel m(s);
  m.set_threads(1);
  m.fit(inputs(d));
  expect_identical_reload(m, d.validation);
}

TEST(Reload, SvmScoresIdenticalAndLearns) {
  for (const char* kernel : {"rbf", "linear"}) {
    const auto d = make_data(500, 6);
    SvmSettings s;
    s.kernel = kernel;
    SvmModel m(s);
    m.fit(inputs(d));
    EXPECT_GT(auc(m.predict(d.validation), d.validation), 0.85) << kernel;
    expect_identical_reload(m, d.validation);
  }
}

TEST(Reload, LogisticScoresIdenticalAndLearns) {
  const auto d = make_data(1000, 7);
  LogisticModel m;
  m.fit(inputs(d));
  EXPECT_GT(auc(m.predict(d.validation), d.validation), 0.88);
  // The informative feature (index 1) dominates the standardised coefficients.
  EXPECT_GT(std::fabs(m.coefficients()[1]), 4 * std::fabs(m.coefficients()[0]));
  expect_identical_reload(m, d.validation);
}

TEST(Logistic, MatchesGradientCondition) {
  // At the optimum the gradient vanishes: sum_i (p_i - y_i) = 0 for the unpenalised intercept.
  const auto d = make_data(800, 8);
  LogisticModel m;
  FitInputs in = inputs(d);
  in.validation = nullptr;
  m.fit(in);
  const auto p = m.predict(d.train);
  double g = 0;
  for (std::size_t i = 0; i < p.size(); ++i) g += p[i] - d.train.label[i];
  EXPECT_NEAR(g / static_cast<double>(p.size()), 0.0, 1e-6);
}

TEST(ClassWeights, ChangeTheDecision) {
  // 10 % signal: unweighted models rarely call signal; balanced weights call it far more often.
  const auto d = make_data(3000, 9, 1.0, 0.1);
  auto run = [&](auto& model, const std::string& mode) {
    FitInputs in = inputs(d);
    in.class_weight = class_weight_pair(d.train.label, mode);
    in.train_weight = class_weights(d.train.label, mode);
    in.validation_weight = class_weights(d.validation.label, mode);
    model.fit(in);
    return fraction_above_half(model.predict(d.validation));
  };
  LogisticModel l0, l1;
  EXPECT_GT(run(l1, "balanced"), run(l0, "none") + 0.15);
  BdtSettings s;
  s.n_trees = 40;
  BdtModel b0(s), b1(s);
  b0.set_threads(1);
  b1.set_threads(1);
  EXPECT_GT(run(b1, "balanced"), run(b0, "none") + 0.15);
  // (libsvm's Platt scaling refits probabilities on unweighted folds, so its P > 0.5 is not
  // a class-weighted decision; the SVM's weights reach its C per class instead.)
}

TEST(Models, WrongColumnsRejected) {
  const auto d = make_data(300, 10);
  LogisticModel m;
  m.fit(inputs(d));
  FeatureMatrix other = d.validation;
  std::swap(other.feature_names[0], other.feature_names[1]);
  EXPECT_THROW(m.predict(other), core::InputError);
}

// Only the Gaussian process and the BDT regress: the classifiers refuse model.task, naming it.
TEST(Models, ClassifiersRefuseRegression) {
  for (const char* type : {"svm", "logistic"}) {
    const auto config = core::Config::parse(std::string("[model]\ntype = \"") + type + "\"\ntask = \"regression\"\n");
    try {
      make_model(config);
      FAIL() << type;
    } catch (const core::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("model.task"), std::string::npos) << e.what();
    }
  }
}
