// Junk in, no crash out: every feature is finite or NaN (never inf), with a flag whenever a
// pulse quantity is missing.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "pulses.hpp"
#include "wavelearn/dsp/chain.hpp"

using namespace wl::dsp;

namespace {

void expect_sane(const Features& f, int k) {
  for (std::size_t i = 0; i + 1 < feature_names().size(); ++i) {
    const double v = feature_value(f, i);
    EXPECT_FALSE(std::isinf(v)) << feature_names()[i] << " case " << k;
  }
  if (f.quality == kQualityOk) {
    EXPECT_TRUE(std::isfinite(f.energy_trap_adc)) << k;
    EXPECT_TRUE(std::isfinite(f.tp0_ns)) << k;
  }
}

}  // namespace

TEST(Robustness, RandomJunkNeverCrashesOrGivesInf) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> g(0.0, 1.0);
  for (int k = 0; k < 300; ++k) {
    const double dt = k % 3 == 0 ? 16.0 : 10.0;
    const std::size_t n = 1 + static_cast<std::size_t>(u(rng) * 5000);
    std::vector<float> x(n);
    const int kind = k % 6;
    const double scale = std::pow(10.0, -3 + 9 * u(rng));
    for (std::size_t i = 0; i < n; ++i) {
      switch (kind) {
        case 0: x[i] = static_cast<float>(scale * g(rng)); break;                       // noise
        case 1: x[i] = static_cast<float>(i > n / 2 ? scale : 0.0); break;              // step, no decay
        case 2: x[i] = static_cast<float>(u(rng) < 0.01 ? scale : 0.0); break;          // spikes
        case 3: x[i] = static_cast<float>(scale * std::sin(0.01 * double(i))); break;   // oscillation
        case 4: x[i] = static_cast<float>(i % 2 ? scale : -scale); break;               // alternating
        default: x[i] = static_cast<float>(1e30 * (i > n / 3 ? 1.0 : 0.5)); break;      // huge
      }
    }
    ChainConfig cfg;
    Chain chain(cfg, dt, n);
    expect_sane(chain.process(x.data(), n, u(rng) < 0.5 ? 0.0 : 50000.0), k);
  }
}

TEST(Robustness, NoisyPulsesOfAllSizesAndPositions) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int k = 0; k < 200; ++k) {
    wl::test::PulseSpec p;
    p.dt_ns = k % 2 ? 16.0 : 10.0;
    p.length_ns = 2000 + 60000 * u(rng);
    p.t0_ns = p.length_ns * u(rng);
    p.amplitude_adc = std::pow(10.0, 4 * u(rng));
    p.drift_ns = 50 + 3000 * u(rng);
    p.noise_adc = 3 * u(rng);
    p.seed = static_cast<uint32_t>(k);
    const auto x = wl::test::make_pulse(p);
    Chain chain({}, p.dt_ns, x.size());
    expect_sane(chain.process(x.data(), x.size(), p.tau_ns), k);
  }
}
