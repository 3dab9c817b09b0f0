// dspeed's standard-chain parameters (docs/dsp.md, "dspeed naming"): the definitions of
// legend-exp/dspeed's processors, re-implemented on spans of samples.
#include "wavelearn/dsp/dspeed_params.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wl::dsp::dspeed {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::size_t samples(double ns, double dt_ns) { return static_cast<std::size_t>(std::lround(ns / dt_ns)); }

// One moving average of `length` samples: trailing (dspeed moving_window_left) or leading
// (moving_window_right), with dspeed's start-up at the record's edge.
void moving_window(const std::vector<double>& in, std::size_t length, bool trailing, std::vector<double>& out) {
  const std::size_t n = in.size();
  out.assign(n, 0.0);
  if (n == 0 || length == 0) return;
  const double len = static_cast<double>(length);
  auto at = [&](std::size_t i) { return trailing ? i : n - 1 - i; };
  out[at(0)] = in[at(0)];
  for (std::size_t i = 1; i < n; ++i) {
    const double leaving = i < length ? in[at(0)] : in[at(i - length)];
    out[at(i)] = out[at(i - 1)] + (in[at(i)] - leaving) / len;
  }
}
}  // namespace

const std::vector<DspeedColumn>& dspeed_columns() {
  static const std::vector<DspeedColumn> columns = {
      {"bl_mean", "ADC", &DspeedParams::bl_mean},     {"bl_std", "ADC", &DspeedParams::bl_std},
      {"bl_slope", "ADC", &DspeedParams::bl_slope},   {"trapEmax", "ADC", &DspeedParams::trapEmax},
      {"trapTmax", "ADC", &DspeedParams::trapTmax},   {"tp_0_est", "ns", &DspeedParams::tp_0_est},
      {"tp_01", "ns", &DspeedParams::tp_01},          {"tp_10", "ns", &DspeedParams::tp_10},
      {"tp_20", "ns", &DspeedParams::tp_20},          {"tp_50", "ns", &DspeedParams::tp_50},
      {"tp_80", "ns", &DspeedParams::tp_80},          {"tp_90", "ns", &DspeedParams::tp_90},
      {"tp_95", "ns", &DspeedParams::tp_95},          {"tp_99", "ns", &DspeedParams::tp_99},
      {"tp_100", "ns", &DspeedParams::tp_100},        {"A_max", "ADC/sample", &DspeedParams::A_max},
      {"QDrift", "ADC", &DspeedParams::QDrift},       {"dt_eff", "ns", &DspeedParams::dt_eff},
      {"lq80", "ADC", &DspeedParams::lq80},
  };
  return columns;
}

void linear_slope_fit(const double* x, std::size_t n, double* mean, double* stdev, double* slope) {
  *mean = *stdev = *slope = kNaN;
  if (n < 2) return;
  double m = 0, s = 0, sx = 0, sx2 = 0, sxy = 0, sy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = x[i] - m;
    m += d / static_cast<double>(i + 1);
    s += d * (x[i] - m);
    const double t = static_cast<double>(i);
    sx += t, sx2 += t * t, sxy += x[i] * t, sy += x[i];
  }
  const double nn = static_cast<double>(n);
  *mean = m;
  *stdev = std::sqrt(s / (nn - 1));
  *slope = (nn * sxy - sx * sy) / (nn * sx2 - sx * sx);
}

void pole_zero(const double* in, std::size_t n, double tau_samples, double* out) {
  if (n == 0) return;
  const double a = tau_samples > 0 ? std::exp(-1.0 / tau_samples) : 1.0;
  out[0] = in[0];
  for (std::size_t i = 1; i < n; ++i) out[i] = out[i - 1] + in[i] - a * in[i - 1];
}

void trap_norm(const double* in, std::size_t n, std::size_t rise, std::size_t flat, double* out) {
  const double r = static_cast<double>(rise);
  auto x = [&](long i) { return i >= 0 ? in[i] : 0.0; };
  double acc = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const long i = static_cast<long>(k), lr = static_cast<long>(rise), lf = static_cast<long>(flat);
    acc += (x(i) - x(i - lr) - x(i - lr - lf) + x(i - 2 * lr - lf)) / r;
    out[k] = acc;
  }
}

