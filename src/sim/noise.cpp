#include "wavelearn/sim/noise.hpp"

#include <algorithm>
#include <cmath>

namespace wl::sim {

namespace {
constexpr uint64_t kNoiseStream = (1ULL << 62) + (1ULL << 40);
}

NoiseBank::NoiseBank(const SimParams& p, uint64_t seed, std::size_t record_samples) {
  std::size_t n = std::size_t{1} << p.noise_bank_log2;
  while (n < 4 * record_samples) n *= 2;
  white_.resize(n);
  lf_.resize(n);
  core::Rng rng(seed, kNoiseStream);
  for (auto& w : white_) w = static_cast<float>(rng.normal());
  // 1/f-like: equal-variance AR(1) processes with time constants lf_tau/100, /10 and /1,
  // summed and scaled to unit variance.
  std::vector<double> acc(n, 0.0);
  const double taus[3] = {p.lf_tau_ns / 100.0, p.lf_tau_ns / 10.0, p.lf_tau_ns};
  for (double tau : taus) {
    const double a = std::exp(-p.sample_period_ns / std::max(tau, 1e-9));
    const double innov = std::sqrt(std::max(0.0, 1.0 - a * a));
    double x = rng.normal();
    for (std::size_t i = 0; i < n; ++i) {
      x = a * x + innov * rng.normal();
      acc[i] += x;
    }
  }
  double var = 0.0;
  for (double v : acc) var += v * v;
  const double scale = var > 0 ? 1.0 / std::sqrt(var / static_cast<double>(n)) : 0.0;
  for (std::size_t i = 0; i < n; ++i) lf_[i] = static_cast<float>(acc[i] * scale);
}

void NoiseBank::fill(core::Rng& rng, float offset, float white_sigma, float lf_sigma, float* out,
                     std::size_t n) const {
  const std::size_t span = white_.size() - n;
  const std::size_t o1 = rng.below(span), o2 = rng.below(span), o3 = rng.below(span);
  constexpr double kTwoPi = 6.283185307179586;
  const double angle = kTwoPi * rng.uniform();
  const float c1 = static_cast<float>(white_sigma * std::cos(angle));
  const float c2 = static_cast<float>(white_sigma * std::sin(angle));
  const float c3 = rng.uniform() < 0.5 ? -lf_sigma : lf_sigma;
  const float* __restrict w1 = white_.data() + o1;
  const float* __restrict w2 = white_.data() + o2;
  const float* __restrict l = lf_.data() + o3;
  float* __restrict o = out;
  for (std::size_t i = 0; i < n; ++i) o[i] = offset + c1 * w1[i] + c2 * w2[i] + c3 * l[i];
}

}  // namespace wl::sim
