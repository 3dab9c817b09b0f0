// The response fit: the channels, then the rise stage and the noise in turn (each depends on
// the other: the stage filters the source's own noise, and noise moves the DSP's rise time),
// then the baseline drift, then the distances before and after.
#include "wavelearn/sim/response_fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "response_fit_detail.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/dsp/histogram.hpp"
#include "wavelearn/eval/wasserstein.hpp"

namespace wl::sim {

namespace {

using core::InputError;

// Rise times tried before the golden-section search (ns): dense where the electronics of a
// germanium readout usually lie, to 2 us.
const std::vector<double> kRiseGrid = {0, 25, 50, 100, 150, 200, 300, 400, 600, 800, 1200, 2000};
constexpr double kGoldenTolNs = 2.0;  // the search stops at a bracket this narrow
constexpr int kMaxGoldenSteps = 16;
constexpr std::size_t kMaxSegment = 1024;  // baseline periodogram length (samples)
constexpr std::size_t kMinSegment = 64;

// The fit's state: the samples, what they measured, and the source through its channels.
struct Work {
  Work(const RecordSample& s, const RecordSample& t, const FitSettings& fs) : source(s), target(t), settings(fs) {}
  const RecordSample& source;
  const RecordSample& target;
  FitSettings settings;
  detail::SampleStats s, t;
  ResponseFit fit;
  std::vector<float> channelled;   // source records after their channel (decay, gain, pedestal)
  std::vector<double> tau_after;   // the DSP's decay constant per source record afterwards
  std::vector<double> psd_target;  // mean baseline periodogram of the target
  std::vector<double> target_rise, target_avse, target_drift;
  double iqr_rise = 1, iqr_avse = 1, iqr_drift = 1;
};

std::string ns_text(double ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%g ns", ns);
  return buf;
}

void check_samples(const RecordSample& s, const RecordSample& t) {
  for (const auto* x : {&s, &t})
    if (x->size() < kMinFitRecords)
      throw InputError("translate --fit-response: " + x->path + " gives " + std::to_string(x->size()) +
                       " records; the fit needs at least " + std::to_string(kMinFitRecords));
  if (std::fabs(s.dt_ns - t.dt_ns) > 1e-9 * std::max(s.dt_ns, t.dt_ns))
    throw InputError("translate --fit-response: " + t.path + " is sampled every " + ns_text(t.dt_ns) + ", " + s.path +
                     " every " + ns_text(s.dt_ns) + "; a response is fitted on one sampling grid (resampling is " +
                     "not supported here)");
}

// Channels, the channelled source, the target's reference distributions and spectrum.
void prepare(Work& w) {
  const auto& S = w.source;
  w.s = detail::measure_sample(S, w.settings);
  w.t = detail::measure_sample(w.target, w.settings);
  auto& f = w.fit.fitted;
  detail::fit_channels(w.s, w.t, f, w.fit.notes);
  f.stage = ResponseParams{};
  f.stage.name = "fitted";
  const double margin_ns = w.settings.dsp.baseline_margin_ns;
  const double pre_s = w.s.tp0_p05_ns - margin_ns, pre_t = w.t.tp0_p05_ns - margin_ns;
  f.baseline_samples = std::isfinite(pre_s) && pre_s > S.dt_ns ? static_cast<std::size_t>(pre_s / S.dt_ns) : 1;
  // The periodogram's segment: a power of two inside the pre-pulse part of both samples.
  const double pre = std::min(pre_s, pre_t) / S.dt_ns;
  const std::size_t limit = std::min(S.n_samples, w.target.n_samples);
  std::size_t seg = std::isfinite(pre) ? kMaxSegment : 0;
  while (seg >= kMinSegment && (static_cast<double>(seg) > pre || seg > limit)) seg /= 2;
  w.fit.noise_segment_samples = seg >= kMinSegment ? seg : 0;
  w.channelled = S.records;
  w.tau_after.resize(S.size());
  const std::size_t n = S.n_samples;
  core::parallel_for(S.size(), w.settings.threads, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) {
      const auto& c = f.channel(S.detector[i]);
      float* x = w.channelled.data() + i * n;
      double sum = 0;
      for (std::size_t k = 0; k < std::min(n, f.baseline_samples); ++k) sum += x[k];
      rescale_channel(c, S.dt_ns, sum / static_cast<double>(std::min(n, f.baseline_samples)), x, n);
      w.tau_after[i] = detail::tau_after_ns(c);
    }
  });
  if (w.fit.noise_segment_samples)
    w.psd_target = mean_baseline_psd(w.target.records.data(), w.target.size(), w.target.n_samples,
                                     w.fit.noise_segment_samples, S.dt_ns, 0, 1, w.settings.threads);
  else
    w.fit.notes.push_back("noise not fitted: under 64 samples before the pulses");
  w.target_rise = detail::feature_values(w.t.features, "rise_time_ns");
  w.target_avse = detail::feature_values(w.t.features, "avse_raw");
  w.iqr_rise = std::max(detail::finite_iqr(w.target_rise), 1e-12);
  w.iqr_avse = std::max(detail::finite_iqr(w.target_avse), 1e-30);
  w.target_drift = detail::feature_values(w.t.features, "drift_time_ns");
  w.iqr_drift = std::max(detail::finite_iqr(w.target_drift), 1e-12);
}

