#include "wavelearn/dsp/resample.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "wavelearn/core/error.hpp"

namespace wl::dsp {

namespace {

constexpr int kLobes = 3;
constexpr double kPi = 3.14159265358979323846;

double sinc(double x) {
  if (std::fabs(x) < 1e-12) return 1.0;
  return std::sin(kPi * x) / (kPi * x);
}

double lanczos(double x) { return std::fabs(x) < kLobes ? sinc(x) * sinc(x / kLobes) : 0.0; }

[[noreturn]] void refuse(const ResampleSpec& s, const std::string& why) {
  throw core::InputError("cannot resample " + s.describe() + ": " + why);
}

}  // namespace

std::string ResampleSpec::describe() const {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%g ns x %zu -> %g ns x %zu from %g ns (Lanczos-%d)", from_period_ns, from_samples,
                to_period_ns, to_samples, offset_ns, kLobes);
  return buf;
}

void ResampleSpec::validate() const {
  const auto good = [](double p) { return std::isfinite(p) && p > 0; };
  if (!good(from_period_ns)) refuse(*this, "the source sampling period must be a finite number > 0");
  if (!good(to_period_ns)) refuse(*this, "the target sampling period must be a finite number > 0");
  const double ratio = std::max(from_period_ns / to_period_ns, to_period_ns / from_period_ns);
  if (ratio > kMaxResampleRatio)
    refuse(*this, "the periods differ by more than a factor " + std::to_string(static_cast<int>(kMaxResampleRatio)));
  if (from_samples == 0 || to_samples == 0) refuse(*this, "empty record");
  const double last_in_ns = static_cast<double>(from_samples - 1) * from_period_ns;
  const double last_out_ns = offset_ns + static_cast<double>(to_samples - 1) * to_period_ns;
  // Half an input sample of slack at either end: the edge sample still describes it.
  const double slack = 0.5 * from_period_ns;
  if (!std::isfinite(offset_ns) || offset_ns < -slack || last_out_ns > last_in_ns + slack) {
    char why[200];
    std::snprintf(why, sizeof why, "the target window [%g, %g] ns is not inside the %g ns record", offset_ns,
                  last_out_ns, last_in_ns);
    refuse(*this, why);
  }
}

ResampleSpec plan_resample(double from_period_ns, std::size_t from_samples, double to_period_ns,
                           std::size_t to_samples, double anchor_in_ns, double anchor_out_ns) {
  ResampleSpec s;
  s.from_period_ns = from_period_ns;
  s.from_samples = from_samples;
  s.to_period_ns = to_period_ns;
  s.to_samples = to_samples;
  s.offset_ns = anchor_in_ns - anchor_out_ns;
  s.validate();
  return s;
}

void resample(const float* in, const ResampleSpec& s, float* out) {
  const double width_ns = std::max(s.from_period_ns, s.to_period_ns);  // kernel scale
  const double reach_ns = kLobes * width_ns;
  const long last = static_cast<long>(s.from_samples) - 1;
  for (std::size_t j = 0; j < s.to_samples; ++j) {
    const double t = s.offset_ns + static_cast<double>(j) * s.to_period_ns;
    const long lo = static_cast<long>(std::ceil((t - reach_ns) / s.from_period_ns));
    const long hi = static_cast<long>(std::floor((t + reach_ns) / s.from_period_ns));
    double acc = 0.0, norm = 0.0;
    for (long i = lo; i <= hi; ++i) {
      const double w = lanczos((static_cast<double>(i) * s.from_period_ns - t) / width_ns);
      acc += w * in[std::clamp(i, 0L, last)];
      norm += w;
    }
    out[j] = static_cast<float>(norm != 0.0 ? acc / norm : in[std::clamp(std::lround(t / s.from_period_ns), 0L, last)]);
  }
}

}  // namespace wl::dsp
