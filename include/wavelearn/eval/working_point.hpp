#pragma once
// The one working-point definition used everywhere a PSD classifier is compared with the
// A/E cut: the score threshold that keeps the same fraction of DEP events as the A/E cut
// does. DEP events are mostly single-site, so equal DEP acceptance means equal (proxy)
// signal efficiency, and the background regions (SEP, FEP, Compton) then compare the
// rejection of the two cuts at the same price.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace wl::eval {

struct DepWorkingPoint {
  std::string definition = "A/E DEP acceptance";
  double threshold = std::numeric_limits<double>::quiet_NaN();  // pass when score > threshold
  // Fraction of DEP-window events the A/E cut keeps (the target); NaN without A/E
  // decisions or DEP events.
  double dep_acceptance = std::numeric_limits<double>::quiet_NaN();
  // What score > threshold keeps there: differs from the target only where tied scores
  // straddle the cut (tied events pass or fail together).
  double model_dep_acceptance = std::numeric_limits<double>::quiet_NaN();
  std::size_t n_dep = 0;  // events in the DEP window
  // false when there are fewer than min_dep_events DEP events or no A/E decisions; the
  // threshold is then fallback_threshold, not a match, and must be shown as such.
  bool matched = false;
};

// Events in the DEP window are kDepKev +- dep_half_window_kev, [lo, hi) as in
// default_truth_regions(). The A/E cut keeps k of the n_dep DEP events; the threshold is
// the (k+1)-th highest DEP score, so exactly the k highest pass. When tied scores make k
// unreachable, the threshold on either side of the tie whose acceptance is closer to the
// target is taken (the smaller acceptance on a draw). A NaN score always fails the cut
// (NaN > t is false) and ranks below every number. ae_pass may be empty (no A/E
// decisions); energy_kev and ae_pass must otherwise match score in size (InputError).
DepWorkingPoint dep_working_point(const std::vector<double>& score,
                                  const std::vector<double>& energy_kev,
                                  const std::vector<uint8_t>& ae_pass,
                                  std::size_t min_dep_events = 10, double dep_half_window_kev = 5.0,
                                  double fallback_threshold = 0.5);

}  // namespace wl::eval