// The noise continuum and lines for the current rise stage.
void fit_noise(Work& w) {
  if (!w.fit.noise_segment_samples) return;
  auto& st = w.fit.fitted.stage;
  const double tau = st.rise_time_ns > 0 ? pole_tau_for_rise_ns(st.rise_time_ns, st.rise_order) : 0.0;
  const auto psd_s = mean_baseline_psd(w.channelled.data(), w.source.size(), w.source.n_samples,
                                       w.fit.noise_segment_samples, w.source.dt_ns, tau, st.rise_order, w.settings.threads);
  const auto nf = fit_noise_excess(w.psd_target, w.target.size(), psd_s, w.source.size(), w.source.dt_ns,
                                   w.fit.noise_segment_samples);
  st.noise_white_adc = nf.white_adc;
  st.noise_pink_adc_per_rtmhz = nf.pink_adc_per_rtmhz;
  st.noise_lines = nf.lines;
}

// What the stage (without its rise part) adds to each source record: drawn once per fit of
// the noise, from the per-event streams the translation uses.
std::vector<float> stage_noise(const Work& w, ResponseParams stage) {
  stage.rise_time_ns = 0;
  const std::size_t n = w.source.n_samples;
  std::vector<float> noise(w.source.size() * n, 0.0f);
  core::parallel_for(w.source.size(), w.settings.threads, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) {
      core::Rng rng(w.settings.seed, w.source.events[i]);
      apply_response_stage(stage, w.source.dt_ns, rng, noise.data() + i * n, n);
    }
  });
  return noise;
}

// The DSP features of the channelled source through a rise stage plus the given noise.
std::vector<dsp::Features> source_features(const Work& w, double rise_ns, int order, const std::vector<float>& noise) {
  const std::size_t n = w.source.n_samples;
  std::vector<float> x(w.channelled.size());
  const double tau = rise_ns > 0 ? pole_tau_for_rise_ns(rise_ns, order) : 0.0;
  core::parallel_for(w.source.size(), w.settings.threads, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) {
      float* xi = x.data() + i * n;
      std::copy(w.channelled.data() + i * n, w.channelled.data() + (i + 1) * n, xi);
      if (tau > 0) apply_low_pass(xi, n, w.source.dt_ns, tau, order);
      const float* ni = noise.data() + i * n;
      for (std::size_t k = 0; k < n; ++k) xi[k] += ni[k];
    }
  });
  return detail::run_chain(w.settings.dsp, w.source.dt_ns, x.data(), w.source.size(), n, w.tau_after,
                           w.settings.threads);
}

// J(rise) for one order: W1 of the 10-90 % rise time, of A/E and of the drift time, each over
// the target's IQR (the distributions the rise stage moves most).
OrderFit evaluate(const Work& w, double rise_ns, int order, const std::vector<float>& noise) {
  const auto f = source_features(w, rise_ns, order, noise);
  OrderFit r;
  r.order = order;
  r.rise_time_ns = rise_ns;
  r.w1_rise_time_ns = eval::wasserstein1(detail::feature_values(f, "rise_time_ns"), w.target_rise);
  r.w1_avse = eval::wasserstein1(detail::feature_values(f, "avse_raw"), w.target_avse);
  r.w1_drift_time_ns = eval::wasserstein1(detail::feature_values(f, "drift_time_ns"), w.target_drift);
  r.objective = r.w1_rise_time_ns / w.iqr_rise + r.w1_avse / w.iqr_avse + r.w1_drift_time_ns / w.iqr_drift;
  if (!std::isfinite(r.objective)) r.objective = std::numeric_limits<double>::infinity();
  return r;
}

// The grid, then a golden-section search in the bracket around its best point.
OrderFit search_order(const Work& w, int order, const std::vector<float>& noise) {
  std::vector<OrderFit> grid;
  for (const double r : kRiseGrid) grid.push_back(evaluate(w, r, order, noise));
  const auto best_it = std::min_element(grid.begin(), grid.end(),
                                        [](const OrderFit& a, const OrderFit& b) { return a.objective < b.objective; });
  const auto i = static_cast<std::size_t>(best_it - grid.begin());
  OrderFit best = *best_it;
  int evals = static_cast<int>(grid.size());
  double lo = kRiseGrid[i > 0 ? i - 1 : 0], hi = kRiseGrid[std::min(i + 1, kRiseGrid.size() - 1)];
  const double g = 0.5 * (std::sqrt(5.0) - 1.0);
  double c = hi - g * (hi - lo), d = lo + g * (hi - lo);
  OrderFit fc = evaluate(w, c, order, noise), fd = evaluate(w, d, order, noise);
  evals += 2;
  for (int step = 0; step < kMaxGoldenSteps && hi - lo > kGoldenTolNs; ++step, ++evals) {
    for (const auto* x : {&fc, &fd})
      if (x->objective < best.objective) best = *x;
    if (fc.objective < fd.objective) {
      hi = d, d = c, fd = fc, c = hi - g * (hi - lo), fc = evaluate(w, c, order, noise);
    } else {
      lo = c, c = d, fc = fd, d = lo + g * (hi - lo), fd = evaluate(w, d, order, noise);
    }
  }
  for (const auto* x : {&fc, &fd})
    if (x->objective < best.objective) best = *x;
  best.evaluations = evals;
  return best;
}

