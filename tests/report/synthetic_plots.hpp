#pragma once
// Synthetic but realistic inputs for the report's plots: a 228Th calibration spectrum with
// a pulse-shape cut and A/E (with outliers), an energy regressor with energy-dependent
// resolution and a few gross mistakes, classifier scores with a little overtraining, a
// training history with a validation metric, SHAP values of a few DSP features, waveforms.
#include <cmath>
#include <string>
#include <vector>

#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/report/plots.hpp"

struct SyntheticPlots {
  std::vector<wl::report::HistoryRow> history;
  wl::report::ScoreSample train, test;
  std::vector<double> energy_kev, avse, predicted_kev;
  std::vector<uint8_t> pass;  // a pulse-shape cut: keeps single-site-like events
  std::vector<std::string> features;
  std::vector<float> shap, feature_value;  // row-major n x features
  std::vector<wl::report::WaveformExample> waveforms;
};

namespace synthetic_detail {

// An event of the calibration source: a line of the 228Th chain (or its escape peaks)
// with 1.2 keV resolution, else the Compton continuum falling with energy.
inline double th228_energy(wl::core::Rng& rng, bool& single_site) {
  const double u = rng.uniform();
  single_site = false;
  if (u < 0.45) {
    const double e = 100.0 + 600.0 * -std::log(1.0 - rng.uniform());
    return e < 2700.0 ? e : rng.uniform(100.0, 2700.0);
  }
  if (u < 0.47) {
    single_site = true;  // DEP: both annihilation photons escape
    return wl::core::kDepKev + rng.normal(0.0, 1.3);
  }
  if (u < 0.50) return wl::core::kSepKev + rng.normal(0.0, 1.4);
  double total = 0;
  for (const auto& l : wl::core::kTh228Lines) total += l.intensity_percent;
  double pick = rng.uniform() * total;
  for (const auto& l : wl::core::kTh228Lines) {
    pick -= l.intensity_percent;
    if (pick <= 0) return l.energy_kev + rng.normal(0.0, 1.0 + 0.0004 * l.energy_kev);
  }
  return wl::core::kTl208PeakKev;
}

inline void add_spectrum(SyntheticPlots& s, wl::core::Rng& rng, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    bool sse = false;
    const double e = th228_energy(rng, sse);
    sse = sse || rng.uniform() < 0.35;
    s.energy_kev.push_back(e);
    s.pass.push_back(rng.uniform() < (sse ? 0.9 : 0.12));
    double ae = sse ? 1.0 + rng.normal(0.0, 0.012) : 1.0 - std::fabs(rng.normal(0.0, 0.06));
    if (i % 500 == 0) ae = (i % 1000 == 0) ? 8.0 : -3.0;  // pile-up and noise outliers
    s.avse.push_back(ae);
    double pred = e + rng.normal(0.0, 1.0 + 0.0008 * e);
    if (i % 97 == 0) pred += (i % 2 ? 1 : -1) * rng.uniform(50.0, 600.0);  // gross mistakes
    s.predicted_kev.push_back(pred);
  }
}

inline void add_scores(wl::report::ScoreSample& out, wl::core::Rng& rng, std::size_t n,
                       double shift) {
  for (std::size_t i = 0; i < n; ++i) {
    const bool sig = rng.uniform() < 0.7;
    out.score.push_back(1.0 / (1.0 + std::exp(-(rng.normal() * 1.2 + (sig ? 1.5 + shift : -1.0)))));
    out.is_signal.push_back(sig);
  }
}

inline void add_shap(SyntheticPlots& s, wl::core::Rng& rng, std::size_t n) {
  s.features = {"A/E (a.u.)",        "drift_time_ns", "tail_slope", "rise_time_10_90_ns",
                "current_amplitude", "baseline_rms",  "energy_kev", "lq"};
  const double weight[] = {2.0, -1.2, 0.8, -0.6, 0.5, 0.15, 0.05, -0.3};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < s.features.size(); ++j) {
      const double v = rng.normal();
      s.feature_value.push_back(j == 5 && i % 50 == 0 ? NAN : static_cast<float>(v));
      s.shap.push_back(static_cast<float>(weight[j] * v + 0.1 * rng.normal()));
    }
}

inline void add_waveforms(SyntheticPlots& s, wl::core::Rng& rng) {
  for (int k = 0; k < 6; ++k) {
    wl::report::WaveformExample w;
    w.class_name = k % 2 ? "multi-site" : "single-site";
    w.sample_period_ns = 10.0;
    for (int i = 0; i < 400; ++i) {
      const double t = i - 150.0;
      const double v = t < 0 ? 0
                             : (k % 2 ? 0.5 * (1 - std::exp(-t / 8.0)) +
                                            0.5 * (t > 30 ? 1 - std::exp(-(t - 30) / 8.0) : 0)
                                      : 1 - std::exp(-t / 10.0));
      w.samples.push_back(static_cast<float>(1000 + 3000 * v + rng.normal(0, 15)));
    }
    s.waveforms.push_back(w);
  }
}

}  // namespace synthetic_detail

inline SyntheticPlots synthetic_plots(std::size_t n = 40000) {
  wl::core::Rng rng(77);
  SyntheticPlots s;
  for (int e = 1; e <= 12; ++e) {
    wl::report::HistoryRow r;
    r.epoch = e;
    r.train_loss = 0.7 * std::exp(-e / 4.0) + 0.2;
    r.val_loss = 0.7 * std::exp(-e / 4.0) + 0.24 + 0.003 * e;
    r.val_metric = 0.93 - 0.2 * std::exp(-e / 3.0);
    s.history.push_back(r);
  }
  synthetic_detail::add_scores(s.test, rng, 5000, 0.0);
  synthetic_detail::add_scores(s.train, rng, 5000, 0.1);
  synthetic_detail::add_spectrum(s, rng, n);
  synthetic_detail::add_shap(s, rng, 1500);
  synthetic_detail::add_waveforms(s, rng);
  return s;
}
