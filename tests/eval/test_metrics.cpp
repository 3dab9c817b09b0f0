#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/confusion.hpp"
#include "wavelearn/eval/json.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/eval/truth.hpp"

using namespace wl::eval;

TEST(Confusion, HandCountedAtThreshold) {
  // score > 0.5 is called signal; 0.5 itself is background.
  const std::vector<double> s{0.9, 0.7, 0.5, 0.2, 0.6, 0.4, 0.1, 0.3};
  const std::vector<uint8_t> y{1, 1, 1, 1, 0, 0, 0, 0};
  const auto cm = confusion_matrix(s, y, 0.5);
  EXPECT_EQ(cm.tp, 2u);
  EXPECT_EQ(cm.fn, 2u);
  EXPECT_EQ(cm.fp, 1u);
  EXPECT_EQ(cm.tn, 3u);
  EXPECT_DOUBLE_EQ(cm.tpr(), 0.5);
  EXPECT_DOUBLE_EQ(cm.fpr(), 0.25);
  EXPECT_DOUBLE_EQ(cm.accuracy(), 5.0 / 8.0);
  EXPECT_DOUBLE_EQ(cm.precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(cm.recall(), 0.5);
  EXPECT_DOUBLE_EQ(cm.f1(), 2 * (2.0 / 3.0) * 0.5 / (2.0 / 3.0 + 0.5));
  EXPECT_DOUBLE_EQ(cm.background_rejection(), 0.75);
  const auto strict = confusion_matrix(s, y, 0.45);
  EXPECT_EQ(strict.tp, 3u);
  // Nothing selected: precision undefined, not zero.
  EXPECT_TRUE(std::isnan(confusion_matrix(s, y, 1.0).precision()));
  // From decisions.
  const auto cut =
      confusion_matrix(std::vector<uint8_t>{1, 0, 1, 0}, std::vector<uint8_t>{1, 1, 0, 0});
  EXPECT_EQ(cut.tp + cut.fn + cut.fp + cut.tn, 4u);
  EXPECT_EQ(cut.tp, 1u);
  EXPECT_EQ(cut.fp, 1u);
}

TEST(Confusion, Multiclass) {
  const std::vector<int> t{0, 0, 1, 1, 1, 2, 2, 2, 2};
  const std::vector<int> p{0, 1, 1, 1, 2, 2, 2, 0, 2};
  const auto m = multiclass_confusion(t, p, 3);
  EXPECT_EQ(m.counts[0][0], 1u);
  EXPECT_EQ(m.counts[0][1], 1u);
  EXPECT_EQ(m.counts[1][2], 1u);
  EXPECT_EQ(m.counts[2][0], 1u);
  EXPECT_EQ(m.counts[2][2], 3u);
  EXPECT_DOUBLE_EQ(m.accuracy(), 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(m.recall(2), 0.75);
  EXPECT_DOUBLE_EQ(m.precision(2), 0.75);
  EXPECT_DOUBLE_EQ(m.precision(0), 0.5);
  EXPECT_THROW(multiclass_confusion({0, 3}, {0, 0}, 3), wl::core::InputError);
  EXPECT_EQ(argmax_rows({0.1f, 0.7f, 0.2f, 0.9f, 0.05f, 0.05f}, 3), (std::vector<int>{1, 0}));
}

TEST(Ks, StatisticByHandAndKnownCriticalValues) {
  const auto r = ks_two_sample({1, 2, 3}, {2.5, 4, 5, 6});
  EXPECT_DOUBLE_EQ(r.statistic, 0.75);
  // Tabulated Kolmogorov critical values: P(K > 1.3581) = 0.05, 1.2238 -> 0.10, 1.6276 -> 0.01.
  EXPECT_NEAR(kolmogorov_survival(1.3581), 0.05, 2e-4);
  EXPECT_NEAR(kolmogorov_survival(1.2238), 0.10, 2e-4);
  EXPECT_NEAR(kolmogorov_survival(1.6276), 0.01, 1e-4);
  EXPECT_DOUBLE_EQ(kolmogorov_survival(0.0), 1.0);
  // The two series used below and above z = 1 agree at the switch.
  EXPECT_NEAR(kolmogorov_survival(0.999999), kolmogorov_survival(1.000001), 1e-5);
  // Identical samples: D = 0, p = 1.
  const auto same = ks_two_sample({0.1, 0.2, 0.2, 0.4}, {0.4, 0.2, 0.1, 0.2});
  EXPECT_DOUBLE_EQ(same.statistic, 0.0);
  EXPECT_DOUBLE_EQ(same.p_value, 1.0);
  EXPECT_THROW(ks_two_sample({}, {1.0}), wl::core::InputError);
}

TEST(Ks, OvertrainingCheckFlagsShiftedTrainScores) {
  wl::core::Rng rng(5);
  std::vector<double> tr, te;
  std::vector<uint8_t> ytr, yte;
  for (int i = 0; i < 4000; ++i) {
    const bool sig = i % 2;
    // Signal scores on the training sample are pushed up (memorised); background is not.
    tr.push_back(rng.normal(sig ? 1.3 : 0.0, 1.0));
    ytr.push_back(sig);
    te.push_back(rng.normal(sig ? 1.0 : 0.0, 1.0));
    yte.push_back(sig);
  }
  const auto c = overtraining_check(tr, ytr, te, yte);
  EXPECT_LT(c.signal.p_value, 1e-6);
  EXPECT_GT(c.background.p_value, 1e-3);
  EXPECT_EQ(c.signal.n_a, 2000u);
}

TEST(Regression, FwhmOfKnownGaussian) {
  wl::core::Rng rng(9);
  const double sigma = 2.5;
  std::vector<double> v(100000);
  for (auto& x : v) x = rng.normal(3.0, sigma);
  const auto f = fwhm(v);
  const double expected = wl::core::kFwhmPerSigma * sigma;
  EXPECT_NEAR(f.fwhm_interpolated, expected, 0.03 * expected);
  EXPECT_NEAR(f.fwhm_gaussian, expected, 0.02 * expected);
  EXPECT_NEAR(f.gaussian_mean, 3.0, 0.05);
  EXPECT_TRUE(std::isnan(fwhm({1.0, 2.0}).fwhm_interpolated));
}

TEST(Regression, GaussianFitIgnoresTails) {
  wl::core::Rng rng(10);
  std::vector<double> v;
  for (int i = 0; i < 50000; ++i) v.push_back(rng.normal(0.0, 1.0));
  for (int i = 0; i < 5000; ++i) v.push_back(rng.exponential(20.0));  // one-sided tail
  const auto f = fwhm(v);
  EXPECT_NEAR(f.fwhm_gaussian, wl::core::kFwhmPerSigma, 0.1);
}

TEST(Regression, MetricsAndResolutionVsEnergy) {
  const auto r = regression_metrics({1.0, 2.0, 4.0}, {1.5, 2.0, 3.0});
  EXPECT_DOUBLE_EQ(r.mse, (0.25 + 0 + 1.0) / 3.0);
  EXPECT_DOUBLE_EQ(r.mae, 1.5 / 3.0);
  EXPECT_DOUBLE_EQ(r.mean_residual, 0.5 / 3.0);
  EXPECT_THROW(regression_metrics({1.0}, {1.0, 2.0}), wl::core::InputError);

  // Resolution grows with energy: sigma = 1 keV + 0.001 * E.
  wl::core::Rng rng(12);
  std::vector<double> truth, pred;
  for (int i = 0; i < 60000; ++i) {
    const double e = rng.uniform(500.0, 2700.0);
    truth.push_back(e);
    pred.push_back(e + rng.normal(0.0, 1.0 + 0.001 * e));
  }
  const auto bins = resolution_vs_energy(pred, truth, {500, 1000, 1500, 2000, 2700});
  ASSERT_EQ(bins.size(), 4u);
  for (const auto& b : bins) {
    const double expected = wl::core::kFwhmPerSigma * (1.0 + 0.001 * b.center_kev);
    EXPECT_NEAR(b.resolution.fwhm_gaussian, expected, 0.08 * expected) << b.center_kev;
  }
  EXPECT_LT(bins.front().resolution.fwhm_gaussian, bins.back().resolution.fwhm_gaussian);
  const auto peaks = resolution_at_peaks(pred, truth, 20.0);
  ASSERT_EQ(peaks.size(), 4u);
  EXPECT_EQ(peaks[1].name, "DEP");
  EXPECT_DOUBLE_EQ(peaks[1].center_kev, wl::core::kDepKev);
  EXPECT_GT(peaks[1].n, 100u);
  EXPECT_THROW(resolution_vs_energy(pred, truth, {1000, 500}), wl::core::InputError);
}

TEST(Truth, EfficiencyAndRejectionPerRegion) {
  const double dep = wl::core::kDepKev, fep = wl::core::kTl208PeakKev;
  // DEP: 4 SS (3 pass), 1 MS (passes). FEP: 2 SS (2 pass), 4 MS (1 passes). One outside.
  const std::vector<double> e{dep, dep, dep, dep, dep, fep, fep, fep, fep, fep, fep, 1000};
  const std::vector<uint8_t> ss{1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 1};
  const std::vector<uint8_t> pass{1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1};
  const auto ev = truth_evaluation("model", pass, ss, e, default_truth_regions());
  ASSERT_EQ(ev.regions.size(), 4u);
  const auto& d = ev.regions[0];
  EXPECT_EQ(d.region.name, "DEP");
  EXPECT_EQ(d.n_single_site, 4u);
  EXPECT_DOUBLE_EQ(d.single_site_efficiency, 0.75);
  EXPECT_DOUBLE_EQ(d.multi_site_rejection, 0.0);
  const auto& f = ev.regions[2];
  EXPECT_EQ(f.region.name, "FEP");
  EXPECT_DOUBLE_EQ(f.single_site_efficiency, 1.0);
  EXPECT_DOUBLE_EQ(f.multi_site_rejection, 0.75);
  EXPECT_DOUBLE_EQ(f.survival_fraction, 3.0 / 6.0);
  EXPECT_TRUE(std::isnan(ev.regions[1].single_site_efficiency));  // SEP: empty
  EXPECT_EQ(pass_from_score({0.2, 0.6}, 0.5), (std::vector<uint8_t>{0, 1}));
}

TEST(Json, BinaryEvaluationSerialises) {
  wl::core::Rng rng(4);
  std::vector<double> s(3000);
  std::vector<uint8_t> y(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    y[i] = rng.uniform() < 0.5;
    s[i] = rng.normal() + (y[i] ? 1.0 : 0.0);
  }
  BinaryEvalOptions opt;
  opt.bootstrap_replicas = 20;
  const auto ev = evaluate_binary(s, y, opt);
  const nlohmann::json j = ev;
  EXPECT_DOUBLE_EQ(j["roc"]["auc"].get<double>(), ev.roc.auc);
  EXPECT_LE(j["roc"]["points"].size(), kMaxRocPointsJson);
  EXPECT_EQ(j["roc"]["n_points"].get<std::size_t>(), ev.roc.points.size());
  EXPECT_TRUE(j["roc"]["points"][0]["threshold"].is_null());  // +inf
  EXPECT_EQ(j["confusion"]["tp"].get<std::size_t>(), ev.confusion.tp);
  EXPECT_EQ(j["efficiency_at_rejection"].size(), 2u);
  // Round trip through text stays valid JSON.
  EXPECT_NO_THROW(nlohmann::json::parse(j.dump()));
  const nlohmann::json r = regression_metrics({1.0, 2.0}, {1.0, 2.5});
  EXPECT_TRUE(r["resolution"]["fwhm_interpolated"].is_null());  // too few events
}

TEST(Multiclass, OneVsRestAuc) {
  // Class 0 perfectly ranked by its column; class 1 reversed; class 2 absent.
  const std::vector<float> sc{0.9f, 0.1f,  0.0f,   // true 0
                              0.8f, 0.2f,  0.0f,   // true 0
                              0.1f, 0.0f,  0.0f,   // true 1
                              0.2f, 0.05f, 0.0f};  // true 1
  const auto a = one_vs_rest_auc(sc, 3, {0, 0, 1, 1});
  ASSERT_EQ(a.size(), 3u);
  EXPECT_DOUBLE_EQ(a[0], 1.0);
  EXPECT_DOUBLE_EQ(a[1], 0.0);
  EXPECT_TRUE(std::isnan(a[2]));
  EXPECT_THROW(one_vs_rest_auc(sc, 3, {0, 1}), wl::core::InputError);
}