void fit_rise(Work& w, const std::vector<int>& orders) {
  auto& st = w.fit.fitted.stage;
  const auto noise = stage_noise(w, st);
  w.fit.orders.clear();
  for (const int order : orders) w.fit.orders.push_back(search_order(w, order, noise));
  const auto best = *std::min_element(w.fit.orders.begin(), w.fit.orders.end(),
                                      [](const OrderFit& a, const OrderFit& b) { return a.objective < b.objective; });
  st.rise_time_ns = best.rise_time_ns;
  st.rise_order = best.rise_time_ns > 0 ? best.order : 1;
}

// Variance of the finite values within 5 robust sigma (IQR / 1.349) of the median: as
// efficient as the plain variance on the Gaussian bulk, blind to a few pulses on a baseline.
double clipped_variance(const std::vector<double>& v) {
  const double m = dsp::median(v), r = 5.0 * detail::finite_iqr(v) / 1.349;
  double sum = 0, sum2 = 0, k = 0;
  for (const double x : v)
    if (std::isfinite(x) && std::fabs(x - m) <= r) sum += x, sum2 += x * x, k += 1;
  return k > 1 ? (sum2 - sum * sum / k) / (k - 1) : std::numeric_limits<double>::quiet_NaN();
}

// The per-event baseline slope spreads beyond the noise's (noise and drift add in
// variance); the drift's mean is the difference of the medians. Slopes in ADC/ns, the
// stage's in ADC/us.
void fit_drift(Work& w) {
  auto& st = w.fit.fitted.stage;
  st.drift_adc_per_us = st.drift_sigma_adc_per_us = 0;
  const auto f = source_features(w, st.rise_time_ns, st.rise_order, stage_noise(w, st));
  const auto ss = detail::feature_values(f, "baseline_slope_adc_per_ns");
  const auto ts = detail::feature_values(w.t.features, "baseline_slope_adc_per_ns");
  const double var_s = clipped_variance(ss), var_t = clipped_variance(ts);
  if (!std::isfinite(var_s) || !std::isfinite(var_t)) {
    w.fit.notes.push_back("drift not fitted: no baseline slopes");
    return;
  }
  st.drift_sigma_adc_per_us = std::sqrt(std::max(0.0, var_t - var_s)) * 1e3;
  st.drift_adc_per_us = (dsp::median(ts) - dsp::median(ss)) * 1e3;
}

// The parameters the fit moves (and the others fidelity compares), source vs target.
void measure_distances(Work& w) {
  const auto& S = w.source;
  const std::size_t n = S.n_samples;
  std::vector<float> x = S.records;
  core::parallel_for(S.size(), w.settings.threads, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) {
      core::Rng rng(w.settings.seed, S.events[i]);
      apply_fitted_response(w.fit.fitted, S.detector[i], S.dt_ns, rng, x.data() + i * n, n);
    }
  });
  const auto after = detail::run_chain(w.settings.dsp, S.dt_ns, x.data(), S.size(), n, w.tau_after, w.settings.threads);
  for (const char* name : {"current_amp_adc_per_ns", "drift_time_ns", "tail_tau_ns", "dcr_raw", "rise_time_ns",
                           "avse_raw", "lq_raw", "energy_trap_adc", "baseline_std_adc", "baseline_slope_adc_per_ns"}) {
    const auto t = detail::feature_values(w.t.features, name);
    FeatureDistance d;
    d.feature = name;
    d.unit = dsp::feature_column(name).unit;
    d.before = eval::wasserstein1(detail::feature_values(w.s.features, name), t);
    d.after = eval::wasserstein1(detail::feature_values(after, name), t);
    w.fit.distances.push_back(d);
  }
}

}  // namespace

ResponseFit fit_response(const RecordSample& source, const RecordSample& target, const FitSettings& settings) {
  const auto t0 = std::chrono::steady_clock::now();
  check_samples(source, target);
  Work w(source, target, settings);
  w.settings.threads = core::resolve_threads(settings.threads);
  prepare(w);
  // Noise with no stage, one pole; then the noise again with that stage and every order.
  fit_noise(w);
  fit_rise(w, {1});
  fit_noise(w);
  std::vector<int> orders;
  for (int o = 1; o <= kMaxRiseOrder; ++o) orders.push_back(o);
  fit_rise(w, orders);
  fit_noise(w);
  fit_drift(w);
  w.fit.fitted.stage.validate(source.dt_ns);
  measure_distances(w);
  w.fit.notes.push_back("trapping not fitted: the stage keeps the simulation's charge collection");
  w.fit.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return std::move(w.fit);
}

}  // namespace wl::sim
