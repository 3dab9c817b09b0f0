// The Gaussian process against closed forms computed here with an independent solver, its
// hyper-parameter fits (marginal likelihood up, ARD switching off an irrelevant feature),
// Laplace classification on a toy problem, and the tabular model's save/reload.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tabular/synthetic.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/core/split.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/tabular/gp.hpp"

using namespace wl;
using namespace wl::tabular;

namespace {

using Matrix = std::vector<std::vector<double>>;

// Solves A X = B by Gaussian elimination with partial pivoting (A n x n, B n x m); det
// receives det(A). Independent of the Cholesky/libtorch path under test.
Matrix solve(Matrix a, Matrix b, double* det = nullptr) {
  const std::size_t n = a.size(), m = b[0].size();
  double d = 1.0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    if (p != c) std::swap(a[p], a[c]), std::swap(b[p], b[c]), d = -d;
    d *= a[c][c];
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = a[r][c] / a[c][c];
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      for (std::size_t k = 0; k < m; ++k) b[r][k] -= f * b[c][k];
    }
  }
  Matrix x(n, std::vector<double>(m));
  for (std::size_t r = n; r-- > 0;)
    for (std::size_t k = 0; k < m; ++k) {
      double s = b[r][k];
      for (std::size_t j = r + 1; j < n; ++j) s -= a[r][j] * x[j][k];
      x[r][k] = s / a[r][r];
    }
  if (det) *det = d;
  return x;
}

double k1(double a, double b, double length, double signal) {
  return signal * std::exp(-0.5 * (a - b) * (a - b) / (length * length));
}

struct Toy1d {
  std::vector<double> x{-1.3, -0.4, 0.2, 0.9, 1.7}, y{0.8, -0.3, 0.1, 1.2, -0.6};
  std::vector<double> x_test{-2.0, -0.1, 0.5, 6.0};
  RbfArdKernel kernel() const {
    RbfArdKernel k;
    k.length_scale = {0.8};
    k.signal_variance = 1.3;
    k.noise_variance = 0.05;
    k.jitter = 0.0;  // the closed form has none
    return k;
  }
  Matrix gram() const {  // K + noise I
    const auto k = kernel();
    Matrix g(x.size(), std::vector<double>(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i)
      for (std::size_t j = 0; j < x.size(); ++j)
        g[i][j] = k1(x[i], x[j], 0.8, 1.3) + (i == j ? k.noise_variance : 0.0);
    return g;
  }
};

// Standardised 2-feature inputs: x0 uniform on [-2, 2] carries y, x1 is irrelevant.
struct ArdData {
  std::vector<double> x, y;
};

ArdData ard_data(std::size_t n, uint64_t seed) {
  core::Rng rng(seed, 3);
  ArdData d;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = rng.uniform(-2.0, 2.0), b = rng.uniform(-2.0, 2.0);
    d.x.push_back(a);
    d.x.push_back(b);
    d.y.push_back(std::sin(2.0 * a) + 0.1 * rng.normal());
  }
  return d;
}

struct Split {
  FeatureMatrix train, test;
};

Split toy_classification(std::size_t n, uint64_t seed) {
  const auto t = test::synthetic_table(n, seed, 3.0);  // best AUC Phi(3 / sqrt 2) = 0.98
  MatrixOptions o;
  o.features = {"noise1", "informative", "weak"};
  o.label = "psd_label_test";
  const auto m = build_matrix(t, o, "synthetic");
  std::vector<int64_t> ids;
  for (double id : m.id) ids.push_back(static_cast<int64_t>(id));
  const auto parts = core::assign_parts(ids, {0.6, 0.4, 0.0}, seed, core::GroupBy::kEvent);
  std::vector<std::size_t> train, test;
  for (std::size_t i = 0; i < parts.size(); ++i) (parts[i] == core::kTrainPart ? train : test).push_back(i);
  return {m.subset(train), m.subset(test)};
}

}  // namespace

