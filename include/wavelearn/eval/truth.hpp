#pragma once
// Truth-level evaluation on simulated files, where each event carries the true
// single-site flag: for a cut (pass = kept as single-site-like), per energy region, the
// efficiency on true single-site events and the rejection of true multi-site events.
// DEP events are mostly single-site, FEP/SEP/Compton mostly multi-site, so data-only
// analyses use survival fractions there as proxies; with truth both are measured exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "wavelearn/eval/interval.hpp"

namespace wl::eval {

struct EnergyRegion {
  std::string name;
  double lo_kev = 0.0, hi_kev = 0.0;  // [lo, hi)
};

// DEP, SEP, FEP windows of +- half_window_kev around the 228Th peaks, and the Compton
// continuum Qbb +- 50 keV (1989-2089 keV, between the peaks).
std::vector<EnergyRegion> default_truth_regions(double half_window_kev = 5.0);

struct RegionCutResult {
  EnergyRegion region;
  std::size_t n_single_site = 0, n_multi_site = 0;
  std::size_t single_site_pass = 0, multi_site_pass = 0;
  double single_site_efficiency = 0.0;  // passing / all true single-site (NaN if none)
  double multi_site_rejection = 0.0;    // failing / all true multi-site (NaN if none)
  double survival_fraction = 0.0;       // passing / all events in the region
  // The same three ratios with their Clopper-Pearson intervals (k, n are the counts
  // above: mse_rejection.k = failing multi-site events). Every number shown to a reader
  // comes from these; the doubles stay for existing callers and are equal to .value.
  Proportion sse_efficiency, mse_rejection, survival;
};

struct CutTruthEvaluation {
  std::string cut_name;  // e.g. "model (score > 0.5)", "A/E (low side)"
  std::vector<RegionCutResult> regions;
};

// confidence: coverage of the Proportion intervals. Throws InputError on size mismatch or
// a region with hi <= lo.
CutTruthEvaluation truth_evaluation(const std::string& cut_name, const std::vector<uint8_t>& pass,
                                    const std::vector<uint8_t>& truth_single_site,
                                    const std::vector<double>& energy_kev,
                                    const std::vector<EnergyRegion>& regions,
                                    double confidence = 0.95);

// pass = score > threshold.
std::vector<uint8_t> pass_from_score(const std::vector<double>& score, double threshold);

}  // namespace wl::eval
