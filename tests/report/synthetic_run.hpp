#pragma once
// A synthetic but realistic run for the report tests: a classifier with a little
// overtraining, an energy regressor with energy-dependent resolution, a 228Th-like
// spectrum, truth flags, waveforms of two classes.
#include <cmath>

#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/truth.hpp"
#include "wavelearn/report/run_report.hpp"

inline wl::report::RunReportInputs synthetic_run(std::size_t n = 6000) {
  using namespace wl::report;
  wl::core::Rng rng(77);
  RunReportInputs in;
  in.title = "Synthetic run";
  in.subtitle = "test fixture";
  in.summary_lines = {"preset: seed-fcnet", "events: " + std::to_string(n)};
  for (int e = 1; e <= 12; ++e)
    in.history.push_back(
        {e, 0.7 * std::exp(-e / 4.0) + 0.2, 0.7 * std::exp(-e / 4.0) + 0.24 + 0.003 * e});
  BinaryResults b;
  b.label_name = "psd_label_low_avse";
  b.options.bootstrap_replicas = 30;
  auto score = [&](bool sig, double shift) {
    return 1.0 / (1.0 + std::exp(-(rng.normal() * 1.2 + (sig ? 1.5 + shift : -1.0))));
  };
  for (std::size_t i = 0; i < n; ++i) {
    const bool sig = rng.uniform() < 0.7;
    b.test.score.push_back(score(sig, 0.0));
    b.test.is_signal.push_back(sig);
    const bool sig2 = rng.uniform() < 0.7;
    b.train.score.push_back(score(sig2, 0.1));
    b.train.is_signal.push_back(sig2);
  }
  in.binary = b;
  in.multiclass = MulticlassResults{{"SSE", "MSE", "surface"}, {}, {}};
  for (std::size_t i = 0; i < 900; ++i) {
    const int t = static_cast<int>(rng.below(3));
    in.multiclass->true_class.push_back(t);
    in.multiclass->predicted_class.push_back(rng.uniform() < 0.8 ? t
                                                                 : static_cast<int>(rng.below(3)));
  }
  RegressionResults r;
  SpectrumResults sp;
  sp.cut_name = "model score > 0.5";
  std::vector<uint8_t> ss, model_pass, ae_pass;
  const double lines[] = {wl::core::kTl208_583Kev, wl::core::kDepKev, wl::core::kSepKev,
                          wl::core::kTl208PeakKev};
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform();
    const double e =
        u < 0.6 ? rng.uniform(200.0, 2700.0) : lines[rng.below(4)] + rng.normal(0.0, 1.2);
    const bool single =
        std::fabs(e - wl::core::kDepKev) < 10 ? rng.uniform() < 0.9 : rng.uniform() < 0.3;
    r.truth.push_back(e);
    r.predicted.push_back(e + rng.normal(0.0, 1.0 + 0.0008 * e));
    sp.energy_kev.push_back(e);
    ss.push_back(single);
    model_pass.push_back(single ? rng.uniform() < 0.9 : rng.uniform() < 0.15);
    ae_pass.push_back(single ? rng.uniform() < 0.9 : rng.uniform() < 0.25);
  }
  r.peak_half_window_kev = 8.0;
  sp.pass = model_pass;
  in.regression = r;
  in.spectrum = sp;
  const auto regions = wl::eval::default_truth_regions(8.0);
  in.truth.push_back(wl::eval::truth_evaluation("model", model_pass, ss, sp.energy_kev, regions));
  in.truth.push_back(wl::eval::truth_evaluation("A/E", ae_pass, ss, sp.energy_kev, regions));
  for (int k = 0; k < 6; ++k) {
    WaveformExample w;
    w.class_name = k % 2 ? "multi-site" : "single-site";
    w.sample_period_ns = 10.0;
    for (int i = 0; i < 400; ++i) {
      const double t = i - 150.0;
      double v = t < 0 ? 0
                       : (k % 2 ? 0.5 * (1 - std::exp(-t / 8.0)) +
                                      0.5 * (t > 30 ? 1 - std::exp(-(t - 30) / 8.0) : 0)
                                : 1 - std::exp(-t / 10.0));
      w.samples.push_back(static_cast<float>(1000 + 3000 * v + rng.normal(0, 15)));
    }
    in.waveforms.push_back(w);
  }
  in.card.name = "FCNet low A/E";
  in.card.version = "0.1.0";
  in.card.model_type = "fully connected network";
  in.card.decision_thresholds = "score > 0.5";
  return in;
}
