// W1 per DSP parameter, over the reference's own noise floor: W1 between two halves of it,
// scaled to the sizes of the samples compared (w1_size_factor), so that a candidate drawn
// from the reference's distribution gives a ratio near 1 whatever the file sizes. One split
// is one draw of a quantity with a spread of tens of per cent; the floor is the mean over
// kHalfSplits splits (the even/odd events, then seeded random halves), so the ratio's
// spread is the numerator's alone.
#include <algorithm>
#include <cmath>
#include <limits>

#include "samples.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/dsp/features.hpp"
#include "wavelearn/eval/wasserstein.hpp"

namespace wl::fidelity {

const std::vector<std::pair<std::string, std::string>>& compared_parameters() {
  static const std::vector<std::pair<std::string, std::string>> p = {
      {"avse_raw", "A/E"},
      {"drift_time_ns", "drift time"},
      {"rise_time_ns", "rise time (10-90 %)"},
      {"current_amp_adc_per_ns", "current amplitude A"},
      {"tail_tau_ns", "tail decay constant"},
      {"dcr_raw", "DCR"},
      {"lq_raw", "LQ"},
      {"energy_trap_adc", "energy (trapezoid)"},
  };
  return p;
}

namespace detail {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::uint64_t kHalvesStream = 0x68616c76;  // "halv": one stream per random split

using Halves = std::vector<std::vector<std::uint8_t>>;  // per split: 1 = the row is in half A

// Split 0: even rows in A; split k > 0: a seeded random half of the rows in A.
Halves half_splits(std::size_t n, std::uint64_t seed) {
  Halves h(kHalfSplits, std::vector<std::uint8_t>(n, 0));
  for (std::size_t i = 0; i < n; i += 2) h[0][i] = 1;
  std::vector<std::size_t> order(n);
  for (int k = 1; k < kHalfSplits; ++k) {
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    core::Rng rng(seed, kHalvesStream + std::uint64_t(k));
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    for (std::size_t i = 0; i < (n + 1) / 2; ++i) h[std::size_t(k)][order[i]] = 1;
  }
  return h;
}

std::vector<double> finite_values(const std::vector<double>& v) {
  std::vector<double> out;
  for (const double x : v)
    if (std::isfinite(x)) out.push_back(x);
  return out;
}

// Mean W1 between the halves, and the mean of each split's W1 scaled to (n_ref, n_cand).
void noise_floor(const std::vector<double>& r, const Halves& halves, ParameterDistance& d) {
  double raw = 0, scaled = 0;
  std::vector<double> a, b;
  for (const auto& in_a : halves) {
    a.clear();
    b.clear();
    for (std::size_t i = 0; i < r.size(); ++i)
      if (std::isfinite(r[i])) (in_a[i] ? a : b).push_back(r[i]);
    if (a.empty() || b.empty()) return;
    const double w = eval::wasserstein1(a, b);
    raw += w;
    scaled += w * eval::w1_size_factor(a.size(), b.size(), d.n_reference, d.n_candidate);
  }
  d.w1_reference_halves = raw / double(halves.size());
  d.noise_floor = scaled / double(halves.size());
  if (d.noise_floor > 0) d.ratio = d.w1 / d.noise_floor;
}

ParameterDistance compare_one(const std::string& column, const std::string& label, const Sample& ref,
                              const Sample& cand, const Halves& halves) {
  ParameterDistance d;
  d.column = column;
  d.label = label;
  d.unit = dsp::feature_column(column).unit;
  d.reference_values = finite_values(ref.columns.at(column));
  d.candidate_values = finite_values(cand.columns.at(column));
  d.n_reference = d.reference_values.size();
  d.n_candidate = d.candidate_values.size();
  d.w1 = eval::wasserstein1(d.reference_values, d.candidate_values);
  d.w1_reference_halves = d.noise_floor = d.ratio = kNaN;
  if (d.n_reference && d.n_candidate) noise_floor(ref.columns.at(column), halves, d);
  return d;
}

}  // namespace

std::vector<ParameterDistance> compare_parameters(const Sample& reference, const Sample& candidate,
                                                  std::uint64_t seed) {
  const Halves halves = half_splits(reference.events.size(), seed);
  std::vector<ParameterDistance> out;
  for (const auto& [column, label] : compared_parameters())
    out.push_back(compare_one(column, label, reference, candidate, halves));
  return out;
}

}  // namespace detail

}  // namespace wl::fidelity
