#include "wavelearn/sim/spectrum.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "wavelearn/core/physics_constants.hpp"

namespace wl::sim {

namespace {

using core::kElectronMassKev;

// Cumulative line intensities for drawing a line with its decay-chain weight.
const std::array<double, core::kTh228Lines.size()>& cumulative_intensity() {
  static const auto table = [] {
    std::array<double, core::kTh228Lines.size()> c{};
    double sum = 0.0;
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = (sum += core::kTh228Lines[i].intensity_percent);
    for (auto& v : c) v /= sum;
    return c;
  }();
  return table;
}

double compton_edge_kev(double e_kev) {
  const double k = e_kev / kElectronMassKev;
  return e_kev * 2.0 * k / (1.0 + 2.0 * k);
}

// Klein-Nishina energy-transfer density (unnormalised) at electron energy t.
double klein_nishina(double e_kev, double t_kev) {
  const double k = e_kev / kElectronMassKev;
  const double s = t_kev / e_kev;
  const double one_s = 1.0 - s;
  return 2.0 + s * s / (k * k * one_s * one_s) + s / one_s * (s - 2.0 / k);
}

double sample_compton(const SimParams& p, double e_kev, core::Rng& rng) {
  const double edge = compton_edge_kev(e_kev);
  if (rng.uniform() < p.multi_compton_fraction) {
    // Several scatters: the deposit fills the region between edge and peak (and below).
    return edge * 0.5 + (e_kev * 0.995 - edge * 0.5) * std::sqrt(rng.uniform());
  }
  const double bound = 1.02 * std::max(klein_nishina(e_kev, 0.0), klein_nishina(e_kev, edge * 0.999999));
  for (;;) {
    const double t = edge * rng.uniform();
    if (rng.uniform() * bound <= klein_nishina(e_kev, t)) return t;
  }
}

}  // namespace

double charge_sigma_kev(const SimParams& p, double energy_kev) {
  const double fano = std::sqrt(core::kGeFanoFactor * std::max(energy_kev, 0.0) * core::kGePairEnergyEv * 1e-3);
  const double trap = p.trapping_sigma_frac * energy_kev;
  return std::sqrt(fano * fano + trap * trap);
}

void sample_gamma(const SimParams& p, core::Rng& rng, EventTruth& t) {
  const auto& cum = cumulative_intensity();
  for (int attempt = 0;; ++attempt) {
    const double u = rng.uniform();
    const std::size_t li = static_cast<std::size_t>(std::lower_bound(cum.begin(), cum.end(), u) - cum.begin());
    const double line = core::kTh228Lines[std::min(li, cum.size() - 1)].energy_kev;
    const double pt = std::min(1.0, p.peak_to_total_ref * std::pow(line / 238.632, -p.peak_to_total_slope));
    double pair_dep = 0.0, pair_sep = 0.0;
    if (line == core::kTl208PeakKev) {
      pair_dep = p.dep_probability;
      pair_sep = p.sep_probability;
    }
    const double v = rng.uniform();
    t.line_kev = static_cast<float>(line);
    if (v < pair_dep) {
      t.process = Process::kDoubleEscape;
      t.energy_kev = static_cast<float>(line - 2.0 * kElectronMassKev);
    } else if (v < pair_dep + pair_sep) {
      t.process = Process::kSingleEscape;
      t.energy_kev = static_cast<float>(line - kElectronMassKev);
    } else if (v < pair_dep + pair_sep + pt * (1.0 - pair_dep - pair_sep)) {
      t.process = Process::kFullEnergy;
      t.energy_kev = static_cast<float>(line);
    } else {
      t.process = Process::kCompton;
      t.energy_kev = static_cast<float>(sample_compton(p, line, rng));
    }
    if (t.energy_kev >= p.min_energy_kev || attempt > 1000) return;
  }
}

double single_site_probability(const SimParams& p, Process process, double line_kev, double energy_kev) {
  switch (process) {
    case Process::kDoubleEscape: return p.dep_single_site;
    case Process::kSingleEscape: return p.sep_single_site;
    case Process::kFullEnergy:
      return p.fep_single_site_high + (p.fep_single_site_low - p.fep_single_site_high) *
                                          std::exp(-std::max(0.0, line_kev - 200.0) / p.fep_single_site_scale_kev);
    case Process::kCompton: {
      const double f = std::clamp(energy_kev / core::kTl208PeakKev, 0.0, 1.0);
      const double ss = p.compton_single_site_low + (p.compton_single_site_high - p.compton_single_site_low) * f;
      // A deposit above the Compton edge needs several scatters; at low energy they often
      // lie within one site's extent, hence only halved.
      const double ss_sites = energy_kev > compton_edge_kev(line_kev) * 1.0001 ? 0.5 * ss : ss;
      // Low-energy deposits rarely scatter far: their sites merge into one single-site-like
      // pulse; the merged share falls with energy as the scattered photon's range grows.
      const double merged = std::exp(-energy_kev / p.site_merge_scale_kev);
      return ss_sites + (1.0 - ss_sites) * merged;
    }
    case Process::kAlpha: return 1.0;
  }
  return 1.0;
}

double sample_drift_ns(const SimParams& p, const DetectorParams& d, core::Rng& rng) {
  // Uniform point in a cylinder of radius R and height H, contact at the centre of a face.
  const double rho = d.radius_mm * std::sqrt(rng.uniform());
  const double z = d.height_mm * rng.uniform();
  const double frac = std::hypot(rho, z) / std::hypot(d.radius_mm, d.height_mm);
  return p.drift_min_ns + (d.drift_max_ns - p.drift_min_ns) * frac;
}

namespace {

void set_sites_single(EventTruth& t, double drift_ns) {
  t.n_sites = 1;
  t.site_energy_kev = {};
  t.site_drift_ns = {};
  t.site_energy_kev[0] = t.visible_energy_kev;
  t.site_drift_ns[0] = static_cast<float>(drift_ns);
  t.drift_time_ns = static_cast<float>(drift_ns);
  t.drift_spread_ns = 0.0f;
}

void set_sites_multi(const SimParams& p, const DetectorParams& d, core::Rng& rng, EventTruth& t) {
  const int n = 2 + static_cast<int>(rng.below(static_cast<uint64_t>(p.max_sites - 1)));
  t.n_sites = n;
  t.site_energy_kev = {};
  t.site_drift_ns = {};
  // Energy split: a flat Dirichlet (normalised exponentials) above a minimum share per site
  // (a secondary deposit much smaller than that is part of the main site's extent). In a
  // single escape the 511 keV photon is absorbed away from the pair site: one site carries
  // E - 511 keV, the others share 511 keV.
  double w[kMaxSites], sum = 0.0;
  for (int i = 0; i < n; ++i) sum += (w[i] = rng.exponential(1.0) + 1e-6);
  const double floor_frac = std::min(p.min_site_fraction, 0.5 / n);
  for (int i = 0; i < n; ++i) w[i] = floor_frac + (1.0 - n * floor_frac) * w[i] / sum;
  if (t.process == Process::kSingleEscape) {
    const double annihilation = std::min(kElectronMassKev / std::max<double>(t.energy_kev, 1.0), 0.5);
    double rest = 0.0;
    for (int i = 1; i < n; ++i) rest += w[i];
    for (int i = 1; i < n; ++i) w[i] = annihilation * w[i] / rest;
    w[0] = 1.0 - annihilation;
  }
  sum = 1.0;
  // The first site is a uniform point of the crystal; the others lie a gamma scattering
  // length away: drift-time offsets ~ N(0, site_spread_ns), redrawn when closer than
  // min_site_separation_ns to another site (distinct drift times) or outside the crystal.
  const double dmin = p.drift_min_ns, dmax = d.drift_max_ns;
  const double first = sample_drift_ns(p, d, rng);
  for (int i = 0; i < n; ++i) {
    double drift = first;
    for (int attempt = 0; i > 0 && attempt < 50; ++attempt) {
      drift = first + p.site_spread_ns * rng.normal();
      bool ok = drift >= dmin && drift <= dmax;
      for (int j = 0; j < i && ok; ++j) ok = std::abs(drift - t.site_drift_ns[j]) >= p.min_site_separation_ns;
      if (ok) break;
      drift = std::clamp(drift, dmin, dmax);
    }
    t.site_drift_ns[i] = static_cast<float>(drift);
    t.site_energy_kev[i] = static_cast<float>(t.visible_energy_kev * w[i] / sum);
  }
  int main_site = 0;
  float lo = t.site_drift_ns[0], hi = lo;
  for (int i = 1; i < n; ++i) {
    if (t.site_energy_kev[i] > t.site_energy_kev[main_site]) main_site = i;
    lo = std::min(lo, t.site_drift_ns[i]);
    hi = std::max(hi, t.site_drift_ns[i]);
  }
  t.drift_time_ns = t.site_drift_ns[main_site];
  t.drift_spread_ns = hi - lo;
}

}  // namespace

void sample_event(const SimParams& p, const DetectorParams& d, core::Rng& rng, EventTruth& t) {
  t.delayed_fraction = 0.0f;
  t.delayed_tau_ns = 0.0f;
  const double u = rng.uniform();
  if (u < p.alpha_fraction) {
    t.event_class = EventClass::kSurfaceAlpha;
    t.process = Process::kAlpha;
    t.line_kev = 0.0f;
    t.energy_kev = static_cast<float>(p.alpha_energy_kev * rng.uniform(p.alpha_degrade_min, 1.0));
    t.visible_energy_kev = t.energy_kev;
    t.delayed_fraction = static_cast<float>(rng.uniform(p.alpha_dcr_fraction_min, p.alpha_dcr_fraction_max));
    t.delayed_tau_ns = static_cast<float>(rng.uniform(p.alpha_dcr_tau_min_ns, p.alpha_dcr_tau_max_ns));
    set_sites_single(t, rng.uniform(p.alpha_drift_min_ns, p.alpha_drift_max_ns));
    return;
  }
  sample_gamma(p, rng, t);
  const double e = t.energy_kev;
  double visible = std::max(1.0, e + charge_sigma_kev(p, e) * rng.normal());
  if (u < p.alpha_fraction + p.npc_fraction) {
    t.event_class = EventClass::kNearPointContact;
    t.visible_energy_kev = static_cast<float>(visible);
    set_sites_single(t, rng.uniform(p.npc_drift_min_ns, p.npc_drift_max_ns));
    return;
  }
  if (u < p.alpha_fraction + p.npc_fraction + p.tl_fraction) {
    t.event_class = EventClass::kTransitionLayer;
    visible *= 1.0 - rng.uniform(p.tl_loss_min, p.tl_loss_max);
    t.visible_energy_kev = static_cast<float>(visible);
    t.delayed_fraction = static_cast<float>(rng.uniform(p.tl_late_fraction_min, p.tl_late_fraction_max));
    t.delayed_tau_ns = static_cast<float>(rng.uniform(p.tl_late_tau_min_ns, p.tl_late_tau_max_ns));
    const double lo = std::min(p.tl_drift_min_ns, d.drift_max_ns);
    set_sites_single(t, rng.uniform(lo, d.drift_max_ns));
    return;
  }
  t.visible_energy_kev = static_cast<float>(visible);
  if (rng.uniform() < single_site_probability(p, t.process, t.line_kev, e)) {
    t.event_class = EventClass::kBulkSingleSite;
    set_sites_single(t, sample_drift_ns(p, d, rng));
  } else {
    t.event_class = EventClass::kBulkMultiSite;
    set_sites_multi(p, d, rng, t);
  }
}

}  // namespace wl::sim
