#pragma once
// A small 228Th-like event table for the run-layer tests: energies in the DEP, SEP, FEP and
// Compton windows and a continuum, a true topology (DEP mostly single-site, the rest mostly
// multi-site), an A/E-like label that follows the truth with some mistakes, and a score
// that follows it less well than the label.
#include <cstdint>
#include <string>
#include <vector>

#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/scorer.hpp"

namespace wl::test {

struct SyntheticEvents {
  run::EventTable table;
  std::vector<double> score;  // one score column
};

inline SyntheticEvents synthetic_events(std::size_t n, uint64_t seed, double score_noise = 1.0) {
  core::Rng rng(seed, 1);
  SyntheticEvents s;
  auto& t = s.table;
  t.source = "synthetic.h5";
  std::vector<double> label, truth;
  const double centres[] = {core::kDepKev, core::kSepKev, core::kTl208PeakKev, core::kGe76QbbKev};
  for (std::size_t i = 0; i < n; ++i) {
    const int region = static_cast<int>(rng.below(5));  // 4: continuum
    const double e = region < 4 ? centres[region] + rng.uniform(-3.0, 3.0) : rng.uniform(1000.0, 2700.0);
    const bool ss = rng.uniform() < (region == 0 ? 0.9 : 0.25);
    const bool pass = rng.uniform() < (ss ? 0.9 : 0.15);  // the A/E cut: good, not perfect
    t.id.push_back(static_cast<int64_t>(100000 + i));
    t.file_event.push_back(static_cast<int64_t>(i));
    t.detector.push_back(static_cast<int64_t>(i % 4));
    t.run.push_back(1);
    t.energy_kev.push_back(e);
    label.push_back(pass ? 1.0 : 0.0);
    truth.push_back(ss ? 1.0 : 0.0);
    s.score.push_back((pass ? 1.0 : 0.0) + score_noise * rng.normal());
  }
  t.fields["psd_label_low_avse"] = label;
  t.fields["truth_is_single_site"] = truth;
  return s;
}

}  // namespace wl::test