TEST(GpRegression, PosteriorMatchesClosedForm) {
  const Toy1d toy;
  GpRegression gp;
  gp.condition(toy.x, 1, toy.y, toy.kernel());
  const auto p = gp.predict(toy.x_test);
  // mean = K*^T (K + s2 I)^-1 y, var = k** - K*^T (K + s2 I)^-1 K*, by elimination.
  const std::size_t n = toy.x.size(), m = toy.x_test.size();
  Matrix rhs(n, std::vector<double>(m + 1));
  for (std::size_t i = 0; i < n; ++i) {
    rhs[i][0] = toy.y[i];
    for (std::size_t j = 0; j < m; ++j) rhs[i][j + 1] = k1(toy.x[i], toy.x_test[j], 0.8, 1.3);
  }
  const Matrix sol = solve(toy.gram(), rhs);
  for (std::size_t j = 0; j < m; ++j) {
    double mean = 0, quad = 0;
    for (std::size_t i = 0; i < n; ++i) {
      mean += rhs[i][j + 1] * sol[i][0];
      quad += rhs[i][j + 1] * sol[i][j + 1];
    }
    EXPECT_NEAR(p.mean[j], mean, 1e-9) << j;
    EXPECT_NEAR(p.variance[j], 1.3 - quad, 1e-9) << j;
  }
  // Far from the data the prior comes back: mean 0, variance signal_variance.
  EXPECT_NEAR(p.mean[3], 0.0, 1e-3);
  EXPECT_NEAR(p.variance[3], 1.3, 1e-3);
  const auto noisy = gp.predict(toy.x_test, /*with_noise=*/true);
  EXPECT_NEAR(noisy.variance[1], p.variance[1] + 0.05, 1e-12);
}

TEST(GpRegression, MarginalLikelihoodMatchesClosedFormAndFitIncreasesIt) {
  const Toy1d toy;
  GpRegression gp;
  gp.condition(toy.x, 1, toy.y, toy.kernel());
  Matrix y(toy.y.size(), std::vector<double>(1));
  for (std::size_t i = 0; i < y.size(); ++i) y[i][0] = toy.y[i];
  double det = 0;
  const Matrix alpha = solve(toy.gram(), y, &det);
  double quad = 0;
  for (std::size_t i = 0; i < y.size(); ++i) quad += toy.y[i] * alpha[i][0];
  const double n = static_cast<double>(toy.y.size());
  const double closed = -0.5 * quad - 0.5 * std::log(det) - 0.5 * n * std::log(2.0 * M_PI);
  EXPECT_NEAR(gp.log_marginal_likelihood(), closed, 1e-9);

  GpOptimiser o;
  o.iterations = 80;
  GpRegression fitted;
  const auto history = fitted.fit(toy.x, 1, toy.y, toy.kernel(), o, /*standardise_targets=*/false);
  ASSERT_EQ(history.size(), 80u);
  EXPECT_NEAR(history.front(), closed, 1e-9);  // the fit starts where conditioning stands
  EXPECT_GT(fitted.log_marginal_likelihood(), closed + 0.1);
  for (double v : history) EXPECT_GE(fitted.log_marginal_likelihood(), v - 1e-9);  // best kept
}

TEST(GpRegression, ArdGivesTheIrrelevantFeatureTheLongerLengthScale) {
  const auto d = ard_data(150, 5);
  RbfArdKernel start;
  start.length_scale = {1.0, 1.0};
  start.noise_variance = 0.1;
  GpOptimiser o;
  o.iterations = 120;
  GpRegression gp;
  gp.fit(d.x, 2, d.y, start, o);
  const auto& k = gp.kernel();
  EXPECT_GT(k.length_scale[1], 5.0 * k.length_scale[0]) << k.length_scale[0] << " " << k.length_scale[1];
  // The fitted noise is near the true 0.1^2 (relative to the standardised targets).
  const auto test = ard_data(50, 6);
  const auto p = gp.predict(test.x, true);
  double se = 0;
  for (std::size_t i = 0; i < test.y.size(); ++i) se += (p.mean[i] - test.y[i]) * (p.mean[i] - test.y[i]);
  EXPECT_LT(std::sqrt(se / double(test.y.size())), 0.2);
}

