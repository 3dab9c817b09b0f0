#pragma once
// Survival fractions of a cut (pass = kept as single-site-like), per energy region and in
// energy bins, each with its Clopper-Pearson interval. On real data, where the true event
// topology is unknown, survival in the DEP (mostly single-site) and in SEP, FEP and the
// Compton continuum (mostly multi-site) is how a PSD cut is judged.
#include <cstdint>
#include <vector>

#include "wavelearn/eval/interval.hpp"
#include "wavelearn/eval/truth.hpp"

namespace wl::eval {

struct RegionSurvival {
  EnergyRegion region;
  Proportion survival;  // k = passing events in the region, n = events in the region
};

// One entry per region, in the given order ([lo, hi) windows; a NaN energy is in none).
// Throws InputError on size mismatch or a region with hi <= lo.
std::vector<RegionSurvival> survival_by_region(const std::vector<uint8_t>& pass,
                                               const std::vector<double>& energy_kev,
                                               const std::vector<EnergyRegion>& regions,
                                               double confidence = 0.95);

struct SurvivalBin {
  double lo_kev = 0.0, hi_kev = 0.0;  // [lo, hi)
  Proportion survival;
};

// Bins between consecutive edges (at least two, strictly ascending; InputError otherwise).
std::vector<SurvivalBin> survival_vs_energy(const std::vector<uint8_t>& pass,
                                            const std::vector<double>& energy_kev,
                                            const std::vector<double>& edges_kev,
                                            double confidence = 0.95);

}  // namespace wl::eval
