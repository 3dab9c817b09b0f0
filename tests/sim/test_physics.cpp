// Event physics and pulse shape: spectrum lines, site multiplicity by process, templates.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/sim/params.hpp"
#include "wavelearn/sim/pulse.hpp"
#include "wavelearn/sim/spectrum.hpp"

namespace {

using namespace wl::sim;

std::vector<EventTruth> sample_many(const SimParams& p, std::size_t n) {
  const auto dets = make_detectors(p, 9);
  std::vector<EventTruth> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    wl::core::Rng rng(9, i);
    sample_event(p, dets[i % dets.size()], rng, out[i]);
  }
  return out;
}

// Events with truth energy within +-half_kev of e.
std::size_t count_near(const std::vector<EventTruth>& ev, double e, double half_kev) {
  std::size_t n = 0;
  for (const auto& t : ev) n += std::abs(t.energy_kev - e) < half_kev;
  return n;
}

TEST(SimPhysics, SpectrumShowsThoriumLinesAndEscapePeaks) {
  const SimParams p;
  const auto ev = sample_many(p, 100000);
  for (double line : {wl::core::kTl208PeakKev, wl::core::kTl208_583Kev, wl::core::kDepKev, wl::core::kSepKev}) {
    const double peak = static_cast<double>(count_near(ev, line, 0.5));
    // Continuum density 10-30 keV either side in the same 1 keV width.
    const double side = 0.25 * static_cast<double>(count_near(ev, line - 20, 10) + count_near(ev, line + 20, 10)) / 10.0 * 2.0;
    EXPECT_GT(peak, 20.0) << line;
    EXPECT_GT(peak, 5.0 * side + 5.0) << line << " keV: peak " << peak << " vs side " << side;
  }
  // The 2614.5 keV peak is the strongest line above 1 MeV; energies stay in range.
  EXPECT_GT(count_near(ev, wl::core::kTl208PeakKev, 0.5), count_near(ev, wl::core::kSepKev, 0.5));
  EXPECT_GT(count_near(ev, wl::core::kSepKev, 0.5), count_near(ev, wl::core::kDepKev, 0.5));
  for (const auto& t : ev) {
    EXPECT_GE(t.energy_kev, p.min_energy_kev);
    if (t.process != Process::kAlpha) {
      EXPECT_LE(t.energy_kev, wl::core::kTl208PeakKev + 0.01);
    }
  }
  // Peak-to-total at 2614.5 keV: full-energy events over all events from that line.
  std::size_t fep = 0, all = 0;
  for (const auto& t : ev) {
    if (t.line_kev != static_cast<float>(wl::core::kTl208PeakKev)) continue;
    ++all;
    fep += t.process == Process::kFullEnergy;
  }
  const double pt = static_cast<double>(fep) / static_cast<double>(all);
  EXPECT_GT(pt, 0.08);
  EXPECT_LT(pt, 0.25);
}

TEST(SimPhysics, SiteMultiplicityDependsOnProcess) {
  const SimParams p;
  const auto ev = sample_many(p, 100000);
  std::map<std::string, std::pair<double, double>> ss;  // single-site, all (bulk gammas)
  for (const auto& t : ev) {
    if (t.event_class != EventClass::kBulkSingleSite && t.event_class != EventClass::kBulkMultiSite) continue;
    std::string key;
    if (t.process == Process::kDoubleEscape) key = "DEP";
    else if (t.process == Process::kSingleEscape) key = "SEP";
    else if (t.process == Process::kFullEnergy && t.line_kev > 2600) key = "FEP";
    else if (t.process == Process::kCompton && t.energy_kev < 600) key = "ComptonLow";
    else if (t.process == Process::kCompton && t.energy_kev > 1800) key = "ComptonHigh";
    else continue;
    ss[key].first += t.n_sites == 1;
    ss[key].second += 1;
    if (t.n_sites > 1) {
      // Sites carry all the energy and have distinct drift times.
      double sum = 0;
      for (int s = 0; s < t.n_sites; ++s) {
        sum += t.site_energy_kev[s];
        for (int r = 0; r < s; ++r)
          EXPECT_GE(std::abs(t.site_drift_ns[s] - t.site_drift_ns[r]), p.min_site_separation_ns * 0.999);
      }
      EXPECT_NEAR(sum, t.visible_energy_kev, 1e-3 * t.visible_energy_kev);
      EXPECT_LE(t.n_sites, p.max_sites);
    }
  }
  auto frac = [&](const char* k) { return ss[k].first / ss[k].second; };
  EXPECT_GT(frac("DEP"), 0.85);
  EXPECT_LT(frac("SEP"), 0.15);
  EXPECT_LT(frac("FEP"), 0.25);
  EXPECT_GT(frac("ComptonLow"), frac("ComptonHigh") + 0.2);
}

TEST(SimPhysics, RareClassesHaveTheirSignatures) {
  SimParams p;
  const auto ev = sample_many(p, 50000);
  std::map<EventClass, std::size_t> counts;
  for (const auto& t : ev) {
    ++counts[t.event_class];
    switch (t.event_class) {
      case EventClass::kNearPointContact:
        EXPECT_LE(t.drift_time_ns, p.npc_drift_max_ns);
        break;
      case EventClass::kSurfaceAlpha:
        EXPECT_GE(t.delayed_fraction, p.alpha_dcr_fraction_min);
        EXPECT_LE(t.delayed_fraction, p.alpha_dcr_fraction_max);
        EXPECT_GE(t.delayed_tau_ns, 1000.0);  // several microseconds
        EXPECT_LE(t.energy_kev, p.alpha_energy_kev);
        break;
      case EventClass::kTransitionLayer:
        EXPECT_LT(t.visible_energy_kev, t.energy_kev);  // degraded
        EXPECT_GT(t.delayed_fraction, 0.0f);
        break;
      default:
        EXPECT_EQ(t.delayed_fraction, 0.0f);
        EXPECT_GE(t.drift_time_ns, p.drift_min_ns);
    }
  }
  for (auto [cls, expected] : {std::pair{EventClass::kNearPointContact, p.npc_fraction},
                               {EventClass::kSurfaceAlpha, p.alpha_fraction},
                               {EventClass::kTransitionLayer, p.tl_fraction}}) {
    const double f = static_cast<double>(counts[cls]) / static_cast<double>(ev.size());
    EXPECT_NEAR(f, expected, 5.0 * std::sqrt(expected / static_cast<double>(ev.size())));
  }
}