TEST(GpClassifier, HyperParameterFitIncreasesTheLaplaceEvidence) {
  const auto s = toy_classification(300, 8);
  const auto scaler = Standardizer::fit(s.train);
  const auto z = scaler.apply(s.train);
  RbfArdKernel start;
  start.length_scale = {1.0, 1.0, 1.0};
  GpOptimiser o;
  o.iterations = 60;
  RbfArdKernel fitted;
  const auto history = GpClassifier::fit_hyperparameters(z, 3, s.train.label, {}, start, o, fitted);
  GpClassifier at_start, at_fit;
  at_start.condition(z, 3, s.train.label, {}, start);
  at_fit.condition(z, 3, s.train.label, {}, fitted);
  EXPECT_NEAR(history.front(), at_start.log_marginal_likelihood(), 1e-6);
  EXPECT_GT(at_fit.log_marginal_likelihood(), at_start.log_marginal_likelihood() + 10.0);
  // The informative feature (index 1) gets the shortest length scale; the noise ones grow.
  EXPECT_LT(fitted.length_scale[1], fitted.length_scale[0]);
  EXPECT_LT(fitted.length_scale[1], fitted.length_scale[2]);
  EXPECT_GT(fitted.length_scale[0], 2.0);
}

// The gradient the fit climbs is that of the evidence itself, with the Laplace mode's own
// dependence on the hyper-parameters (GPML's implicit term) and with event weights.
TEST(GpClassifier, EvidenceGradientMatchesFiniteDifferences) {
  const auto s = toy_classification(200, 11);
  const auto z = Standardizer::fit(s.train).apply(s.train);
  std::vector<double> w;
  for (uint8_t y : s.train.label) w.push_back(y ? 1.7 : 0.6);
  RbfArdKernel k;
  k.length_scale = {0.7, 1.3, 2.0};
  k.signal_variance = 2.5;
  const auto g = GpClassifier::log_evidence_gradient(z, 3, s.train.label, w, k);
  ASSERT_EQ(g.size(), 4u);
  const double h = 1e-5;
  for (std::size_t p = 0; p < 4; ++p) {
    auto evidence = [&](double step) {
      RbfArdKernel moved = k;
      (p < 3 ? moved.length_scale[p] : moved.signal_variance) *= std::exp(step);
      GpClassifier c;
      c.condition(z, 3, s.train.label, w, moved);
      return c.log_marginal_likelihood();
    };
    const double fd = (evidence(h) - evidence(-h)) / (2 * h);
    EXPECT_NEAR(g[p], fd, 1e-5 * (1.0 + std::fabs(fd))) << p;
  }
}

// Labels drawn from P(t = 1 | x) = sigmoid(2 sin(1.5 x0) + 1.5 cos(1.2 x1)): both features
// matter and the labels are noisy, so the evidence has an interior maximum.
TEST(GpClassifier, FitEndsAtALocalMaximumOfTheLaplaceEvidence) {
  core::Rng rng(12, 4);
  std::vector<double> z;
  std::vector<uint8_t> t;
  for (int i = 0; i < 250; ++i) {
    const double a = rng.uniform(-2.5, 2.5), b = rng.uniform(-2.5, 2.5);
    z.push_back(a);
    z.push_back(b);
    const double f = 2.0 * std::sin(1.5 * a) + 1.5 * std::cos(1.2 * b);
    t.push_back(rng.uniform() < 1.0 / (1.0 + std::exp(-f)) ? 1 : 0);
  }
  RbfArdKernel start;
  start.length_scale = {1.0, 1.0};
  GpOptimiser o;
  o.iterations = 150;
  RbfArdKernel fitted;
  GpClassifier::fit_hyperparameters(z, 2, t, {}, start, o, fitted);
  GpClassifier at_fit;
  at_fit.condition(z, 2, t, {}, fitted);
  // A step of 0.3 in any log-parameter lowers the evidence: the gradient, with the mode's
  // implicit dependence on the hyper-parameters, led to the maximum.
  for (std::size_t p = 0; p < 3; ++p)
    for (double step : {-0.3, 0.3}) {
      RbfArdKernel k = fitted;
      (p < 2 ? k.length_scale[p] : k.signal_variance) *= std::exp(step);
      GpClassifier moved;
      moved.condition(z, 2, t, {}, k);
      EXPECT_LT(moved.log_marginal_likelihood(), at_fit.log_marginal_likelihood()) << p << " " << step;
    }
}

