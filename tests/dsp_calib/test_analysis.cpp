// A/E, DCR and LQ cuts and the whole analysis on synthetic feature tables.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "synthetic.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/dsp/analysis.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace {

using namespace wl::dsp;
using wl::test::SynthConfig;
using wl::test::SynthDetector;

// One analysed data set shared by the tests of this file (generation + analysis ~ 1 s).
struct Analysed {
  SynthConfig cfg;
  wl::test::SynthData data;
  AnalysisResult result;
};

const Analysed& analysed() {
  static const Analysed a = [] {
    Analysed x;
    x.cfg.detectors = {SynthDetector{1, 3.9, 4.0, 120000, 0.050}, SynthDetector{4, 4.6, -6.0, 120000, 0.056}};
    x.data = wl::test::make_synthetic(x.cfg);
    x.result = analyse(x.data.features, x.data.detector);
    return x;
  }();
  return a;
}

// Fraction of good events with the given truth process (and optional extra condition) passing.
template <typename Pred>
double truth_fraction(const Analysed& a, const std::vector<uint8_t>& pass, Pred pred) {
  double n = 0, k = 0;
  for (std::size_t i = 0; i < pass.size(); ++i) {
    if (a.data.features[i].quality != kQualityOk || !pred(i)) continue;
    n += 1;
    k += pass[i];
  }
  return n > 0 ? k / n : -1.0;
}

TEST(Analysis, LowAvseKeepsNinetyPercentOfDep) {
  const auto& a = analysed();
  for (int32_t det : {1, 4}) {
    const double acc = truth_fraction(a, a.result.pass_low_avse, [&](std::size_t i) {
      return a.data.process[i] == wl::test::kDep && a.data.detector[i] == det;
    });
    EXPECT_NEAR(acc, 0.90, 0.01) << "detector " << det;
    EXPECT_FALSE(a.result.cuts.for_detector(det).pooled);
  }
  // Multi-site-rich peaks survive far less than the DEP; the continuum lies between.
  const auto& surv = a.result.summary.survival;
  ASSERT_EQ(surv.size(), 4u);
  EXPECT_EQ(surv[0].region, "DEP");
  EXPECT_NEAR(surv[0].low_avse, 0.90, 0.02);
  EXPECT_LT(surv[1].low_avse, 0.5);  // SEP
  EXPECT_LT(surv[2].low_avse, 0.5);  // FEP
  EXPECT_GT(surv[3].low_avse, surv[1].low_avse);
  EXPECT_LT(surv[3].low_avse, surv[0].low_avse);
}

TEST(Analysis, AvseCorrectionsFollowTheData) {
  const auto& a = analysed();
  for (int32_t det : {1, 4}) {
    const AvseCut& c = a.result.cuts.for_detector(det).avse;
    EXPECT_NEAR(c.dt_slope_per_ns, a.cfg.avse_dt_slope, 0.2 * std::fabs(a.cfg.avse_dt_slope));
    // Relative energy slope of the band centre.
    EXPECT_NEAR(c.mu_coeffs[1] / c.mu_coeffs[0], a.cfg.avse_energy_slope, 0.25 * std::fabs(a.cfg.avse_energy_slope));
    // Single-site DEP events are centred at 1 with unit classifier width.
    std::vector<double> cls;
    for (std::size_t i = 0; i < a.data.features.size(); ++i)
      if (a.data.detector[i] == det && a.data.process[i] == wl::test::kDep && a.data.single_site[i] &&
          std::isfinite(a.result.avse_classifier[i]))
        cls.push_back(a.result.avse_classifier[i]);
    double m = 0, v = 0;
    for (double x : cls) m += x;
    m /= cls.size();
    for (double x : cls) v += (x - m) * (x - m);
    EXPECT_NEAR(m, 0.0, 0.15) << "detector " << det;
    EXPECT_NEAR(std::sqrt(v / cls.size()), 1.0, 0.15) << "detector " << det;
    EXPECT_DOUBLE_EQ(c.high_cut, 3.0);
    EXPECT_LT(c.low_cut, 0.0);
  }
}

