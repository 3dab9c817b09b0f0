// Raw generation: determinism, layout of the record, per-detector variety.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/sim/generator.hpp"

namespace {

using wl::sim::EventClass;
using wl::sim::EventTruth;
using wl::sim::Generator;
using wl::sim::SimParams;

struct Batch {
  std::vector<float> waveforms;
  std::vector<EventTruth> truth;
};

Batch make(const Generator& g, std::size_t n, int threads) {
  Batch b;
  b.waveforms.resize(n * static_cast<std::size_t>(g.params().n_samples));
  b.truth.resize(n);
  g.generate(0, n, b.waveforms.data(), b.truth.data(), threads);
  return b;
}

TEST(SimGenerator, SameSeedIsByteIdenticalForAnyThreadCount) {
  SimParams p;
  p.pileup_fraction = 0.05;
  const Generator g1(p, 42, 1500), g2(p, 42, 1500);
  const Batch a = make(g1, 1500, 1), b = make(g2, 1500, 2);
  ASSERT_EQ(a.waveforms.size(), b.waveforms.size());
  EXPECT_EQ(0, std::memcmp(a.waveforms.data(), b.waveforms.data(), a.waveforms.size() * sizeof(float)));
  for (std::size_t i = 0; i < a.truth.size(); ++i) {
    EXPECT_EQ(a.truth[i].energy_kev, b.truth[i].energy_kev);
    EXPECT_EQ(a.truth[i].tp0, b.truth[i].tp0);
    EXPECT_EQ(a.truth[i].detector, b.truth[i].detector);
  }
  // Chunking does not matter either: event 700 alone equals event 700 of the batch.
  std::vector<float> one(static_cast<std::size_t>(p.n_samples));
  EventTruth t;
  g1.generate_event(700, one.data(), t);
  EXPECT_EQ(0, std::memcmp(one.data(), a.waveforms.data() + 700 * one.size(), one.size() * sizeof(float)));
}

TEST(SimGenerator, DifferentSeedsDiffer) {
  SimParams p;
  const Generator g1(p, 1, 200), g2(p, 2, 200);
  const Batch a = make(g1, 200, 1), b = make(g2, 200, 1);
  std::size_t same_energy = 0;
  for (std::size_t i = 0; i < 200; ++i) same_energy += a.truth[i].energy_kev == b.truth[i].energy_kev;
  EXPECT_LT(same_energy, 20u);  // only coinciding line energies can repeat
  EXPECT_NE(0, std::memcmp(a.waveforms.data(), b.waveforms.data(), a.waveforms.size() * sizeof(float)));
  // Detector constants come from the seed too.
  EXPECT_NE(g1.detectors()[0].gain_adc_per_kev, g2.detectors()[0].gain_adc_per_kev);
}

TEST(SimGenerator, Tp0NearSample1000AndRiseInsideTeachingWindow) {
  SimParams p;
  const Generator g(p, 7, 1000);
  const Batch b = make(g, 1000, 2);
  const std::size_t n = static_cast<std::size_t>(p.n_samples);
  for (std::size_t i = 0; i < b.truth.size(); ++i) {
    const EventTruth& t = b.truth[i];
    ASSERT_LE(std::abs(t.tp0 - 1000), 5) << "event " << i;
    if (t.event_class == EventClass::kSurfaceAlpha || t.event_class == EventClass::kTransitionLayer) continue;
    const float* w = b.waveforms.data() + i * n;
    auto mean = [&](std::size_t lo, std::size_t hi) {
      double s = 0;
      for (std::size_t k = lo; k < hi; ++k) s += w[k];
      return s / static_cast<double>(hi - lo);
    };
    const double base = mean(100, 900);
    const double before = mean(static_cast<std::size_t>(t.tp0) - 50, static_cast<std::size_t>(t.tp0));
    const double top = mean(1490, 1500) - base;
    const auto& d = g.detectors()[static_cast<std::size_t>(t.detector)];
    // Charge collected by sample 1500, decayed by the preamp since the rise.
    const double amp = t.visible_energy_kev * d.gain_adc_per_kev *
                       std::exp(-(1495.0 - t.tp0) * p.sample_period_ns / d.decay_tau_ns);
    EXPECT_NEAR(before - base, 0.0, 0.02 * amp + 20.0) << "event " << i;
    // By sample 1500 the charge is collected; only the slow preamp decay has set in.
    if (t.pileup) continue;
    EXPECT_GT(top, 0.99 * amp - 20.0) << "event " << i;
    // The decay starts as the charge arrives, up to drift_max after tp0: at most 3.5 % less.
    EXPECT_LT(top, 1.035 * amp + 20.0) << "event " << i;
  }
}

TEST(SimGenerator, DetectorsDifferAndEventsUseThemAll) {
  SimParams p;
  p.n_detectors = 12;
  const Generator g(p, 3, 2000);
  std::set<double> gains, taus, eps, baselines;
  for (const auto& d : g.detectors()) {
    gains.insert(d.gain_adc_per_kev);
    taus.insert(d.decay_tau_ns);
    eps.insert(d.eps);
    baselines.insert(d.baseline_adc);
    EXPECT_GE(d.decay_tau_ns, p.decay_tau_min_ns);
    EXPECT_LE(d.decay_tau_ns, p.decay_tau_max_ns);
    EXPECT_GE(d.eps, p.eps_min);
    EXPECT_LE(d.eps, p.eps_max);
  }
  EXPECT_EQ(gains.size(), 12u);
  EXPECT_EQ(taus.size(), 12u);
  EXPECT_EQ(eps.size(), 12u);
  EXPECT_GE(baselines.size(), 10u);
  const Batch b = make(g, 2000, 2);
  std::set<int> dets, runs;
  int last_run = 0;
  for (const auto& t : b.truth) {
    dets.insert(t.detector);
    runs.insert(t.run_number);
    EXPECT_GE(t.run_number, last_run);  // runs are consecutive blocks
    last_run = t.run_number;
  }
  EXPECT_EQ(dets.size(), 12u);
  EXPECT_EQ(runs.size(), static_cast<std::size_t>(p.n_runs));
  // The baseline of each detector sits at its own offset.
  const std::size_t n = static_cast<std::size_t>(p.n_samples);
  for (std::size_t i = 0; i < 50; ++i) {
    const float* w = b.waveforms.data() + i * n;
    double s = 0;
    for (std::size_t k = 0; k < 800; ++k) s += w[k];
    EXPECT_NEAR(s / 800.0, g.detectors()[static_cast<std::size_t>(b.truth[i].detector)].baseline_adc, 15.0);
  }
}

TEST(SimGenerator, RecordLengthAndSamplingAreConfigurable) {
  SimParams p;
  p.n_samples = 2500;
  p.sample_period_ns = 16.0;
  p.pretrigger_ns = 8000.0;
  const Generator g(p, 5, 100);
  const Batch b = make(g, 100, 1);
  EXPECT_EQ(b.waveforms.size(), 100u * 2500u);
  for (const auto& t : b.truth) EXPECT_LE(std::abs(t.tp0 - 500), 4);
  SimParams bad;
  bad.n_samples = 1100;  // rise at sample 1000 cannot complete
  EXPECT_THROW(Generator(bad, 1, 10), wl::core::InputError);
  bad = SimParams{};
  bad.npc_fraction = -0.1;
  EXPECT_THROW(Generator(bad, 1, 10), wl::core::InputError);
}

TEST(SimGenerator, AlphaEventsHaveRisingPoleZeroCorrectedTail) {
  SimParams p;
  p.alpha_fraction = 0.2;  // enough alphas in a small batch
  const Generator g(p, 11, 600);
  const Batch b = make(g, 600, 2);
  const std::size_t n = static_cast<std::size_t>(p.n_samples);
  int alphas = 0, bulk = 0;
  for (std::size_t i = 0; i < b.truth.size(); ++i) {
    const EventTruth& t = b.truth[i];
    if (t.pileup) continue;
    const auto& d = g.detectors()[static_cast<std::size_t>(t.detector)];
    const float* w = b.waveforms.data() + i * n;
    double base = 0;
    for (std::size_t k = 0; k < 900; ++k) base += w[k];
    base /= 900.0;
    // Undo the preamp decay and compare an early and a late window of the tail.
    auto window = [&](std::size_t lo, std::size_t hi) {
      double s = 0;
      for (std::size_t k = lo; k < hi; ++k)
        s += (w[k] - base) * std::exp(static_cast<double>(k - static_cast<std::size_t>(t.tp0)) * p.sample_period_ns / d.decay_tau_ns);
      return s / static_cast<double>(hi - lo);
    };
    const std::size_t tp0 = static_cast<std::size_t>(t.tp0);
    const double rise = (window(tp0 + 1300, tp0 + 1500) - window(tp0 + 200, tp0 + 400)) /
                        (t.visible_energy_kev * d.gain_adc_per_kev);
    if (t.event_class == EventClass::kSurfaceAlpha) {
      ++alphas;
      EXPECT_GT(rise, 0.3 * t.delayed_fraction) << "event " << i;
    } else if (t.event_class == EventClass::kBulkSingleSite && t.energy_kev > 500) {
      ++bulk;
      EXPECT_LT(std::abs(rise), 0.003 + 2.0 / t.visible_energy_kev) << "event " << i;
    }
  }
  EXPECT_GT(alphas, 60);
  EXPECT_GT(bulk, 30);
}

}  // namespace
