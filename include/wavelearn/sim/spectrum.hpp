#pragma once
// Event physics of a 228Th line source: which process deposits how much energy in how many
// sites at which drift times, and the rare event classes. A pure function of the random
// stream it is given, so one event's truth depends only on (seed, event index).
#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/sim/params.hpp"
#include "wavelearn/sim/truth.hpp"

namespace wl::sim {

// Draws a gamma deposit (line, process, energy) above min_energy_kev.
void sample_gamma(const SimParams& p, core::Rng& rng, EventTruth& t);

// Single-site probability of a gamma event of this process and deposited energy.
double single_site_probability(const SimParams& p, Process process, double line_kev,
                               double energy_kev);

// Drift time of a uniformly distributed point in the detector's cylinder (point contact at
// the centre of one face; drift time grows linearly with distance from the contact).
double sample_drift_ns(const SimParams& p, const DetectorParams& d, core::Rng& rng);

// Everything except id/detector/run/tp0: class, process, energies, sites, drift times.
void sample_event(const SimParams& p, const DetectorParams& d, core::Rng& rng, EventTruth& t);

// Energy resolution of the charge (Fano + trapping), sigma in keV.
double charge_sigma_kev(const SimParams& p, double energy_kev);

}  // namespace wl::sim