std::vector<double> t0_kernel(std::size_t rise, std::size_t fall) {
  std::vector<double> k(rise + fall);
  const double r = static_cast<double>(rise);
  for (std::size_t i = 0; i < rise; ++i) k[i] = 2.0 * (r - static_cast<double>(i)) / (r * (r + 1));
  for (std::size_t i = rise; i < k.size(); ++i) k[i] = -1.0 / static_cast<double>(fall);
  return k;
}

void convolve_same(const double* x, std::size_t n, const std::vector<double>& kernel, double* out) {
  const long m = static_cast<long>(kernel.size()), ln = static_cast<long>(n);
  const long shift = (m - 1) / 2;  // numpy's "same": the centre of the full convolution
  for (long k = 0; k < ln; ++k) {
    const long full = k + shift;
    double s = 0;
    for (long j = std::max(0L, full - ln + 1); j <= std::min(m - 1, full); ++j) s += x[full - j] * kernel[j];
    out[k] = s;
  }
}

void convolve_full(const double* x, std::size_t n, const std::vector<double>& kernel, double* out) {
  const long m = static_cast<long>(kernel.size()), ln = static_cast<long>(n);
  for (long k = 0; k < ln + m - 1; ++k) {
    double s = 0;
    for (long j = std::max(0L, k - ln + 1); j <= std::min(m - 1, k); ++j) s += x[k - j] * kernel[j];
    out[k] = s;
  }
}

long time_point_thresh(const double* w, std::size_t n, double threshold, long start, bool forward) {
  const long ln = static_cast<long>(n);
  if (!std::isfinite(threshold) || start < 0 || start >= ln) return -1;
  if (forward) {
    for (long i = start; i < ln - 1; ++i) {
      if ((w[i] <= threshold && threshold < w[i + 1]) || (w[i] >= threshold && threshold > w[i + 1])) return i;
    }
  } else {
    for (long i = start; i > 0; --i) {
      if ((w[i - 1] < threshold && threshold <= w[i]) || (w[i - 1] > threshold && threshold >= w[i])) return i;
    }
  }
  return -1;
}

double pickoff_linear(const double* w, std::size_t n, double t) {
  if (!std::isfinite(t) || t < 0 || t > static_cast<double>(n - 1) || n == 0) return kNaN;
  const auto i = static_cast<std::size_t>(std::floor(t));
  if (i + 1 >= n) return w[i];
  const double f = t - static_cast<double>(i);
  return w[i] + f * (w[i + 1] - w[i]);
}

double lq80_area(const double* w, std::size_t n, double top, long i80, long i100) {
  if (i80 < 0 || i100 < i80 || i100 > static_cast<long>(n) || !std::isfinite(top)) return kNaN;
  double area = 0;
  for (long i = i80; i < i100; ++i) area += top - w[i];
  return area - 0.5 * 0.2 * top * static_cast<double>(i100 - i80);
}

double current_max(const double* w, std::size_t n, long begin, std::size_t length, int upsample, int mw_length,
                   int passes) {
  if (begin < 0 || static_cast<std::size_t>(begin) >= n || length < 2 || upsample < 1) return kNaN;
  const std::size_t len = std::min(length, n - static_cast<std::size_t>(begin));
  if (len < 2) return kNaN;
  const std::size_t up = static_cast<std::size_t>(upsample);
  std::vector<double> cur((len - 1) * up), out;
  const long half = upsample / 2;
  for (std::size_t t = 0; t + 1 < len; ++t) {
    const double d = w[begin + static_cast<long>(t) + 1] - w[begin + static_cast<long>(t)];
    for (std::size_t k = 0; k < up; ++k) {
      const long o = static_cast<long>(t * up + k) - half;  // centred on the sample, as dspeed's upsampler
      if (o >= 0 && o < static_cast<long>(cur.size())) cur[static_cast<std::size_t>(o)] = d;
    }
  }
  for (int p = 0; p < passes; ++p) {
    moving_window(cur, static_cast<std::size_t>(mw_length), p % 2 == 0, out);
    cur.swap(out);
  }
  return cur.empty() ? kNaN : *std::max_element(cur.begin(), cur.end());
}