TEST(SimPhysics, InducedChargeIsMonotonicAndNormalised) {
  for (double eps : {0.02, 0.05, 0.1, 1.0}) {
    EXPECT_NEAR(induced_charge(0.0, eps), 0.0, 1e-12);
    EXPECT_NEAR(induced_charge(1.0, eps), 1.0, 1e-12);
    double prev = 0.0;
    for (int i = 1; i <= 1000; ++i) {
      const double q = induced_charge(i / 1000.0, eps);
      EXPECT_GT(q, prev);
      prev = q;
    }
    // Concentrated near the contact: little charge in the first half for a small contact.
    if (eps < 0.2) {
      EXPECT_LT(induced_charge(0.5, eps), 0.15);
    }
  }
  EXPECT_DOUBLE_EQ(eps_at_drift(0.05, 600.0, 600.0), 0.05);
  EXPECT_DOUBLE_EQ(eps_at_drift(0.05, 600.0, 20.0), 1.0);
}

TEST(SimPhysics, TemplatesRiseMonotonicallyToOneThenDecay) {
  const SimParams p;
  const auto dets = make_detectors(p, 4);
  const TemplateBank bank(p, dets);
  for (int d = 0; d < static_cast<int>(dets.size()); ++d) {
    for (double drift : {20.0, 150.0, 600.0, 1400.0}) {
      const float* t = bank.templ(d, bank.bin_of(drift));
      EXPECT_EQ(t[0], 0.0f);
      std::size_t peak = 0;
      for (std::size_t k = 1; k < bank.length(); ++k)
        if (t[k] > t[peak]) peak = k;
      for (std::size_t k = 1; k <= peak; ++k) EXPECT_GE(t[k], t[k - 1]);
      // Collected by the end of the drift plus the electronics; only the preamp decay
      // (drift / tau < 3 %) keeps the maximum below 1.
      EXPECT_GT(t[peak], 0.97f);
      EXPECT_LE(t[peak], 1.0f);
      EXPECT_LT(static_cast<double>(peak) * p.sample_period_ns, drift + 12 * dets[static_cast<std::size_t>(d)].electronics_tau_ns + 2 * p.sample_period_ns);
      EXPECT_GT(static_cast<double>(peak) * p.sample_period_ns, drift);
      // The tail continues the decay.
      EXPECT_LT(bank.tail(d)[100], 1.0f);
      EXPECT_NEAR(bank.tail(d)[0], std::exp(-p.sample_period_ns / dets[static_cast<std::size_t>(d)].decay_tau_ns), 1e-6);
    }
    // Near-point-contact pulses rise faster (sharper current) than bulk ones.
    const float* fast = bank.templ(d, bank.bin_of(30.0));
    const float* slow = bank.templ(d, bank.bin_of(900.0));
    double max_fast = 0, max_slow = 0;
    for (std::size_t k = 1; k < bank.length(); ++k) {
      max_fast = std::max<double>(max_fast, fast[k] - fast[k - 1]);
      max_slow = std::max<double>(max_slow, slow[k] - slow[k - 1]);
    }
    EXPECT_GT(max_fast, 1.2 * max_slow);
  }
}

TEST(SimPhysics, ChargeResolutionFollowsFano) {
  const SimParams p;
  const double fano_2614 = std::sqrt(wl::core::kGeFanoFactor * 2614.5 * wl::core::kGePairEnergyEv * 1e-3);
  EXPECT_GT(charge_sigma_kev(p, 2614.5), fano_2614);
  EXPECT_LT(charge_sigma_kev(p, 2614.5) * wl::core::kFwhmPerSigma, 2.5);
  EXPECT_LT(charge_sigma_kev(p, 238.6), charge_sigma_kev(p, 2614.5));
}

TEST(SimPhysics, LowEnergyComptonIsMostlySingleSiteAndFallsWithEnergy) {
  // Close sites merge at low energy (real PPC: most low-energy Compton events pass A/E);
  // the single-site share must fall towards the Compton edge of the 2614.5 keV line.
  const SimParams p;
  const double low = single_site_probability(p, Process::kCompton, wl::core::kTl208PeakKev, 100.0);
  const double mid = single_site_probability(p, Process::kCompton, wl::core::kTl208PeakKev, 1000.0);
  const double high = single_site_probability(p, Process::kCompton, wl::core::kTl208PeakKev, 2300.0);
  EXPECT_GT(low, 0.9);
  EXPECT_GT(low, mid);
  EXPECT_GT(mid, high);
  EXPECT_LT(high, 0.6);
  // The DEP/SEP multiplicities that set the A/E cut are untouched by merging.
  EXPECT_DOUBLE_EQ(single_site_probability(p, Process::kDoubleEscape, wl::core::kTl208PeakKev, 1592.5),
                   p.dep_single_site);
}

}  // namespace