TEST(Analysis, DcrAndLqCutsHitTheirAcceptances) {
  const auto& a = analysed();
  const double bulk = truth_fraction(a, a.result.pass_dcr, [&](std::size_t i) {
    return !a.data.alpha[i] && a.data.true_energy_kev[i] > 1000 && a.data.true_energy_kev[i] < 2380;
  });
  EXPECT_NEAR(bulk, 0.99, 0.006);
  const double alphas = truth_fraction(a, a.result.pass_dcr, [&](std::size_t i) { return a.data.alpha[i] != 0; });
  EXPECT_LT(alphas, 0.05);
  const double dep = truth_fraction(a, a.result.pass_lq, [&](std::size_t i) { return a.data.process[i] == wl::test::kDep; });
  EXPECT_NEAR(dep, 0.99, 0.006);
  const double tl = truth_fraction(a, a.result.pass_lq, [&](std::size_t i) { return a.data.transition[i] != 0; });
  EXPECT_LT(tl, 0.05);
}

TEST(Analysis, CalibratedEnergiesAndResolution) {
  const auto& a = analysed();
  double worst = 0.0;
  for (std::size_t i = 0; i < a.data.features.size(); ++i)
    if (a.data.features[i].quality == kQualityOk && std::fabs(a.data.true_energy_kev[i] - 2614.5) < 10)
      worst = std::max(worst, std::fabs(a.result.energy_kev[i] - a.data.true_energy_kev[i]));
  EXPECT_LT(worst, 0.3);
  ASSERT_EQ(a.result.summary.resolution.size(), 3u);
  for (const auto& r : a.result.summary.resolution) {
    const double expected = 2.354820045 * wl::test::synth_sigma_kev(a.cfg, r.energy_kev);
    EXPECT_NEAR(r.fwhm_kev, expected, 0.08 * expected) << r.energy_kev << " keV";
    EXPECT_NEAR(r.centroid_kev, r.energy_kev, 0.1);
  }
}

TEST(Analysis, BadQualityEventsFailEveryCut) {
  const auto& a = analysed();
  std::size_t bad = 0;
  for (std::size_t i = 0; i < a.data.features.size(); ++i) {
    const auto& f = a.data.features[i];
    if (f.quality == kQualityOk) continue;
    ++bad;
    EXPECT_FALSE(a.result.pass_low_avse[i] || a.result.pass_high_avse[i] || a.result.pass_dcr[i] || a.result.pass_lq[i]);
    EXPECT_TRUE(std::isnan(a.result.avse_classifier[i]));
    EXPECT_EQ(std::isfinite(a.result.energy_kev[i]), std::isfinite(f.energy_trap_adc));
  }
  EXPECT_GT(bad, 0u);
  EXPECT_EQ(a.result.summary.n_bad_quality, bad);
}

TEST(Analysis, JsonRoundTripReappliesToIdenticalLabels) {
  const auto& a = analysed();
  const std::string text = to_json(a.result).dump(1);
  Calibration cal;
  CutSet cuts;
  parameters_from_json(nlohmann::json::parse(text), cal, cuts);
  const AnalysisResult again = apply(a.data.features, a.data.detector, cal, cuts);
  EXPECT_EQ(again.pass_low_avse, a.result.pass_low_avse);
  EXPECT_EQ(again.pass_high_avse, a.result.pass_high_avse);
  EXPECT_EQ(again.pass_dcr, a.result.pass_dcr);
  EXPECT_EQ(again.pass_lq, a.result.pass_lq);
  for (std::size_t i = 0; i < again.energy_kev.size(); ++i) {
    if (std::isnan(a.result.energy_kev[i])) {
      EXPECT_TRUE(std::isnan(again.energy_kev[i]));
      continue;
    }
    ASSERT_DOUBLE_EQ(again.energy_kev[i], a.result.energy_kev[i]);
  }
  EXPECT_THROW(parameters_from_json(nlohmann::json::parse("{\"calibration\": {}}"), cal, cuts), wl::core::InputError);
  auto broken = nlohmann::json::parse(text);
  broken["cuts"]["detectors"][0]["avse"].erase("low_cut");
  try {
    parameters_from_json(broken, cal, cuts);
    FAIL() << "expected InputError";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("low_cut"), std::string::npos) << e.what();
  }
}

