// Histogram, least-squares and peak-fit building blocks.
#include <gtest/gtest.h>

#include <cmath>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/dsp/histogram.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace {

using namespace wl::dsp;

TEST(Histogram, FillsBinsAndIgnoresOutsideAndNaN) {
  Histogram h(0.0, 10.0, 10);
  h.fill(0.0);
  h.fill(9.999);
  h.fill(10.0);
  h.fill(-0.1);
  h.fill(std::nan(""));
  h.fill(5.5, 2.0);
  EXPECT_DOUBLE_EQ(h.counts[0], 1.0);
  EXPECT_DOUBLE_EQ(h.counts[9], 1.0);
  EXPECT_DOUBLE_EQ(h.counts[5], 2.0);
  EXPECT_DOUBLE_EQ(h.total(), 4.0);
  EXPECT_THROW(Histogram(1.0, 1.0, 10), wl::core::InputError);
}

TEST(Statistics, QuantileMedianRobustSigma) {
  wl::core::Rng rng(3);
  std::vector<double> v;
  for (int i = 0; i < 200000; ++i) v.push_back(rng.normal(5.0, 2.0));
  v.push_back(std::nan(""));
  EXPECT_NEAR(median(v), 5.0, 0.02);
  EXPECT_NEAR(robust_sigma(v), 2.0, 0.03);
  EXPECT_TRUE(std::isnan(quantile({}, 0.5)));
}

TEST(Polyfit, RecoversQuadraticAtAdcScale) {
  std::vector<double> x, y;
  for (double a = 1000; a <= 12000; a += 500) {
    x.push_back(a);
    y.push_back(0.7 + 0.25 * a + 3e-7 * a * a);
  }
  std::vector<double> cov;
  const auto c = polyfit(x, y, {}, 2, &cov);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_NEAR(c[0], 0.7, 1e-6);
  EXPECT_NEAR(c[1], 0.25, 1e-10);
  EXPECT_NEAR(c[2], 3e-7, 1e-14);
  EXPECT_NEAR(polyval(c, 5000.0), 0.7 + 1250 + 7.5, 1e-6);
  EXPECT_THROW(polyfit({1.0, 2.0}, {1.0, 2.0}, {}, 2), wl::core::InputError);
}

// Gaussian + step + linear background with known parameters.
Histogram peak_histogram(uint64_t seed, double mu, double sigma, int n_peak, int n_step, int n_bg) {
  wl::core::Rng rng(seed);
  Histogram h(mu - 15.0, mu + 15.0, 150);
  for (int i = 0; i < n_peak; ++i) h.fill(rng.normal(mu, sigma));
  // step: uniform below the peak, smeared by the resolution
  for (int i = 0; i < n_step; ++i) h.fill(rng.uniform(mu - 40.0, mu) + sigma * rng.normal());
  // linear background falling with x
  for (int i = 0; i < n_bg; ++i) {
    double x;
    do x = rng.uniform(h.lo, h.hi);
    while (rng.uniform() > 1.0 - 0.3 * (x - h.lo) / (h.hi - h.lo));
    h.fill(x);
  }
  return h;
}

TEST(PeakFit, GaussianStepRecoversWidthAndCentroid) {
  const double mu = 100.0, sigma = 1.3;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const Histogram h = peak_histogram(seed, mu, sigma, 20000, 4000, 15000);
    const PeakFitResult f = fit_peak(h, h.lo, h.hi, 101.0, 2.0);
    EXPECT_TRUE(f.converged);
    EXPECT_NEAR(f.fwhm, wl::core::kFwhmPerSigma * sigma, 0.03 * wl::core::kFwhmPerSigma * sigma);
    EXPECT_LT(std::fabs(f.centroid - mu), 4.0 * f.centroid_err);
    EXPECT_GT(f.centroid_err, 0.0);
    EXPECT_NEAR(f.area, 20000.0, 5.0 * f.area_err + 400.0);
    EXPECT_GT(f.step, 0.0);
  }
}

TEST(PeakFit, LeastSquaresAgreesWithPoissonOnLargePeak) {
  const Histogram h = peak_histogram(9, 50.0, 0.9, 50000, 5000, 20000);
  PeakFitOptions ls;
  ls.cost = FitCost::kLeastSquares;
  const PeakFitResult a = fit_peak(h, h.lo, h.hi, 50.0, 1.0);
  const PeakFitResult b = fit_peak(h, h.lo, h.hi, 50.0, 1.0, ls);
  EXPECT_NEAR(a.fwhm, b.fwhm, 0.03 * a.fwhm);
  EXPECT_NEAR(a.centroid, b.centroid, 0.02);
}

TEST(PeakFit, FlatSpectrumHasNoPeak) {
  wl::core::Rng rng(5);
  Histogram h(0.0, 30.0, 150);
  for (int i = 0; i < 20000; ++i) h.fill(rng.uniform(0.0, 30.0));
  EXPECT_THROW(fit_peak(h, h.lo, h.hi, 15.0, 1.0), wl::core::InputError);
  Histogram empty(0.0, 30.0, 150);
  EXPECT_THROW(fit_peak(empty, empty.lo, empty.hi, 15.0, 1.0), wl::core::InputError);
}

TEST(PeakFit, FwhmCurveThroughKnownPoints) {
  // FWHM^2 = 0.6 + 0.002 E
  std::vector<double> e = {238.6, 583.2, 1592.5, 2614.5}, f, err;
  for (double x : e) f.push_back(std::sqrt(0.6 + 0.002 * x)), err.push_back(0.02);
  const auto c = fit_fwhm_curve(e, f, err);
  EXPECT_NEAR(c[0], 0.6, 1e-6);
  EXPECT_NEAR(c[1], 0.002, 1e-9);
}

}  // namespace
