// The per-detector part of the fitted response (decay constant, gain, pedestal): measured on
// each file's sample, mapped detector by detector, and applied with one linear filter.
#include <algorithm>
#include <cmath>
#include <limits>

#include "response_fit_detail.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/dsp/histogram.hpp"

namespace wl::sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A detector needs this many measured tails for its own decay constant (as the DSP's
// per-detector estimate), and this many energies for its own gain.
constexpr std::size_t kMinPerDetector = 20;

// Median per detector of the finite values, those with fewer than kMinPerDetector left out;
// pooled: the median of all.
std::map<long long, double> median_by_detector(const std::vector<long long>& detector, const std::vector<double>& v,
                                               double& pooled) {
  std::map<long long, std::vector<double>> by;
  std::vector<double> all;
  for (std::size_t i = 0; i < v.size(); ++i)
    if (std::isfinite(v[i])) {
      by[detector[i]].push_back(v[i]);
      all.push_back(v[i]);
    }
  pooled = dsp::median(all);
  std::map<long long, double> out;
  for (auto& [d, values] : by)
    if (values.size() >= kMinPerDetector) out[d] = dsp::median(values);
  return out;
}

// Energy in ADC per keV of each record, NaN below kGainMinEnergyKev or unmeasured.
std::vector<double> gains(const RecordSample& s, const std::vector<dsp::Features>& f) {
  std::vector<double> g(s.size(), kNaN);
  if (s.energy_kev.empty()) return g;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s.energy_kev[i] > detail::kGainMinEnergyKev && f[i].quality == dsp::kQualityOk)
      g[i] = f[i].energy_trap_adc / s.energy_kev[i];
  return g;
}

double value_or(const std::map<long long, double>& m, long long d, double fallback) {
  const auto it = m.find(d);
  return it == m.end() ? fallback : it->second;
}

}  // namespace

const ChannelResponse& FittedResponse::channel(long long detector) const {
  const auto it = channels.find(detector);
  return it == channels.end() ? other : it->second;
}

void rescale_channel(const ChannelResponse& c, double dt_ns, double baseline_adc, float* x, std::size_t n) {
  if (n == 0) return;
  const bool decay = c.tau_source_ns > 0 && c.tau_target_ns > 0;
  // a == b (both 0 without a decay change) makes the filter the identity.
  const double a = decay ? std::exp(-dt_ns / c.tau_source_ns) : 0.0;
  const double b = decay ? std::exp(-dt_ns / c.tau_target_ns) : 0.0;
  const double level = baseline_adc + c.pedestal_shift_adc;
  double prev = x[0] - baseline_adc, z = prev;
  x[0] = static_cast<float>(level + c.gain_ratio * z);
  for (std::size_t k = 1; k < n; ++k) {
    const double y = x[k] - baseline_adc;
    z = b * z + y - a * prev;
    prev = y;
    x[k] = static_cast<float>(level + c.gain_ratio * z);
  }
}

void apply_fitted_response(const FittedResponse& f, long long detector, double dt_ns, core::Rng& rng, float* x,
                           std::size_t n) {
  if (n == 0) return;
  const std::size_t m = std::clamp<std::size_t>(f.baseline_samples, 1, n);
  double sum = 0;
  for (std::size_t i = 0; i < m; ++i) sum += x[i];
  rescale_channel(f.channel(detector), dt_ns, sum / static_cast<double>(m), x, n);
  apply_response_stage(f.stage, dt_ns, rng, x, n);
}

