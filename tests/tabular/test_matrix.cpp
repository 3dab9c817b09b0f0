// Feature matrix: selection, event policy, split, class weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "synthetic.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/tabular/matrix.hpp"

using namespace wl;
using namespace wl::tabular;

namespace {

MatrixOptions options(MissingPolicy p = MissingPolicy::kDrop) {
  MatrixOptions o;
  o.features = {"informative", "weak", "noise1"};
  o.label = "psd_label_test";
  o.missing = p;
  return o;
}

}  // namespace

TEST(Matrix, SelectsColumnsInOrder) {
  const auto t = test::synthetic_table(50, 1);
  const auto m = build_matrix(t, options(), "t.h5");
  ASSERT_EQ(m.n_rows(), 50u);
  ASSERT_EQ(m.n_features(), 3u);
  EXPECT_FLOAT_EQ(m.row(7)[0], static_cast<float>(t.column("informative")[7]));
  EXPECT_FLOAT_EQ(m.row(7)[2], static_cast<float>(t.column("noise1")[7]));
  EXPECT_EQ(m.id[7], t.column("id")[7]);
  EXPECT_EQ(m.label[7], t.column("psd_label_test")[7] == 1.0);
}

TEST(Matrix, FeatureTypoIsAnInputErrorNamingIt) {
  const auto t = test::synthetic_table(10, 1);
  auto o = options();
  o.features = {"informative", "infromative_typo"};
  try {
    build_matrix(t, o, "feat.h5");
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("infromative_typo"), std::string::npos) << msg;
    EXPECT_NE(msg.find("feat.h5"), std::string::npos) << msg;
  }
  o = options();
  o.label = "psd_label_tset";
  EXPECT_THROW(build_matrix(t, o, "feat.h5"), core::InputError);
}

TEST(Matrix, NonBinaryLabelIsAnError) {
  auto t = test::synthetic_table(10, 1);
  t.columns[t.names.size() - 1][3] = 2.0;
  EXPECT_THROW(build_matrix(t, options(), "t.h5"), core::InputError);
}

TEST(Matrix, MissingValuesDroppedOrKeptAndCounted) {
  auto t = test::synthetic_table(40, 2);
  auto& inf = t.columns[1];  // informative
  inf[3] = std::nan("");
  inf[9] = INFINITY;
  t.columns[5][11] = 4.0;  // quality flag set
  t.columns[7][12] = std::nan("");  // label NaN
  MatrixReport rep;
  const auto dropped = build_matrix(t, options(MissingPolicy::kDrop), "t.h5", &rep);
  EXPECT_EQ(dropped.n_rows(), 36u);
  EXPECT_EQ(rep.dropped_missing, 2u);
  EXPECT_EQ(rep.dropped_quality, 1u);
  EXPECT_EQ(rep.dropped_label, 1u);
  EXPECT_NE(rep.summary().find("36 of 40"), std::string::npos) << rep.summary();
  const auto kept = build_matrix(t, options(MissingPolicy::kKeep), "t.h5", &rep);
  EXPECT_EQ(kept.n_rows(), 38u);
  EXPECT_EQ(rep.kept_missing, 2u);
  EXPECT_TRUE(std::isnan(kept.row(3)[0]));
}

TEST(Matrix, EnergyThreshold) {
  const auto t = test::synthetic_table(200, 3);
  auto o = options();
  o.energy_column = "energy_label";
  o.energy_threshold = 1500.0;
  MatrixReport rep;
  const auto m = build_matrix(t, o, "t.h5", &rep);
  std::size_t expected = 0;
  for (double e : t.column("energy_label")) expected += e > 1500.0;
  EXPECT_EQ(m.n_rows(), expected);
  EXPECT_EQ(rep.dropped_energy, 200u - expected);
}

TEST(Matrix, BalancedClassWeights) {
  std::vector<uint8_t> y(100, 0);
  for (int i = 0; i < 20; ++i) y[i] = 1;
  const auto w = class_weights(y, "balanced");
  double sig = 0, bkg = 0;
  for (std::size_t i = 0; i < y.size(); ++i) (y[i] ? sig : bkg) += w[i];
  EXPECT_NEAR(sig, bkg, 1e-4);
  EXPECT_NEAR(sig + bkg, 100.0, 1e-3);
  EXPECT_EQ(class_weights(y, "none")[0], 1.0f);
  EXPECT_THROW(class_weights(y, "balance"), core::InputError);
}

TEST(Matrix, ConfigKeys) {
  auto c = core::Config::parse("[features]\nnames = [\"a\", \"b\"]\nmissing = \"keep\"\n[task]\nlabel = \"y\"\n");
  const auto o = matrix_options_from(c, MissingPolicy::kDrop);
  EXPECT_EQ(o.features, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(o.missing, MissingPolicy::kKeep);
  EXPECT_EQ(o.label, "y");
  auto bad = core::Config::parse("[features]\nmissing = \"ignore\"\n[task]\nlabel = \"y\"\n");
  EXPECT_THROW(matrix_options_from(bad, MissingPolicy::kDrop), core::InputError);
}

// model.task = "regression": the label key names a float target, kept as it is; a target
// that is not finite drops the event like a NaN label, counted.
TEST(Matrix, RegressionTargetIsKeptAsFloatAndNonFiniteDropped) {
  auto t = test::synthetic_table(30, 3);
  auto o = options();
  o.label = "energy_label";
  o.regression = true;
  t.columns[6][4] = std::nan("");  // energy_label
  t.columns[6][8] = INFINITY;
  MatrixReport rep;
  const auto m = build_matrix(t, o, "t.h5", &rep);
  EXPECT_EQ(m.n_rows(), 28u);
  EXPECT_EQ(rep.dropped_label, 2u);
  EXPECT_TRUE(m.label.empty());
  ASSERT_EQ(m.target.size(), 28u);
  EXPECT_EQ(m.target[0], t.column("energy_label")[0]);
  EXPECT_EQ(m.target[4], t.column("energy_label")[5]);  // row 4 dropped
  const auto sub = m.subset({2, 0});
  ASSERT_EQ(sub.target.size(), 2u);
  EXPECT_EQ(sub.target[1], m.target[0]);
  o.label = "energy_lable";  // a typo names the target and the file
  try {
    build_matrix(t, o, "t.h5");
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("regression target 'energy_lable'"), std::string::npos) << e.what();
  }
}

TEST(Matrix, ModelTaskIsClassificationOrRegression) {
  EXPECT_FALSE(regression_task_from(core::Config()));
  EXPECT_TRUE(regression_task_from(core::Config::parse("[model]\ntask = \"regression\"\n")));
  try {
    regression_task_from(core::Config::parse("[model]\ntask = \"regresion\"\n"));
    FAIL() << "no error";
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model.task"), std::string::npos) << e.what();
  }
}
