#include "wavelearn/eval/working_point.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"

namespace wl::eval {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// DEP-window scores sorted falling with NaN last, and how many of those events the A/E
// cut keeps.
struct DepSample {
  std::vector<double> desc;
  std::size_t n_numbers = 0;  // scores that are not NaN (the first n_numbers of desc)
  std::size_t ae_kept = 0;
};

DepSample dep_sample(const std::vector<double>& score, const std::vector<double>& energy_kev,
                     const std::vector<uint8_t>& ae_pass, double half_window_kev) {
  const double lo_kev = wl::core::kDepKev - half_window_kev;
  const double hi_kev = wl::core::kDepKev + half_window_kev;
  DepSample d;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (!(energy_kev[i] >= lo_kev && energy_kev[i] < hi_kev)) continue;  // NaN energy: out
    d.desc.push_back(score[i]);
    if (!ae_pass.empty()) d.ae_kept += ae_pass[i] != 0;
  }
  const auto numbers_end =
      std::partition(d.desc.begin(), d.desc.end(), [](double s) { return !std::isnan(s); });
  std::sort(d.desc.begin(), numbers_end, std::greater<double>());
  d.n_numbers = static_cast<std::size_t>(numbers_end - d.desc.begin());
  return d;
}

std::size_t count_above(const DepSample& d, double threshold) {
  return static_cast<std::size_t>(std::count_if(d.desc.begin(), d.desc.begin() + d.n_numbers,
                                                [&](double s) { return s > threshold; }));
}

// The threshold t for which score > t keeps k events, or as close to k as ties allow.
double threshold_keeping(const DepSample& d, std::size_t k) {
  const auto& s = d.desc;
  if (d.n_numbers == 0) return kInf;  // only NaN scores: nothing can pass
  if (k == 0) return s.front();       // nothing scores above the highest
  if (k >= d.n_numbers) return std::nextafter(s[d.n_numbers - 1], -kInf);  // all numbers pass
  const double at = s[k];  // the (k+1)-th highest: the k above it pass unless tied with it
  if (s[k - 1] > at) return at;
  // A tie straddles the cut: keep fewer (t = tied value) or more (t just below it).
  const std::size_t fewer = count_above(d, at);
  std::size_t more = k;
  while (more < d.n_numbers && s[more] == at) ++more;
  const double below = more < d.n_numbers ? s[more] : std::nextafter(at, -kInf);
  return k - fewer <= more - k ? at : below;
}

}  // namespace

DepWorkingPoint dep_working_point(const std::vector<double>& score,
                                  const std::vector<double>& energy_kev,
                                  const std::vector<uint8_t>& ae_pass, std::size_t min_dep_events,
                                  double dep_half_window_kev, double fallback_threshold) {
  detail::check_same_size(score.size(), energy_kev.size(), "dep_working_point (energy)");
  if (!ae_pass.empty())
    detail::check_same_size(score.size(), ae_pass.size(), "dep_working_point (A/E decisions)");
  if (!(dep_half_window_kev > 0.0))
    throw wl::core::InputError("dep_working_point: DEP half window must be > 0 keV");
  const DepSample d = dep_sample(score, energy_kev, ae_pass, dep_half_window_kev);
  DepWorkingPoint wp;
  wp.n_dep = d.desc.size();
  const double n = static_cast<double>(wp.n_dep);
  if (!ae_pass.empty() && wp.n_dep > 0) wp.dep_acceptance = static_cast<double>(d.ae_kept) / n;
  // An acceptance matched on a handful of events is noise: below min_dep_events (and at
  // least one) the fallback threshold is used and flagged.
  wp.matched = !ae_pass.empty() && wp.n_dep >= std::max<std::size_t>(min_dep_events, 1);
  wp.threshold = wp.matched ? threshold_keeping(d, d.ae_kept) : fallback_threshold;
  if (wp.n_dep > 0) wp.model_dep_acceptance = static_cast<double>(count_above(d, wp.threshold)) / n;
  return wp;
}

}  // namespace wl::eval
