#include "profiles.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/eval/truth.hpp"

namespace wl::explain::detail {

namespace {

void add_binary_groups(const std::vector<double>& v, const std::vector<std::size_t>& rows, const std::string& zero,
                       const std::string& one, std::vector<Group>& out) {
  Group g0{zero, {}}, g1{one, {}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (v[rows[i]] == 0.0) g0.members.push_back(i);
    if (v[rows[i]] == 1.0) g1.members.push_back(i);
  }
  // Only a 0/1 field splits into classes.
  if (g0.members.size() + g1.members.size() != rows.size()) return;
  for (auto* g : {&g1, &g0})
    if (!g->members.empty()) out.push_back(*g);
}

}  // namespace

std::vector<Group> event_groups(const run::EventTable& events, const std::vector<std::size_t>& rows,
                                const std::string& target) {
  std::vector<Group> out;
  Group all{"all", {}};
  for (std::size_t i = 0; i < rows.size(); ++i) all.members.push_back(i);
  out.push_back(all);
  if (const auto* t = events.field(target)) add_binary_groups(*t, rows, target + " = 0", target + " = 1", out);
  if (const auto* ss = events.field("truth_is_single_site"))
    add_binary_groups(*ss, rows, "truth multi-site", "truth single-site", out);
  if (events.energy_kev.empty()) return out;
  for (const auto& region : eval::default_truth_regions()) {
    Group g{region.name, {}};
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const double e = events.energy_kev[rows[i]];
      if (e >= region.lo_kev && e < region.hi_kev) g.members.push_back(i);
    }
    if (!g.members.empty()) out.push_back(g);
  }
  return out;
}

std::vector<double> mean_profile(const std::vector<float>& x, std::size_t length, const std::vector<std::size_t>& members,
                                 bool abs_values) {
  std::vector<double> m(length, 0.0);
  for (const auto e : members)
    for (std::size_t i = 0; i < length; ++i) {
      const double v = x[e * length + i];
      m[i] += abs_values ? std::fabs(v) : v;
    }
  for (auto& v : m) v /= std::max<std::size_t>(members.size(), 1);
  return m;
}

double edge_fraction(const std::vector<float>& a, const Attributions& at, const std::vector<std::size_t>& members) {
  double sum = 0.0;
  std::size_t n = 0;
  for (const auto e : members) {
    const double tp0 = at.tp0_in_window_ns[e];
    if (!std::isfinite(tp0)) continue;
    const auto lo = static_cast<long>(std::floor((tp0 - kEdgeBeforeTp0Ns) / at.sample_period_ns));
    const auto hi = static_cast<long>(std::ceil((tp0 + kEdgeAfterTp0Ns) / at.sample_period_ns));
    double edge = 0.0, total = 0.0;
    for (std::size_t i = 0; i < at.length; ++i) {
      const double v = std::fabs(a[e * at.length + i]);
      total += v;
      if (long(i) >= lo && long(i) < hi) edge += v;
    }
    if (total > 0) sum += edge / total, ++n;
  }
  return n ? sum / double(n) : std::nan("");
}

double uniform_edge_fraction(const Attributions& at) {
  const double window_ns = double(at.length) * at.sample_period_ns;
  double sum = 0.0;
  std::size_t n = 0;
  for (const double tp0 : at.tp0_in_window_ns) {
    if (!std::isfinite(tp0)) continue;
    const double lo = std::max(0.0, tp0 - kEdgeBeforeTp0Ns), hi = std::min(window_ns, tp0 + kEdgeAfterTp0Ns);
    sum += std::max(0.0, hi - lo) / window_ns, ++n;
  }
  return n ? sum / double(n) : std::nan("");
}

}  // namespace wl::explain::detail
