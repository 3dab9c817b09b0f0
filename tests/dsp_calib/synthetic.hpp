#pragma once
// Synthetic feature tables of a 228Th calibration run (no waveforms): known lines at a known
// gain and offset per detector, Compton continua, a single-site A/E band with a multi-site
// tail, drift-time and energy dependences, DCR/LQ bands with rare alpha and transition-layer
// outliers, and a few bad-quality rows. Truth fields say what each event was.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/dsp/features.hpp"

namespace wl::test {

enum Process : uint8_t { kCompton = 0, kFep = 1, kDep = 2, kSep = 3, kFlat = 4 };

struct SynthDetector {
  int32_t id = 0;
  double gain_adc_per_kev = 4.0;
  double offset_adc = 10.0;
  std::size_t n_events = 60000;
  double avse_scale = 0.05;  // raw A/E of single-site events at 0 keV, reference drift time
};

struct SynthConfig {
  uint64_t seed = 1;
  std::vector<SynthDetector> detectors{SynthDetector{}};
  double fwhm_2614_kev = 2.5;
  double fwhm_238_kev = 1.0;
  double avse_energy_slope = -2e-5;   // relative change per keV
  double avse_dt_slope = -2e-5;       // relative change per ns from 700 ns
  double avse_sigma_const = 0.008;    // relative width sigma^2 = c^2 + (k / E)^2
  double avse_sigma_kev = 4.0;
  double dep_fraction = 0.05;         // of events
  double sep_fraction = 0.03;
  double fep_fraction = 0.30;
  double alpha_fraction = 0.005;
  double transition_fraction = 0.01;
  double bad_fraction = 0.005;
  bool no_lines = false;              // a flat spectrum without peaks
};

struct SynthData {
  std::vector<dsp::Features> features;
  std::vector<int32_t> detector;
  std::vector<uint8_t> process, single_site, alpha, transition;
  std::vector<double> true_energy_kev;
};

inline double synth_sigma_kev(const SynthConfig& c, double e) {
  // FWHM^2 = a + b E through the two given points.
  const double f1 = c.fwhm_238_kev, f2 = c.fwhm_2614_kev;
  const double b = (f2 * f2 - f1 * f1) / (2614.511 - 238.632);
  const double a = f1 * f1 - b * 238.632;
  return std::sqrt(std::max(a + b * e, 0.01)) / core::kFwhmPerSigma;
}

inline SynthData make_synthetic(const SynthConfig& c) {
  SynthData d;
  const double lines[] = {238.632, 300.087, 510.77, 583.191, 727.330, 860.564, 1620.50, 2614.511};
  // Relative line weights: intensity times a falling detection efficiency.
  double weights[8];
  double wsum = 0.0;
  for (int k = 0; k < 8; ++k) {
    double inten = 1.0;
    for (const auto& l : core::kTh228Lines)
      if (std::fabs(l.energy_kev - lines[k]) < 0.1) inten = l.intensity_percent;
    weights[k] = inten * std::pow(lines[k] / 500.0, -0.9);
    wsum += weights[k];
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& det : c.detectors) {
    core::Rng rng(c.seed, static_cast<uint64_t>(det.id) + 1000);
    for (std::size_t n = 0; n < det.n_events; ++n) {
      double e;
      uint8_t proc;
      const double u = rng.uniform();
      if (c.no_lines) {
        e = rng.uniform(50.0, 3000.0);
        proc = kFlat;
      } else if (u < c.dep_fraction) {
        e = core::kDepKev, proc = kDep;
      } else if (u < c.dep_fraction + c.sep_fraction) {
        e = core::kSepKev, proc = kSep;
      } else if (u < c.dep_fraction + c.sep_fraction + c.fep_fraction) {
        double pick = rng.uniform() * wsum;
        int k = 0;
        while (k < 7 && pick > weights[k]) pick -= weights[k++];
        e = lines[k], proc = kFep;
      } else {
        // Compton continuum, mostly from 2614.5 (edge 2382 keV) plus a falling low-energy part.
        proc = kCompton;
        if (rng.uniform() < 0.6) e = rng.uniform(100.0, 2382.0);
        else e = 100.0 + rng.exponential(400.0);
      }
      double e_true = e;
      // Incomplete charge collection puts a few peak events on a low-side step.
      if (proc != kCompton && proc != kFlat && rng.uniform() < 0.03) e_true = e * rng.uniform(0.985, 1.0);
      const double e_meas = e_true + synth_sigma_kev(c, e_true) * rng.normal();

      const double p_sse = proc == kDep ? 0.9 : proc == kSep ? 0.1 : proc == kFep ? (e > 1000 ? 0.15 : 0.4) : 0.5;
      const bool sse = rng.uniform() < p_sse;
      const bool is_alpha = rng.uniform() < c.alpha_fraction;
      const bool is_tl = rng.uniform() < c.transition_fraction;
      const double dt = rng.uniform(200.0, 1400.0);
      const double sig_rel = std::sqrt(c.avse_sigma_const * c.avse_sigma_const +
                                       std::pow(c.avse_sigma_kev / std::max(e_meas, 50.0), 2));
      const double mu = det.avse_scale * (1.0 + c.avse_energy_slope * e_meas) * (1.0 + c.avse_dt_slope * (dt - 700.0));
      double rel = 1.0 + sig_rel * rng.normal();
      if (!sse) rel -= rng.exponential(0.06);  // multi-site: smaller current per energy

      dsp::Features f{};
      f.energy_trap_adc = static_cast<float>(det.offset_adc + det.gain_adc_per_kev * e_meas);
      f.energy_trap_max_adc = f.energy_trap_adc;
      f.avse_raw = static_cast<float>(mu * rel);
      f.drift_time_ns = static_cast<float>(dt);
      f.dcr_raw = static_cast<float>(0.002 + 0.0005 * std::sqrt(1000.0 / std::max(e_meas, 50.0)) * rng.normal() +
                                     (is_alpha ? 0.01 : 0.0));
      f.lq_raw = static_cast<float>(5.0 + 0.01 * dt + 2.0 * rng.normal() + (is_tl ? 30.0 : 0.0));
      f.quality = dsp::kQualityOk;
      if (rng.uniform() < c.bad_fraction) {
        f.quality = dsp::kPileup;
        if (rng.uniform() < 0.3) {
          f.quality |= dsp::kNonFinite;
          f.energy_trap_adc = static_cast<float>(nan);
        }
      }
      d.features.push_back(f);
      d.detector.push_back(det.id);
      d.process.push_back(proc);
      d.single_site.push_back(sse);
      d.alpha.push_back(is_alpha);
      d.transition.push_back(is_tl);
      d.true_energy_kev.push_back(e_meas);
    }
  }
  return d;
}

}  // namespace wl::test
