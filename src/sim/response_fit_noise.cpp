// The noise part of the response fit: baseline periodograms, the fit of the target's excess
// power by a white and a 1/f continuum plus lines; and the W1 distance the fit minimises.
#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include "wavelearn/core/parallel.hpp"
#include "wavelearn/sim/fft.hpp"
#include "wavelearn/sim/response_fit.hpp"

namespace wl::sim {

namespace {

constexpr double kLineNsigma = 6.0;  // a bin this far above the continuum fit holds a line
constexpr int kMaxFitPasses = 6;

struct Continuum {
  double white_psd = 0, pink_psd = 0;  // ADC^2/MHz, and ADC^2 (x 1/f in MHz)
  double at(double f_mhz) const { return white_psd + pink_psd / f_mhz; }
};

// Weighted least squares of e = W + B / f over the bins not set aside; W, B >= 0.
Continuum fit_continuum(const std::vector<double>& e, const std::vector<double>& var, const std::vector<double>& f,
                        const std::vector<char>& line) {
  double s00 = 0, s01 = 0, s11 = 0, r0 = 0, r1 = 0;
  for (std::size_t k = 0; k < e.size(); ++k) {
    if (line[k] || !(var[k] > 0)) continue;
    const double w = 1.0 / var[k], u = 1.0 / f[k];
    s00 += w, s01 += w * u, s11 += w * u * u, r0 += w * e[k], r1 += w * u * e[k];
  }
  Continuum c;
  if (!(s00 > 0)) return c;
  const double det = s00 * s11 - s01 * s01;
  if (det > 0) {
    c.white_psd = (r0 * s11 - r1 * s01) / det;
    c.pink_psd = (s00 * r1 - s01 * r0) / det;
  }
  if (!(det > 0) || c.pink_psd < 0) c = {r0 / s00, 0.0};  // white alone
  if (c.white_psd < 0) c = {0.0, s11 > 0 ? std::max(0.0, r1 / s11) : 0.0};  // 1/f alone
  return c;
}

// Lines from the bins set aside: each cluster (with a bin of margin each side, the Hann
// window's main lobe) gives power = sum of (excess - continuum) df and the frequency of its
// power-weighted centre; a sinusoid of amplitude A carries A^2 / 2.
std::vector<NoiseLine> collect_lines(const std::vector<double>& e, const std::vector<double>& f,
                                     const std::vector<char>& line, const Continuum& c, double df_mhz) {
  std::vector<NoiseLine> out;
  for (std::size_t k = 0; k < e.size();) {
    if (!line[k]) {
      ++k;
      continue;
    }
    std::size_t end = k;
    while (end + 1 < e.size() && (line[end + 1] || (end + 2 < e.size() && line[end + 2]))) ++end;
    const std::size_t lo = k > 0 ? k - 1 : k, hi = std::min(e.size() - 1, end + 1);
    double power = 0, moment = 0;
    for (std::size_t j = lo; j <= hi; ++j) {
      const double p = std::max(0.0, e[j] - c.at(f[j])) * df_mhz;
      power += p;
      moment += p * f[j];
    }
    if (power > 0) out.push_back({moment / power, std::sqrt(2.0 * power)});
    k = end + 1;
  }
  std::sort(out.begin(), out.end(), [](const NoiseLine& a, const NoiseLine& b) { return a.amplitude_adc > b.amplitude_adc; });
  if (out.size() > static_cast<std::size_t>(kMaxNoiseLines)) out.resize(static_cast<std::size_t>(kMaxNoiseLines));
  std::sort(out.begin(), out.end(), [](const NoiseLine& a, const NoiseLine& b) { return a.frequency_mhz < b.frequency_mhz; });
  return out;
}

}  // namespace

std::vector<double> mean_baseline_psd(const float* records, std::size_t count, std::size_t n, std::size_t segment,
                                      double dt_ns, double tau_ns, int order, int threads) {
  const std::size_t m = std::min(segment, n);
  std::vector<double> window(m);
  double w2 = 0;
  for (std::size_t i = 0; i < m; ++i) {
    window[i] = 0.5 - 0.5 * std::cos(2.0 * M_PI * static_cast<double>(i) / static_cast<double>(m));
    w2 += window[i] * window[i];
  }
  const int t = std::max(1, core::resolve_threads(threads));
  std::vector<std::vector<double>> sums(static_cast<std::size_t>(t), std::vector<double>(m / 2 + 1, 0.0));
  core::parallel_for(count, t, [&](std::size_t b, std::size_t e, int thread) {
    std::vector<float> x(m);
    std::vector<std::complex<double>> buf(m);
    auto& sum = sums[static_cast<std::size_t>(thread)];
    for (std::size_t r = b; r < e; ++r) {
      std::copy(records + r * n, records + r * n + m, x.begin());
      if (tau_ns > 0) apply_low_pass(x.data(), m, dt_ns, tau_ns, order);
      double mean = 0;
      for (const float v : x) mean += v;
      mean /= static_cast<double>(m);
      for (std::size_t i = 0; i < m; ++i) buf[i] = {window[i] * (x[i] - mean), 0.0};
      fft_in_place(buf, false);
      for (std::size_t k = 0; k <= m / 2; ++k) sum[k] += std::norm(buf[k]);
    }
  });
  std::vector<double> psd(m / 2 + 1, 0.0);
  const double scale = 2.0 * dt_ns * 1e-3 / (w2 * static_cast<double>(std::max<std::size_t>(count, 1)));
  for (const auto& s : sums)
    for (std::size_t k = 0; k < psd.size(); ++k) psd[k] += s[k] * scale;
  return psd;
}

NoiseFit fit_noise_excess(const std::vector<double>& psd_t, std::size_t n_t, const std::vector<double>& psd_s,
                          std::size_t n_s, double dt_ns, std::size_t segment) {
  const double dt_us = dt_ns * 1e-3, df = 1.0 / (static_cast<double>(segment) * dt_us);
  // Bins 2 .. segment/2 - 1: bin 1 holds what the removed mean and the window leak.
  std::vector<double> e, var, f;
  for (std::size_t k = 2; k + 1 < psd_t.size() && k < psd_s.size(); ++k) {
    e.push_back(psd_t[k] - psd_s[k]);
    // A periodogram bin is chi-square with 2 degrees of freedom: its mean over N events has
    // variance mean^2 / N.
    var.push_back(psd_t[k] * psd_t[k] / double(std::max<std::size_t>(n_t, 1)) +
                  psd_s[k] * psd_s[k] / double(std::max<std::size_t>(n_s, 1)));
    f.push_back(static_cast<double>(k) * df);
  }
  std::vector<char> line(e.size(), 0);
  Continuum c;
  for (int pass = 0; pass < kMaxFitPasses; ++pass) {
    c = fit_continuum(e, var, f, line);
    bool changed = false;
    for (std::size_t k = 0; k < e.size(); ++k) {
      const char is_line = (e[k] - c.at(f[k])) > kLineNsigma * std::sqrt(var[k]);
      changed |= is_line != line[k];
      line[k] = is_line;
    }
    if (!changed) break;
  }
  NoiseFit out;
  out.white_adc = std::sqrt(c.white_psd / (2.0 * dt_us));
  out.pink_adc_per_rtmhz = std::sqrt(c.pink_psd);
  out.lines = collect_lines(e, f, line, c, df);
  return out;
}

}  // namespace wl::sim