namespace {
// The rise-time points of dspeed's chain: tp_100 and tp_99 walking forward from tp_0_est,
// then each lower one walking back from the one above (95 from 99, 90 from 95, ..., 01 from 10).
void time_points(const double* pz, std::size_t n, double top, long i0, double dt_ns, DspeedParams& p, long* i80,
                 long* i100) {
  auto ns = [&](long i) { return i >= 0 ? static_cast<double>(i) * dt_ns : kNaN; };
  *i100 = time_point_thresh(pz, n, top, i0, true);
  long i = time_point_thresh(pz, n, 0.99 * top, i0, true);
  p.tp_100 = ns(*i100);
  p.tp_99 = ns(i);
  const struct { double fraction; double DspeedParams::*field; } steps[] = {
      {0.95, &DspeedParams::tp_95}, {0.90, &DspeedParams::tp_90}, {0.80, &DspeedParams::tp_80},
      {0.50, &DspeedParams::tp_50}, {0.20, &DspeedParams::tp_20}, {0.10, &DspeedParams::tp_10},
      {0.01, &DspeedParams::tp_01}};
  for (const auto& s : steps) {
    i = i >= 0 ? time_point_thresh(pz, n, s.fraction * top, i, false) : -1;
    p.*(s.field) = ns(i);
    if (s.fraction == 0.80) *i80 = i;
  }
}
}  // namespace

DspeedParams compute_dspeed_params(const float* wf, std::size_t n, double dt_ns, double baseline_adc, double tau_ns,
                                   const DspeedConfig& c, DspeedScratch& s) {
  DspeedParams p;
  for (const auto& col : dspeed_columns()) p.*(col.field) = kNaN;
  if (n < 4 || !(dt_ns > 0)) return p;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(wf[i])) return p;
  }
  s.blsub.resize(n), s.pz.resize(n), s.t0f.resize(n), s.trap.resize(n), s.qtrap.resize(n);
  for (std::size_t i = 0; i < n; ++i) s.blsub[i] = static_cast<double>(wf[i]) - baseline_adc;
  linear_slope_fit(s.blsub.data(), std::min(n, samples(c.bl_window_ns, dt_ns)), &p.bl_mean, &p.bl_std, &p.bl_slope);
  pole_zero(s.blsub.data(), n, tau_ns > 0 ? tau_ns / dt_ns : 0.0, s.pz.data());

  // tp_0_est: the t0 filter's maximum, then back to where it crosses bl_std.
  const auto kernel = t0_kernel(samples(c.t0_rise_ns, dt_ns), samples(c.t0_fall_ns, dt_ns));
  s.t0f.resize(c.t0_full_convolution ? n + kernel.size() - 1 : n);
  if (c.t0_full_convolution) convolve_full(s.pz.data(), n, kernel, s.t0f.data());
  else convolve_same(s.pz.data(), n, kernel, s.t0f.data());
  const long start = static_cast<long>(std::max_element(s.t0f.begin(), s.t0f.end()) - s.t0f.begin());
  long i0 = time_point_thresh(s.t0f.data(), s.t0f.size(), p.bl_std, start, false);
  if (i0 >= static_cast<long>(n)) i0 = -1;  // past the record (full convolution's tail): no start
  p.tp_0_est = i0 >= 0 ? static_cast<double>(i0) * dt_ns : kNaN;

  // trapEmax: maximum of the normalised trapezoid; a rise longer than the record allows is shortened.
  const std::size_t flat = std::min(samples(c.etrap_flat_ns, dt_ns), n / 2);
  const std::size_t rise = std::max<std::size_t>(1, std::min(samples(c.etrap_rise_ns, dt_ns), (n - flat) / 2));
  trap_norm(s.pz.data(), n, rise, flat, s.trap.data());
  p.trapEmax = p.trapTmax = *std::max_element(s.trap.begin(), s.trap.end());
  if (i0 < 0) return p;

  long i80 = -1, i100 = -1;
  time_points(s.pz.data(), n, p.trapTmax, i0, dt_ns, p, &i80, &i100);
  p.lq80 = lq80_area(s.pz.data(), n, p.trapTmax, i80, i100);

  trap_norm(s.pz.data(), n, std::max<std::size_t>(1, samples(c.qtrap_rise_ns, dt_ns)), samples(c.qtrap_flat_ns, dt_ns),
            s.qtrap.data());
  p.QDrift = c.qdrift_scale * pickoff_linear(s.qtrap.data(), n, (p.tp_0_est + c.qdrift_pickoff_ns) / dt_ns);
  p.dt_eff = p.QDrift / p.trapTmax;
  p.A_max = current_max(s.pz.data(), n, i0, samples(c.current_window_ns, dt_ns), c.current_upsample,
                        c.current_mw_length, c.current_mw_passes);
  return p;
}

}  // namespace wl::dsp::dspeed
