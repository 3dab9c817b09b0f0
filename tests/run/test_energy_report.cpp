// The energy report's figures: the FWHM and bias of synthetic peaks through the run layer's
// peak fitter, and both estimators (model and trapezoid filter) side by side in the
// metrics of an energy regression, with their residuals versus drift time.
#include <gtest/gtest.h>

#include <cmath>

#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/run/metrics.hpp"

using namespace wl;

namespace {

const double kLines[] = {core::kTl208_583Kev, core::kDepKev, core::kSepKev, core::kTl208PeakKev};
constexpr double kFwhmKev = 2.4;

// Events of the four lines (true energy exactly the line) measured with kFwhmKev, a flat
// continuum around each, and a drift time each; the "trapezoid" loses deficit_per_ns of
// the charge per ns of drift.
struct Spectrum {
  std::vector<double> truth, measured, drift_ns;
};

Spectrum spectrum(std::size_t per_line, uint64_t seed, double deficit_per_ns) {
  core::Rng rng(seed, 5);
  Spectrum s;
  const double sigma = kFwhmKev / (2.0 * std::sqrt(2.0 * std::log(2.0)));
  for (double line : kLines) {
    for (std::size_t i = 0; i < per_line + per_line / 5; ++i) {
      const double e = i < per_line ? line : line + rng.uniform(-15.0, 15.0);  // peak, then continuum
      const double t = rng.uniform(100.0, 1500.0);
      s.truth.push_back(e);
      s.drift_ns.push_back(t);
      s.measured.push_back(e * (1.0 - deficit_per_ns * t) + rng.normal(0.0, sigma));
    }
  }
  return s;
}

}  // namespace

// A spectrum shifted by 0.3 keV reads a bias of 0.3 keV at every peak; the unshifted one
// reads ~0 and the generated width.
TEST(EnergyReport, PeakFitReadsTheWidthAndBiasOfSyntheticPeaks) {
  const auto s = spectrum(1500, 1, 0.0);
  std::vector<double> shifted = s.measured;
  for (double& v : shifted) v += 0.3;
  const auto peaks = run::peak_resolutions(shifted, s.measured, s.truth);
  ASSERT_EQ(peaks.size(), 4u);
  for (const auto& p : peaks) {
    ASSERT_TRUE(p.model.fit_error.empty()) << p.name << ": " << p.model.fit_error;
    ASSERT_TRUE(p.reference.fit_error.empty()) << p.name << ": " << p.reference.fit_error;
    EXPECT_NEAR(p.reference.fwhm_fit_kev, kFwhmKev, 0.25) << p.name;
    EXPECT_NEAR(p.model.fwhm_fit_kev, kFwhmKev, 0.25) << p.name;
    EXPECT_NEAR(p.reference.bias_kev, 0.0, 0.15) << p.name;
    EXPECT_NEAR(p.model.bias_kev, 0.3, 0.15) << p.name;
    EXPECT_NEAR(p.model.centroid_kev - p.reference.centroid_kev, 0.3, 0.02) << p.name;  // binned apart
    EXPECT_GT(p.model.centroid_err_kev, 0.0);
  }
}

// A model of truth_energy_kev is set beside the trapezoid filter's calibrated energy of the
// same events: its peaks are the reference spectrum, and the drift-time profile shows the
// trapezoid's deficit growing with drift time while the corrected model stays flat.
TEST(EnergyReport, RegressionOfTheDepositedEnergyShowsBothEstimators) {
  constexpr double kDeficit = 5e-7;  // 0.75 per mille at 1500 ns
  const auto s = spectrum(600, 2, kDeficit);
  run::EventTable t;
  t.source = "synthetic.h5";
  run::ScoredRows ev;
  ev.n_columns = 1;
  for (std::size_t i = 0; i < s.truth.size(); ++i) {
    t.id.push_back(static_cast<int64_t>(i));
    t.file_event.push_back(static_cast<int64_t>(i));
    t.detector.push_back(0);
    t.run.push_back(0);
    t.energy_kev.push_back(s.measured[i]);
    ev.rows.push_back(i);
    ev.scores.push_back(s.measured[i] / (1.0 - kDeficit * s.drift_ns[i]));  // the ideal correction
  }
  t.fields["truth_energy_kev"] = s.truth;
  t.fields["drift_time_ns"] = s.drift_ns;
  run::Selection sel;
  sel.events = "test";
  const auto r = run::compute_metrics({{"pred_truth_energy_kev", "truth_energy_kev", "regression"}}, t, sel, ev, {},
                                      {10, 1, 1});
  ASSERT_TRUE(r.regression);
  const auto& g = *r.regression;
  EXPECT_EQ(g.unit, "keV");
  EXPECT_EQ(g.trapezoid.size(), s.truth.size());
  ASSERT_EQ(g.peaks.size(), 4u);
  const auto& fep = g.peaks.back();
  EXPECT_NEAR(fep.model.bias_kev, 0.0, 0.3);
  EXPECT_LT(fep.reference.bias_kev, -0.6);  // the mean deficit: 5e-7 * 800 ns * 2614.5 keV = 1.05 keV
  EXPECT_EQ(g.drift_time_field, "drift_time_ns");
  ASSERT_GE(g.by_drift_time.size(), 4u);
  const auto& first = g.by_drift_time.front();
  const auto& last = g.by_drift_time.back();
  EXPECT_LT(last.trapezoid_median_kev - first.trapezoid_median_kev, -0.5);  // ~ -1 keV at ~1.7 MeV
  EXPECT_NEAR(last.model_median_kev - first.model_median_kev, 0.0, 0.3);
  EXPECT_LE(first.model_p16_kev, first.model_median_kev);
  EXPECT_GE(first.model_p84_kev, first.model_median_kev);
  const auto j = run::to_json(r);
  EXPECT_EQ(j["regression"]["reference_spectrum"], "trapezoid");
  EXPECT_EQ(j["regression"]["residuals_vs_drift_time"]["bins"].size(), g.by_drift_time.size());
  EXPECT_TRUE(j["regression"]["fwhm_at_peaks"][3]["model"].contains("bias_kev"));
}
