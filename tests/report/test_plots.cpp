// Every plot of the report: both files written, the labels a physicist looks for present.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "plot_checks.hpp"
#include "synthetic_plots.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/report/plots.hpp"

using namespace wl::report;
using namespace plot_checks;

namespace {

const SyntheticPlots& data() {
  static const SyntheticPlots d = synthetic_plots();
  return d;
}

std::vector<double> residuals_of(const SyntheticPlots& d) {
  std::vector<double> r;
  for (std::size_t i = 0; i < d.energy_kev.size(); ++i)
    r.push_back(d.predicted_kev[i] - d.energy_kev[i]);
  return r;
}

}  // namespace

TEST(Plots, LossCurvesWithAndWithoutValidationMetric) {
  const auto dir = plot_dir("training");
  auto h = data().history;
  const auto p = plot_loss_curves(h, dir / "training", "auc");
  expect_png_and_svg(p);
  expect_texts(p[1],
               {"Loss per epoch", "epoch", "train", "validation", "Validation AUC per epoch"});
  for (auto& r : h) r.val_metric = NAN;  // boosting: losses only
  const auto q = plot_loss_curves(h, dir / "loss_only");
  expect_png_and_svg(q);
  EXPECT_EQ(svg_desc(q[1]).find("Validation"), std::string::npos);
  EXPECT_NO_THROW(plot_loss_curves({h.front()}, dir / "one_epoch"));
  EXPECT_THROW(plot_loss_curves({}, dir / "none"), wl::core::InputError);
  done_with(dir);
}

TEST(Plots, RocAsRejectionVersusEfficiencyWithWorkingPoints) {
  const auto dir = plot_dir("roc");
  const auto& d = data();
  const auto good = wl::eval::roc_curve(d.test.score, d.test.is_signal);
  std::vector<double> worse = d.test.score;
  wl::core::Rng rng(3);
  for (auto& s : worse) s += rng.normal(0.0, 0.3);
  const auto weak = wl::eval::roc_curve(worse, d.test.is_signal);
  LabelledRoc a{"CNN", &good, 0.9, 0.2}, b{"BDT", &weak, 0.9, 0.35};
  const auto p = plot_roc({a, b}, dir / "roc");
  expect_png_and_svg(p);
  expect_texts(p[1], {"background rejection 1/ε_bkg", "signal efficiency ε_sig", "CNN (AUC = 0.",
                      "BDT (AUC = 0.", "A/E DEP-acceptance working point", "random guess"});
  // Without working points there is no working-point legend entry.
  const auto q = plot_roc({{"CNN", &good}}, dir / "roc_plain");
  EXPECT_EQ(svg_desc(q[1]).find("working point"), std::string::npos);
  done_with(dir);
}

TEST(Plots, RocOfAPerfectClassifierKeepsFiniteRejections) {
  const auto dir = plot_dir("roc_perfect");
  const std::vector<double> score{0.1, 0.2, 0.3, 0.8, 0.9, 0.95};
  const std::vector<uint8_t> sig{0, 0, 0, 1, 1, 1};
  const auto perfect = wl::eval::roc_curve(score, sig);  // rejection infinite until eps_s = 1
  const auto p = plot_roc({{"perfect", &perfect, 1.0, 0.0}}, dir / "roc");
  expect_png_and_svg(p);
  expect_texts(p[1], {"perfect: working point (1.000) keeps no background"});
  done_with(dir);
}

TEST(Plots, ScoreDistributionsAndConfusion) {
  const auto dir = plot_dir("scores");
  const auto p =
      plot_score_distributions(data().train, data().test, dir / "scores", {0.42, 0.07, 40});
  expect_png_and_svg(p);
  expect_texts(
      p[1], {"signal, train (KS p = 0.42)", "background, train (KS p = 0.07)", "classifier score"});
  wl::eval::ConfusionMatrix cm;
  cm.tp = 900, cm.fn = 100, cm.fp = 150, cm.tn = 850;
  const auto c = plot_confusion_matrix(cm, dir / "confusion");
  expect_png_and_svg(c);
  expect_texts(c[1], {"predicted class", "true class", "900 (90.0%)"});
  done_with(dir);
}

