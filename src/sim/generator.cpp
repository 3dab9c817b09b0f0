#include "wavelearn/sim/generator.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/core/parallel.hpp"
#include "wavelearn/sim/response.hpp"
#include "wavelearn/sim/spectrum.hpp"

namespace wl::sim {

Generator::Generator(const SimParams& params, uint64_t seed, std::size_t n_events, std::size_t first_event)
    : params_((params.validate(), with_response_overrides(params))),
      seed_(seed),
      n_events_(n_events),
      first_event_(first_event),
      detectors_(make_detectors(params_, seed)),
      templates_(params_, detectors_),
      noise_(params_, seed, static_cast<std::size_t>(params_.n_samples)) {}

void Generator::add_pulse(int detector, double drift_ns, double contact, double amp_adc, std::size_t start,
                          float* out) const {
  const std::size_t n = static_cast<std::size_t>(params_.n_samples);
  if (start >= n) return;
  const std::size_t len = templates_.length();
  const std::size_t bin = templates_.bin_of(drift_ns);
  // Linear interpolation between the contact-size variants bracketing `contact`.
  const double range = templates_.contact_range();
  double u = range > 0 ? (contact - 1.0) / range + 1.0 : 1.0;  // 0..2
  u = std::clamp(u, 0.0, 2.0);
  const int v0 = u >= 1.0 ? 1 : 0;
  const float w = static_cast<float>(u - v0);
  const float* __restrict t0 = templates_.templ(detector, bin, v0);
  const float* __restrict t1 = templates_.templ(detector, bin, v0 + 1);
  const float a0 = static_cast<float>(amp_adc) * (1.0f - w), a1 = static_cast<float>(amp_adc) * w;
  const std::size_t rise_end = std::min(n, start + len);
  float* __restrict o = out + start;
  for (std::size_t k = 0; k < rise_end - start; ++k) o[k] += a0 * t0[k] + a1 * t1[k];
  if (rise_end >= n) return;
  // After the template the pulse is a pure exponential decay of its last value.
  const float end_value = a0 * t0[len - 1] + a1 * t1[len - 1];
  const float* __restrict tail = templates_.tail(detector);
  float* __restrict ot = out + rise_end;
  for (std::size_t k = 0; k < n - rise_end; ++k) ot[k] += end_value * tail[k];
}

double Generator::draw_contact(core::Rng& rng) const {
  const double r = params_.contact_range;
  return std::clamp(1.0 + params_.contact_sigma * rng.normal(), 1.0 - r, 1.0 + r);
}

void Generator::add_slow(int detector, double amp_adc, double tau_ns, std::size_t start, float* out) const {
  // Charge released exponentially (time constant tau_r) seen through the preamp decay (tau_p):
  // v(t) = A * tau_p / (tau_p - tau_r) * (exp(-t/tau_p) - exp(-t/tau_r)).
  const std::size_t n = static_cast<std::size_t>(params_.n_samples);
  const double tau_p = detectors_[static_cast<std::size_t>(detector)].decay_tau_ns;
  const double tau_r = std::min(tau_ns, 0.999 * tau_p);
  const double dt = params_.sample_period_ns;
  const double scale = amp_adc * tau_p / (tau_p - tau_r);
  const double fp = std::exp(-dt / tau_p), fr = std::exp(-dt / tau_r);
  double ep = 1.0, er = 1.0;
  for (std::size_t k = start; k < n; ++k) {
    out[k] += static_cast<float>(scale * (ep - er));
    ep *= fp;
    er *= fr;
  }
}

namespace {

// Charge trapped on the way to the contact: each site keeps a fraction falling with its
// drift time, and the collected (visible) energy is what is left.
void apply_trapping(double trapping_per_us, EventTruth& t) {
  float visible = 0.0f;
  for (int s = 0; s < t.n_sites; ++s) {
    t.site_energy_kev[s] *= static_cast<float>(trapping_kept_fraction(trapping_per_us, t.site_drift_ns[s]));
    visible += t.site_energy_kev[s];
  }
  t.visible_energy_kev = visible;
}

}  // namespace

void Generator::generate_event(std::size_t index, float* out, EventTruth& t) const {
  const SimParams& p = params_;
  core::Rng rng(seed_, index);
  const std::size_t n = static_cast<std::size_t>(p.n_samples);
  const double dt = p.sample_period_ns;

  t = EventTruth{};
  t.id = static_cast<int64_t>(index);
  t.detector = static_cast<int32_t>(rng.below(detectors_.size()));
  const DetectorParams& d = detectors_[static_cast<std::size_t>(t.detector)];
  const std::size_t total = std::max<std::size_t>(n_events_, 1);
  const std::size_t in_file = index >= first_event_ ? index - first_event_ : 0;
  t.run_number = p.first_run_number +
                 static_cast<int32_t>(std::min<std::size_t>(in_file, total - 1) * static_cast<std::size_t>(p.n_runs) / total);
  const long jitter = std::lround(p.tp0_jitter_ns / dt);
  t.tp0 = static_cast<int32_t>(std::lround(p.pretrigger_ns / dt) +
                               static_cast<long>(rng.below(static_cast<uint64_t>(2 * jitter + 1))) - jitter);
  sample_event(p, d, rng, t);
  // The waveform shows the binned drift times the templates were made for.
  for (int s = 0; s < t.n_sites; ++s)
    t.site_drift_ns[s] = static_cast<float>(templates_.drift_of_bin(templates_.bin_of(t.site_drift_ns[s])));
  t.drift_time_ns = static_cast<float>(templates_.drift_of_bin(templates_.bin_of(t.drift_time_ns)));
  if (p.response.trapping_per_us > 0) apply_trapping(p.response.trapping_per_us, t);

  // Baseline and noise (keV-equivalent noise scaled by this detector's gain).
  const float base = static_cast<float>(d.baseline_adc + p.baseline_jitter_adc * (2.0 * rng.uniform() - 1.0));
  noise_.fill(rng, base, static_cast<float>(d.white_noise_kev * d.gain_adc_per_kev),
              static_cast<float>(p.lf_noise_kev * d.gain_adc_per_kev), out, n);

  const std::size_t start = static_cast<std::size_t>(t.tp0);
  const double prompt = 1.0 - ((t.event_class == EventClass::kSurfaceAlpha ||
                                t.event_class == EventClass::kTransitionLayer)
                                   ? t.delayed_fraction
                                   : 0.0);
  for (int s = 0; s < t.n_sites; ++s)
    add_pulse(t.detector, t.site_drift_ns[s], draw_contact(rng), prompt * t.site_energy_kev[s] * d.gain_adc_per_kev,
              start, out);
  if (t.delayed_fraction > 0.0f) {
    // Alphas: delayed charge recovery after the prompt collection; transition layer: late
    // charge diffusing out of the n+ layer from the start of the rise.
    const std::size_t slow_start =
        t.event_class == EventClass::kSurfaceAlpha
            ? start + static_cast<std::size_t>(std::lround(t.drift_time_ns / dt))
            : start;
    add_slow(t.detector, t.delayed_fraction * t.visible_energy_kev * d.gain_adc_per_kev, t.delayed_tau_ns,
             slow_start, out);
  }
  if (p.pileup_fraction > 0.0 && rng.uniform() < p.pileup_fraction) add_pileup(d, rng, start, out, t);
  // The readout sees the whole record, pulses and detector noise alike.
  if (p.response.has_waveform_stage()) apply_response_stage(p.response, dt, rng, out, n);
}

// Placed away from the record's edges by pileup_margin_ns; nothing when the record is too
// short for that.
void Generator::add_pileup(const DetectorParams& d, core::Rng& rng, std::size_t start, float* out,
                           EventTruth& t) const {
  const SimParams& p = params_;
  const double dt = p.sample_period_ns;
  const std::size_t n = static_cast<std::size_t>(p.n_samples);
  EventTruth second;
  sample_gamma(p, rng, second);
  const double drift = sample_drift_ns(p, d, rng);
  const double margin = p.pileup_margin_ns / dt;
  const double lo = margin, hi = static_cast<double>(n) - margin;
  if (hi > lo) {
    const std::size_t at = static_cast<std::size_t>(lo + (hi - lo) * rng.uniform());
    add_pulse(t.detector, drift, draw_contact(rng), second.energy_kev * d.gain_adc_per_kev, at, out);
    t.pileup = true;
    t.pileup_energy_kev = second.energy_kev;
    t.pileup_offset_ns = static_cast<float>((static_cast<double>(at) - static_cast<double>(start)) * dt);
  }
}

void Generator::generate(std::size_t first, std::size_t count, float* out, EventTruth* truths,
                         int threads) const {
  const std::size_t n = static_cast<std::size_t>(params_.n_samples);
  core::parallel_for(count, threads, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t i = b; i < e; ++i) generate_event(first + i, out + i * n, truths[i]);
  });
}

}  // namespace wl::sim