namespace detail {

SampleStats measure_sample(const RecordSample& s, const FitSettings& settings) {
  SampleStats st;
  const std::size_t n = s.n_samples;
  std::vector<double> tails(s.size());
  dsp::tail_tau_block(settings.dsp, s.dt_ns, s.records.data(), s.size(), n, tails.data(), settings.threads);
  for (auto& t : tails)
    if (!(t > 0)) t = kNaN;
  st.tau_ns = median_by_detector(s.detector, tails, st.tau_pooled_ns);
  if (!std::isfinite(st.tau_pooled_ns)) st.tau_pooled_ns = 0;
  std::vector<double> tau(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) tau[i] = value_or(st.tau_ns, s.detector[i], st.tau_pooled_ns);
  st.features = run_chain(settings.dsp, s.dt_ns, s.records.data(), s.size(), n, tau, settings.threads);
  st.gain_adc_per_kev = median_by_detector(s.detector, gains(s, st.features), st.gain_pooled_adc_per_kev);
  st.pedestal_adc =
      median_by_detector(s.detector, feature_values(st.features, "baseline_mean_adc"), st.pedestal_pooled_adc);
  st.tp0_p05_ns = dsp::quantile(feature_values(st.features, "tp0_ns"), 0.05);
  return st;
}

void fit_channels(const SampleStats& s, const SampleStats& t, FittedResponse& f, std::vector<std::string>& notes) {
  const bool gain = std::isfinite(s.gain_pooled_adc_per_kev) && std::isfinite(t.gain_pooled_adc_per_kev) &&
                    s.gain_pooled_adc_per_kev > 0 && t.gain_pooled_adc_per_kev > 0;
  if (!gain) notes.push_back("gain not fitted: a file without energies (or none above 200 keV)");
  if (!(s.tau_pooled_ns > 0) || !(t.tau_pooled_ns > 0))
    notes.push_back("decay constant not fitted: no measurable tails in a file");
  auto channel = [&](double tau_s, double gain_s, double ped_s, long long d, bool pooled) {
    ChannelResponse c;
    c.tau_source_ns = tau_s;
    c.tau_target_ns = pooled ? t.tau_pooled_ns : value_or(t.tau_ns, d, t.tau_pooled_ns);
    const double gt = pooled ? t.gain_pooled_adc_per_kev : value_or(t.gain_adc_per_kev, d, t.gain_pooled_adc_per_kev);
    if (gain && gain_s > 0) c.gain_ratio = gt / gain_s;
    const double pt = pooled ? t.pedestal_pooled_adc : value_or(t.pedestal_adc, d, t.pedestal_pooled_adc);
    if (std::isfinite(pt) && std::isfinite(ped_s)) c.pedestal_shift_adc = pt - ped_s;
    return c;
  };
  std::vector<long long> detectors;
  for (const auto& [d, tau] : s.tau_ns) detectors.push_back(d);
  for (const auto& [d, p] : s.pedestal_adc)
    if (!s.tau_ns.count(d)) detectors.push_back(d);
  for (const long long d : detectors)
    f.channels[d] = channel(value_or(s.tau_ns, d, s.tau_pooled_ns), value_or(s.gain_adc_per_kev, d, s.gain_pooled_adc_per_kev),
                            value_or(s.pedestal_adc, d, s.pedestal_pooled_adc), d, !t.pedestal_adc.count(d));
  f.other = channel(s.tau_pooled_ns, s.gain_pooled_adc_per_kev, s.pedestal_pooled_adc, 0, true);
}

double tau_after_ns(const ChannelResponse& c) {
  return c.tau_source_ns > 0 && c.tau_target_ns > 0 ? c.tau_target_ns : c.tau_source_ns;
}

std::vector<dsp::Features> run_chain(const dsp::ChainConfig& config, double dt_ns, const float* records,
                                     std::size_t count, std::size_t n, const std::vector<double>& tau_ns, int threads) {
  std::vector<dsp::Features> out(count);
  dsp::process_block(config, dt_ns, records, count, n, tau_ns.data(), out.data(), core::resolve_threads(threads));
  return out;
}

std::vector<double> feature_values(const std::vector<dsp::Features>& rows, const std::string& column) {
  const auto& c = dsp::feature_column(column);
  std::vector<double> v(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) v[i] = c.get(rows[i]);
  return v;
}

double finite_iqr(const std::vector<double>& v) { return dsp::quantile(v, 0.75) - dsp::quantile(v, 0.25); }

}  // namespace detail

}  // namespace wl::sim