TEST(GpModel, SeparatesToyClassesAndReloadsIdentically) {
  const auto s = toy_classification(700, 9);
  GpSettings settings;
  settings.optimiser.iterations = 40;
  settings.max_train_events = 300;  // subsampled: summary says so
  settings.batch_events = 64;       // several batches
  GpModel gp(settings);
  gp.set_threads(1);
  FitInputs in;
  in.train = &s.train;
  gp.fit(in);
  std::vector<double> spread;
  const auto score = gp.predict_with_std(s.test, spread);
  ASSERT_EQ(spread.size(), score.size());
  EXPECT_GT(eval::roc_auc(score, s.test.label), 0.9);
  for (std::size_t i = 0; i < score.size(); ++i) {
    EXPECT_GE(score[i], 0.0);
    EXPECT_LE(score[i], 1.0);
    EXPECT_GT(spread[i], 0.0);
  }
  const auto summary = gp.summary();
  EXPECT_EQ(summary["n_train_events"], 300u);
  EXPECT_TRUE(summary["subsampled"].get<bool>());
  EXPECT_EQ(gp.history().size(), 40u);

  test::TempDir dir;
  gp.save(dir.path(), false);
  EXPECT_THROW(gp.save(dir.path(), false), core::InputError);  // no silent overwrite
  GpModel back;
  back.set_threads(1);
  back.load(dir.path());
  std::vector<double> spread_back;
  const auto score_back = back.predict_with_std(s.test, spread_back);
  for (std::size_t i = 0; i < score.size(); ++i) {
    ASSERT_EQ(score_back[i], score[i]) << i;
    ASSERT_EQ(spread_back[i], spread[i]) << i;
  }
  EXPECT_EQ(back.summary()["n_train_available"], summary["n_train_available"]);
}

TEST(GpModel, FarFromTheDataTheLatentSpreadIsThePriorsAndTheScoreHalf) {
  const auto s = toy_classification(300, 10);
  GpSettings settings;
  settings.optimiser.iterations = 0;  // fixed hyper-parameters
  settings.length_scale = 1.0;
  settings.signal_variance = 4.0;
  GpModel gp(settings);
  FitInputs in;
  in.train = &s.train;
  gp.fit(in);
  auto far = s.test.subset({0});
  for (float& v : far.values) v = 1e4f;
  std::vector<double> spread;
  const auto score = gp.predict_with_std(far, spread);
  EXPECT_NEAR(spread[0], 2.0, 1e-6);
  EXPECT_NEAR(score[0], 0.5, 1e-6);
}

namespace {

// A one-feature regression matrix in raw units (x in ns, y in keV, say): the tabular model
// must standardise both and give the answer back in y's units.
FeatureMatrix regression_matrix(const std::vector<double>& x, const std::vector<double>& y) {
  FeatureMatrix m;
  m.feature_names = {"x_ns"};
  for (std::size_t i = 0; i < x.size(); ++i) {
    m.values.push_back(static_cast<float>(x[i]));
    m.id.push_back(static_cast<double>(i));
    m.source_row.push_back(i);
  }
  m.target = y;
  return m;
}

}  // namespace

