// Residual regression (task.residual_of): the relative-correction target round-trips, the
// matrix carries the base and drops events it cannot divide by, and a BDT regression
// learns a drift-time-dependent charge deficit of a base energy and removes it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "synthetic.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/tabular/bdt.hpp"
#include "wavelearn/tabular/matrix.hpp"

using namespace wl;
using namespace wl::tabular;

namespace {

// True energies on two lines and a flat continuum; the "trapezoid" energy loses
// kDeficitPerNs of the charge per ns of drift time (charge trapping) plus 0.5 keV of noise.
constexpr double kDeficitPerNs = 2e-6;  // 3 per mille (7.8 keV at 2614.5 keV) at 1500 ns

io::Table deficit_table(std::size_t n, uint64_t seed) {
  core::Rng rng(seed, 3);
  std::vector<double> id, truth, base, drift, noise;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform();
    const double e = u < 0.3 ? 2614.5 : u < 0.5 ? 583.2 : rng.uniform(300.0, 2600.0);
    const double t = rng.uniform(100.0, 1500.0);
    id.push_back(static_cast<double>(i));
    truth.push_back(e);
    drift.push_back(t);
    base.push_back(e * (1.0 - kDeficitPerNs * t) + rng.normal(0.0, 0.5));
    noise.push_back(rng.normal());
  }
  io::Table tab;
  tab.add("id", id);
  tab.add("truth_energy_kev", truth);
  tab.add("energy_label", base);
  tab.add("drift_time_ns", drift);
  tab.add("noise", noise);
  return tab;
}

MatrixOptions residual_options() {
  MatrixOptions o;
  o.features = {"drift_time_ns", "noise"};
  o.label = "truth_energy_kev";
  o.regression = true;
  o.residual_of = "energy_label";
  return o;
}

// Least-squares slope of y on x.
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= static_cast<double>(x.size()), my /= static_cast<double>(y.size());
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  return sxy / sxx;
}

}  // namespace

TEST(Residual, RelativeCorrectionRoundTrips) {
  for (double base : {100.0, 583.2, 2614.5}) {
    for (double target : {base * 0.7, base, base * 1.003}) {
      const double r = relative_residual(target, base);
      EXPECT_NEAR(from_relative_residual(r, base), target, 1e-9 * target);
    }
  }
  EXPECT_DOUBLE_EQ(relative_residual(1001.0, 1000.0), 1.0);  // per mille
}

TEST(Residual, MatrixCarriesTheBaseAndDropsBasesItCannotDivideBy) {
  auto t = deficit_table(10, 1);
  auto base = t.column("energy_label");
  base[2] = 0.0;
  base[5] = std::nan("");
  io::Table u;
  for (const auto& name : t.names) u.add(name, name == "energy_label" ? base : t.column(name));
  MatrixReport rep;
  const auto m = build_matrix(u, residual_options(), "synthetic", &rep);
  ASSERT_EQ(m.n_rows(), 8u);
  EXPECT_EQ(rep.dropped_base, 2u);
  EXPECT_NE(rep.summary().find("2 dropped (residual base"), std::string::npos) << rep.summary();
  const auto sub = m.subset({3, 0});
  ASSERT_EQ(sub.base.size(), 2u);
  EXPECT_DOUBLE_EQ(sub.base[0], m.base[3]);
  const double truth = u.column("truth_energy_kev")[m.source_row[3]];
  EXPECT_NEAR(from_relative_residual(sub.target[0], sub.base[0]), truth, 1e-9 * truth);
  auto o = residual_options();
  o.residual_of = "energy_lable";
  EXPECT_THROW(build_matrix(u, o, "synthetic"), core::InputError);
}

TEST(Residual, ConfigNeedsARegressionAndAnotherColumn) {
  const std::string bdt = "[model]\ntype = \"bdt\"\n";
  const auto classifier = core::Config::parse(bdt + "[task]\nlabel = \"y\"\nresidual_of = \"energy_label\"\n");
  try {
    matrix_options_from(classifier, MissingPolicy::kKeep);
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("task.residual_of"), std::string::npos) << e.what();
  }
  const auto self = core::Config::parse("[model]\ntype = \"bdt\"\ntask = \"regression\"\n[task]\nlabel = "
                                        "\"energy_label\"\nresidual_of = \"energy_label\"\n");
  EXPECT_THROW(matrix_options_from(self, MissingPolicy::kKeep), core::InputError);
  const auto ok = core::Config::parse("[model]\ntype = \"bdt\"\ntask = \"regression\"\n[task]\nlabel = "
                                      "\"truth_energy_kev\"\nresidual_of = \"energy_label\"\n");
  EXPECT_EQ(matrix_options_from(ok, MissingPolicy::kKeep).residual_of, "energy_label");
}

