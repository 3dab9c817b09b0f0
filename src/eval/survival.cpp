#include "wavelearn/eval/survival.hpp"

#include <algorithm>
#include <cmath>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::eval {
namespace {

Proportion survival_in(const std::vector<uint8_t>& pass, const std::vector<double>& energy_kev,
                       double lo_kev, double hi_kev, double confidence) {
  std::size_t n = 0, k = 0;
  for (std::size_t i = 0; i < pass.size(); ++i) {
    if (!(energy_kev[i] >= lo_kev && energy_kev[i] < hi_kev)) continue;
    ++n;
    k += pass[i] != 0;
  }
  return clopper_pearson(k, n, confidence);
}

}  // namespace

std::vector<RegionSurvival> survival_by_region(const std::vector<uint8_t>& pass,
                                               const std::vector<double>& energy_kev,
                                               const std::vector<EnergyRegion>& regions,
                                               double confidence) {
  detail::check_same_size(pass.size(), energy_kev.size(), "survival_by_region (cut vs energy)");
  std::vector<RegionSurvival> out;
  out.reserve(regions.size());
  for (const auto& reg : regions) {
    if (!(reg.hi_kev > reg.lo_kev))
      throw wl::core::InputError("survival_by_region: region " + reg.name + " has hi <= lo");
    out.push_back({reg, survival_in(pass, energy_kev, reg.lo_kev, reg.hi_kev, confidence)});
  }
  return out;
}

std::vector<SurvivalBin> survival_vs_energy(const std::vector<uint8_t>& pass,
                                            const std::vector<double>& energy_kev,
                                            const std::vector<double>& edges_kev,
                                            double confidence) {
  detail::check_same_size(pass.size(), energy_kev.size(), "survival_vs_energy (cut vs energy)");
  const bool finite =
      std::all_of(edges_kev.begin(), edges_kev.end(), [](double e) { return std::isfinite(e); });
  if (edges_kev.size() < 2 || !finite || !std::is_sorted(edges_kev.begin(), edges_kev.end()) ||
      std::adjacent_find(edges_kev.begin(), edges_kev.end()) != edges_kev.end()) {
    throw wl::core::InputError(
        "survival_vs_energy: need >= 2 finite, strictly ascending bin edges");
  }
  std::vector<SurvivalBin> out;
  out.reserve(edges_kev.size() - 1);
  for (std::size_t b = 0; b + 1 < edges_kev.size(); ++b) {
    const double lo = edges_kev[b], hi = edges_kev[b + 1];
    out.push_back({lo, hi, survival_in(pass, energy_kev, lo, hi, confidence)});
  }
  return out;
}

}  // namespace wl::eval