TEST(Plots, EnergySpectrumLabelsThePeaksInsideTheRange) {
  const auto dir = plot_dir("spectrum");
  const auto& d = data();
  const auto p =
      plot_energy_spectrum(d.energy_kev, d.pass, "A/E cut", dir / "spectrum", {0, 3000, 2});
  expect_png_and_svg(p);
  expect_texts(
      p[1], {"212Pb 238.6", "208Tl 583.2", "212Bi 727.3", "208Tl 860.6", "DEP 1592.5", "SEP 2103.5",
             "FEP 2614.5", "energy (keV)", "counts / 2 keV", "after A/E cut"});
  const auto q =
      plot_energy_spectrum(d.energy_kev, d.pass, "A/E cut", dir / "dep_sep", {1500, 2200, 1});
  const auto desc = svg_desc(q[1]);
  EXPECT_NE(desc.find("DEP 1592.5"), std::string::npos);
  EXPECT_NE(desc.find("SEP 2103.5"), std::string::npos);
  EXPECT_EQ(desc.find("FEP"), std::string::npos);
  EXPECT_EQ(desc.find("583.2"), std::string::npos);
  EXPECT_THROW(plot_energy_spectrum(d.energy_kev, d.pass, "c", dir / "bad", {10, 5, 1}),
               wl::core::InputError);
  done_with(dir);
}

TEST(Plots, AvseVersusEnergyCountsWhatFallsOutside) {
  const auto dir = plot_dir("avse");
  const auto& d = data();
  const auto p = plot_avse_vs_energy(d.energy_kev, d.avse, dir / "avse_vs_energy");
  expect_png_and_svg(p);
  expect_texts(p[1], {"energy (keV)", "A/E (a.u.)", "events per bin",
                      "outside the frame:", "A/E low", "A/E high"});
  // The planted outliers (A/E 8 and -3) are counted, not stretched into the axis.
  std::smatch m;
  const std::string desc = svg_desc(p[1]);
  ASSERT_TRUE(std::regex_search(desc, m, std::regex("(\\d+) A/E high")));
  EXPECT_GE(std::stoul(m[1]), d.energy_kev.size() / 1000);
  done_with(dir);
}

TEST(Plots, SurvivalFractionWithIntervalsAndPeaks) {
  const auto dir = plot_dir("survival");
  std::vector<SurvivalCurve> curves;
  for (const char* name : {"CNN", "A/E cut"}) {
    SurvivalCurve c;
    c.name = name;
    for (double lo = 1000; lo < 2700; lo += 50) {
      const bool dep = lo <= wl::core::kDepKev && wl::core::kDepKev < lo + 50;
      const double v = dep ? 0.9 : (c.name == "CNN" ? 0.3 : 0.4) - 0.05 * (lo - 1000) / 1700;
      c.lo_kev.push_back(lo);
      c.hi_kev.push_back(lo + 50);
      c.value.push_back(lo == 1200 ? NAN : v);  // an empty bin
      c.err_lo.push_back(lo == 1300 ? NAN : v - 0.03);
      c.err_hi.push_back(lo == 1300 ? NAN : v + 0.04);
    }
    curves.push_back(c);
  }
  const auto p = plot_survival_fraction(curves, dir / "survival_vs_energy");
  expect_png_and_svg(p);
  expect_texts(p[1], {"survival fraction", "energy (keV)", "CNN", "A/E cut", "DEP", "SEP", "FEP"});
  curves[0].err_hi.pop_back();
  EXPECT_THROW(plot_survival_fraction(curves, dir / "bad"), wl::core::InputError);
  done_with(dir);
}

TEST(Plots, PredictedVersusTrue) {
  const auto dir = plot_dir("regression");
  const auto& d = data();
  const auto p = plot_predicted_vs_true(d.energy_kev, d.predicted_kev, "energy", "keV",
                                        dir / "predicted_vs_true");
  expect_png_and_svg(p);
  expect_texts(p[1], {"true energy (keV)", "predicted energy (keV)", "predicted = true",
                      "outside the frame:"});
  done_with(dir);
}