TEST(Analysis, SmallDetectorUsesPooledCutsAndSaysSo) {
  SynthConfig cfg;
  cfg.detectors = {SynthDetector{1, 4.0, 0.0, 80000}, SynthDetector{2, 4.1, 0.0, 80000},
                   SynthDetector{5, 4.0, 0.0, 3000}};
  const auto d = wl::test::make_synthetic(cfg);
  const AnalysisResult r = analyse(d.features, d.detector);
  EXPECT_TRUE(r.cuts.for_detector(5).pooled);
  EXPECT_FALSE(r.cuts.for_detector(1).pooled);
  bool noted = false;
  for (const auto& n : r.summary.notes) noted = noted || (n.find("detector 5") != std::string::npos);
  EXPECT_TRUE(noted);
  std::size_t passing = 0;
  for (std::size_t i = 0; i < d.detector.size(); ++i)
    if (d.detector[i] == 5) passing += r.pass_low_avse[i];
  EXPECT_GT(passing, 0u);
}

TEST(Analysis, FewDepEventsShareOneDepFitButKeepEachAvseScale) {
  SynthConfig cfg;
  cfg.dep_fraction = 0.01;
  cfg.detectors.clear();
  for (int32_t d = 0; d < 10; ++d) cfg.detectors.push_back(SynthDetector{d, 4.0 + 0.05 * d, 0.0, 12000, 0.04 + 0.003 * d});
  const auto data = wl::test::make_synthetic(cfg);
  const AnalysisResult r = analyse(data.features, data.detector);
  double ratio0 = 0.0;
  for (const auto& det : cfg.detectors) {
    const DetectorCuts& c = r.cuts.for_detector(det.id);
    EXPECT_TRUE(c.pooled) << "detector " << det.id;
    EXPECT_NE(c.note.find("DEP"), std::string::npos) << c.note;
    // Own band centre at the DEP: proportional to this detector's A/E scale.
    const double ratio = polyval(c.avse.mu_coeffs, wl::core::kDepKev) / det.avse_scale;
    if (det.id == 0) ratio0 = ratio;
    EXPECT_NEAR(ratio / ratio0, 1.0, 0.02) << "detector " << det.id;
  }
  double n = 0, k = 0;
  for (std::size_t i = 0; i < data.features.size(); ++i)
    if (data.process[i] == wl::test::kDep && data.features[i].quality == kQualityOk) n += 1, k += r.pass_low_avse[i];
  EXPECT_NEAR(k / n, 0.90, 0.03) << n << " DEP events";
}

TEST(Analysis, DegenerateInputsAreInputErrors) {
  std::vector<Features> none;
  EXPECT_THROW(analyse(none, {}), wl::core::InputError);
  SynthConfig cfg;
  cfg.detectors = {SynthDetector{0, 4.0, 0.0, 100}};
  auto few = wl::test::make_synthetic(cfg);
  EXPECT_THROW(analyse(few.features, few.detector), wl::core::InputError);
  EXPECT_THROW(analyse(few.features, std::vector<int32_t>(3, 0)), wl::core::InputError);
  cfg.detectors = {SynthDetector{0, 4.0, 0.0, 20000}};
  cfg.no_lines = true;
  auto flat = wl::test::make_synthetic(cfg);
  try {
    analyse(flat.features, flat.detector);
    FAIL() << "expected InputError";
  } catch (const wl::core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("2614.5"), std::string::npos) << e.what();
  }
}

}  // namespace