// model.task = "regression": with fixed hyper-parameters the tabular GP's prediction is the
// closed form on standardised x and y (sample standard deviation of y), mapped back to y's
// units, and its spread includes the noise variance: sigma^2 = sd_y^2 (k** - q + s2).
TEST(GpModel, RegressionPosteriorMatchesClosedFormInTheTargetsUnits) {
  const std::vector<double> x{10, 40, 55, 90, 120}, y{500, 530, 525, 580, 560};
  const auto train = regression_matrix(x, y);
  const auto test = regression_matrix({25, 70, 400}, {0, 0, 0});
  GpSettings settings;
  settings.regression = true;
  settings.optimiser.iterations = 0;
  settings.length_scale = 0.8;
  settings.signal_variance = 1.3;
  settings.noise_variance = 0.05;
  GpModel gp(settings);
  FitInputs in;
  in.train = &train;
  gp.fit(in);
  std::vector<double> sigma;
  const auto mean = gp.predict_with_std(test, sigma);

  const auto scaler = Standardizer::fit(train);
  const auto z = scaler.apply(train), zt = scaler.apply(test);
  double y_mean = 0, ss = 0;
  for (double v : y) y_mean += v / 5.0;
  for (double v : y) ss += (v - y_mean) * (v - y_mean);
  const double y_sd = std::sqrt(ss / 4.0);
  Matrix g(5, std::vector<double>(5)), rhs(5, std::vector<double>(4));
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 5; ++j) g[i][j] = k1(z[i], z[j], 0.8, 1.3) + (i == j ? 0.05 : 0.0);
    rhs[i][0] = (y[i] - y_mean) / y_sd;
    for (std::size_t j = 0; j < 3; ++j) rhs[i][j + 1] = k1(z[i], zt[j], 0.8, 1.3);
  }
  const Matrix sol = solve(g, rhs);
  for (std::size_t j = 0; j < 3; ++j) {
    double mu = 0, quad = 0;
    for (std::size_t i = 0; i < 5; ++i) mu += rhs[i][j + 1] * sol[i][0], quad += rhs[i][j + 1] * sol[i][j + 1];
    EXPECT_NEAR(mean[j], y_mean + y_sd * mu, 1e-5) << j;  // the kernel's jitter (1e-8) aside
    EXPECT_NEAR(sigma[j], y_sd * std::sqrt(1.3 - quad + 0.05), 1e-5) << j;
  }
  // Far from the data: the targets' mean, and the prior's spread plus the noise.
  EXPECT_NEAR(mean[2], y_mean, 1e-6);
  EXPECT_NEAR(sigma[2], y_sd * std::sqrt(1.3 + 0.05), 1e-6);
  EXPECT_TRUE(gp.is_regression());
  EXPECT_EQ(gp.summary()["task"], "regression");
}

// Fitted on a noisy toy (sd 0.1): the test RMSE is near the noise, about 68 % of the test
// targets lie within one predicted sigma, and a reload gives the same numbers bit for bit.
TEST(GpModel, RegressionFitsNoiseAndReloadsIdentically) {
  core::Rng rng(21, 3);
  std::vector<double> x, y;
  for (int i = 0; i < 600; ++i) {
    x.push_back(rng.uniform(0.0, 100.0));
    y.push_back(1000.0 + 2.0 * std::sin(x.back() / 15.0) + rng.normal(0.0, 0.1));
  }
  const auto all = regression_matrix(x, y);
  std::vector<std::size_t> tr, te;
  for (std::size_t i = 0; i < 600; ++i) (i < 300 ? tr : te).push_back(i);
  const auto train = all.subset(tr), test = all.subset(te);
  GpSettings settings;
  settings.regression = true;
  settings.optimiser.iterations = 60;
  settings.optimiser.learning_rate = 0.1;  // the noise variance falls from 0.1 to ~0.005
  settings.hyper_events = 200;
  settings.batch_events = 64;
  GpModel gp(settings);
  gp.set_threads(1);
  FitInputs in;
  in.train = &train;
  gp.fit(in);
  std::vector<double> sigma;
  const auto mean = gp.predict_with_std(test, sigma);
  double se = 0;
  std::size_t inside = 0;
  for (std::size_t i = 0; i < mean.size(); ++i) {
    se += (mean[i] - test.target[i]) * (mean[i] - test.target[i]);
    inside += std::abs(mean[i] - test.target[i]) <= sigma[i];
  }
  EXPECT_LT(std::sqrt(se / 300.0), 0.13);
  EXPECT_NEAR(static_cast<double>(inside) / 300.0, 0.68, 0.08) << gp.summary().dump();
  EXPECT_EQ(gp.history().size(), 60u);

  test::TempDir dir;
  gp.save(dir.path(), false);
  GpModel back;
  back.set_threads(1);
  back.load(dir.path());
  ASSERT_TRUE(back.is_regression());
  std::vector<double> sigma_back;
  const auto mean_back = back.predict_with_std(test, sigma_back);
  for (std::size_t i = 0; i < mean.size(); ++i) {
    ASSERT_EQ(mean_back[i], mean[i]) << i;
    ASSERT_EQ(sigma_back[i], sigma[i]) << i;
  }
}