// Every residual is either in the histogram or counted below / above it on the plot.
TEST(Plots, ResidualsHideNoEvent) {
  const auto dir = plot_dir("residuals");
  auto r = residuals_of(data());
  r.push_back(NAN);
  const auto p = plot_residuals(r, "keV", dir / "residuals", 2.9);
  expect_png_and_svg(p);
  const std::string desc = svg_desc(p[1]);
  expect_texts(p[1], {"residual (keV)", "FWHM: 2.9 keV", "not finite: 1", "entries: "});
  std::smatch lo, hi;
  ASSERT_TRUE(std::regex_search(desc, lo, std::regex("below (-?[0-9.e+-]+) keV: (\\d+)")));
  ASSERT_TRUE(std::regex_search(desc, hi, std::regex("above (-?[0-9.e+-]+) keV: (\\d+)")));
  const double core_lo = std::stod(lo[1]), core_hi = std::stod(hi[1]);
  std::size_t below = 0, above = 0;
  for (double v : r) below += v<core_lo*(1 + 1e-3), above += v> core_hi * (1 + 1e-3);
  EXPECT_NEAR(static_cast<double>(std::stoul(lo[2])), static_cast<double>(below), 2.0);
  EXPECT_NEAR(static_cast<double>(std::stoul(hi[2])), static_cast<double>(above), 2.0);
  EXPECT_GT(below + above, 300u);  // the planted gross mistakes
  EXPECT_THROW(plot_residuals({NAN}, "keV", dir / "none"), wl::core::InputError);
  EXPECT_NO_THROW(plot_residuals({1.0, 1.0, 1.0}, "keV", dir / "constant"));
  done_with(dir);
}

TEST(Plots, ShapBarChartAndBeeswarmNameTheFeaturesOnTheAxis) {
  const auto dir = plot_dir("shap");
  const auto& d = data();
  const std::size_t nf = d.features.size(), n = d.shap.size() / nf;
  std::vector<double> mean_abs(nf, 0.0);
  for (std::size_t i = 0; i < n * nf; ++i) mean_abs[i % nf] += std::fabs(d.shap[i]) / n;
  const auto bars = plot_shap_importance(d.features, mean_abs, dir / "shap_importance");
  expect_png_and_svg(bars);
  expect_texts(bars[1],
               {"A/E (a.u.)", "drift_time_ns", "tail_slope", "lq", "mean |SHAP value| (log-odds)"});
  const auto swarm = plot_shap_beeswarm(d.features, d.shap, d.feature_value, dir / "shap_beeswarm");
  expect_png_and_svg(swarm);
  expect_texts(swarm[1], {"A/E (a.u.)", "baseline_rms", "feature value", "low", "high",
                          "SHAP value (log-odds"});
  // At most max_features rows, the most important ones.
  const auto top3 = plot_shap_beeswarm(d.features, d.shap, d.feature_value, dir / "top3", 3);
  const auto desc = svg_desc(top3[1]);
  EXPECT_NE(desc.find("top 3 of 8"), std::string::npos);
  EXPECT_NE(desc.find("drift_time_ns"), std::string::npos);
  EXPECT_EQ(desc.find("baseline_rms"), std::string::npos);
  EXPECT_THROW(plot_shap_importance({"a"}, {1.0, 2.0}, dir / "bad"), wl::core::InputError);
  EXPECT_THROW(plot_shap_beeswarm({"a", "b"}, {1.0f, 2.0f, 3.0f}, {1, 2, 3}, dir / "bad"),
               wl::core::InputError);
  done_with(dir);
}

TEST(Plots, ResolutionAndWaveforms) {
  const auto dir = plot_dir("misc");
  std::vector<wl::eval::ResolutionBin> bins(3), peaks(1);
  for (int k = 0; k < 3; ++k) {
    bins[k].center_kev = 750 + 500 * k;
    bins[k].resolution.fwhm_interpolated = 2.0 + 0.5 * k;
  }
  peaks[0].center_kev = wl::core::kTl208PeakKev;
  peaks[0].name = "FEP";
  peaks[0].resolution.fwhm_interpolated = 3.4;
  const auto r = plot_resolution_vs_energy(bins, peaks, dir / "resolution");
  expect_png_and_svg(r);
  expect_texts(r[1], {"FWHM of residuals (keV)", "228Th peaks", "FEP", "energy bins"});
  const auto w = plot_waveforms(data().waveforms, dir / "waveforms");
  expect_png_and_svg(w);
  expect_texts(w[1], {"time (µs)", "single-site", "multi-site"});
  done_with(dir);
}