// The deficit grows with drift time; after the BDT's correction the residual no longer
// depends on it, and a reload predicts the same corrections.
TEST(Residual, BdtRegressionRemovesADriftTimeDeficit) {
  const auto o = residual_options();
  const auto train = build_matrix(deficit_table(3000, 2), o, "train");
  const auto val = build_matrix(deficit_table(1500, 3), o, "validation");
  BdtSettings s;
  s.n_trees = 150;
  s.min_child_weight = 20;
  BdtModel bdt(s);
  bdt.set_threads(1);
  FitInputs in;
  in.train = &train;
  in.validation = &val;
  bdt.fit(in);
  EXPECT_TRUE(bdt.is_regression());
  const auto pred = bdt.predict(val);
  std::vector<double> before, after;
  for (std::size_t i = 0; i < val.n_rows(); ++i) {
    const double truth = from_relative_residual(val.target[i], val.base[i]);
    before.push_back(val.base[i] - truth);
    after.push_back(from_relative_residual(pred[i], val.base[i]) - truth);
  }
  const auto& drift = val.values;  // feature 0 of each row
  std::vector<double> t;
  for (std::size_t i = 0; i < val.n_rows(); ++i) t.push_back(drift[i * val.n_features()]);
  const double s_before = slope(t, before), s_after = slope(t, after);
  EXPECT_LT(s_before, -1e-3);  // keV per ns: about -3 keV over the drift range at ~1.6 MeV
  EXPECT_LT(std::fabs(s_after), 0.1 * std::fabs(s_before)) << s_before << " " << s_after;
  test::TempDir dir;
  bdt.save(dir.path(), false);
  BdtModel back;
  back.load(dir.path());
  EXPECT_TRUE(back.is_regression());
  EXPECT_EQ(back.predict(val), pred);
}

// A tenth of the events lost 10 % of their charge, and the pulse shape tells them apart only
// roughly: the squared error pulls the correction of every similar-looking full-charge
// event up (the mean), the absolute error leaves them at their peak (the median).
TEST(Residual, AbsoluteErrorKeepsFullChargeEventsWhereTheLossTailPullsTheMean) {
  core::Rng rng(4, 9);
  std::vector<double> id, truth, base, shape;
  for (std::size_t i = 0; i < 4000; ++i) {
    const bool lost = rng.uniform() < 0.1;
    id.push_back(static_cast<double>(i));
    truth.push_back(2614.5);
    base.push_back(2614.5 * (lost ? 0.9 : 1.0) + rng.normal(0.0, 0.5));
    shape.push_back(rng.normal(lost ? 1.0 : 0.0, 1.0));
  }
  io::Table tab;
  tab.add("id", id);
  tab.add("truth_energy_kev", truth);
  tab.add("energy_label", base);
  tab.add("shape", shape);
  auto o = residual_options();
  o.features = {"shape"};
  const auto m = build_matrix(tab, o, "synthetic");
  std::vector<std::size_t> train, val;
  for (std::size_t i = 0; i < m.n_rows(); ++i) (i % 4 == 0 ? val : train).push_back(i);
  const auto tr = m.subset(train), va = m.subset(val);
  auto bulk_offset_kev = [&](const std::string& loss) {
    BdtSettings s;
    s.n_trees = 100;
    s.min_child_weight = 20;
    s.regression_loss = loss;
    BdtModel bdt(s);
    bdt.set_threads(1);
    FitInputs in;
    in.train = &tr;
    in.validation = &va;
    bdt.fit(in);
    const auto p = bdt.predict(va);
    std::vector<double> off;  // corrected - true, full-charge events
    for (std::size_t i = 0; i < va.n_rows(); ++i)
      if (va.base[i] > 2600.0) off.push_back(from_relative_residual(p[i], va.base[i]) - 2614.5);
    std::nth_element(off.begin(), off.begin() + static_cast<std::ptrdiff_t>(off.size() / 2), off.end());
    return off[off.size() / 2];
  };
  EXPECT_GT(bulk_offset_kev("squared_error"), 1.0);
  EXPECT_LT(std::fabs(bulk_offset_kev("absolute_error")), 0.3);
}
