// Google Benchmark of each DSP processor and the full chain on realistic pulses (3800
// samples at 10 ns, noise, pedestal, 50-70 us decay). items_per_second of the chain
// benchmarks is waveforms per second on one core.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/dsp/processors.hpp"

namespace {

constexpr double kDtNs = 10.0;
constexpr std::size_t kSamples = 3800;
constexpr std::size_t kPulses = 256;

// Pulses with a linear-ish rise of random drift time at ~10 us, random energy and tau.
std::vector<float> make_pulses(std::vector<double>& taus) {
  std::mt19937 rng(42);
  std::normal_distribution<double> noise(0.0, 2.5);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  std::vector<float> block(kPulses * kSamples);
  taus.resize(kPulses);
  for (std::size_t k = 0; k < kPulses; ++k) {
    const double tau_ns = 50000 + 20000 * uni(rng);
    const double a = std::exp(-kDtNs / tau_ns);
    const double amp = 100 + 3000 * uni(rng);
    const double t0 = 9500 + 1000 * uni(rng), drift = 200 + 1200 * uni(rng);
    double v = 0, q_prev = 0;
    for (std::size_t i = 0; i < kSamples; ++i) {
      const double t = static_cast<double>(i) * kDtNs;
      const double q = t <= t0 ? 0.0 : amp * std::min(1.0, (t - t0) / drift);
      v = a * v + (q - q_prev);
      q_prev = q;
      block[k * kSamples + i] = static_cast<float>(std::round(3000 + v + noise(rng)));
    }
    taus[k] = tau_ns;
  }
  return block;
}

struct Data {
  std::vector<double> taus;
  std::vector<float> wf = make_pulses(taus);
};
const Data& data() {
  static const Data d;
  return d;
}

void BM_Chain(benchmark::State& state) {
  const auto& d = data();
  wl::dsp::Chain chain({}, kDtNs, kSamples);
  std::size_t k = 0;
  for (auto _ : state) {
    auto f = chain.process(d.wf.data() + k * kSamples, kSamples, d.taus[k]);
    benchmark::DoNotOptimize(f);
    k = (k + 1) % kPulses;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Chain);

void BM_ChainBlockAllThreads(benchmark::State& state) {
  const auto& d = data();
  std::vector<wl::dsp::Features> out(kPulses);
  for (auto _ : state) {
    wl::dsp::process_block({}, kDtNs, d.wf.data(), kPulses, kSamples, d.taus.data(), out.data(), 0);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kPulses);
}
BENCHMARK(BM_ChainBlockAllThreads)->UseRealTime();

// The physical limit of streaming work: copying the same bytes (one core).
void BM_MemcpyOfTheWaveforms(benchmark::State& state) {
  const auto& d = data();
  std::vector<float> dst(d.wf.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), d.wf.data(), d.wf.size() * sizeof(float));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * kPulses);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(d.wf.size() * sizeof(float)));
}
BENCHMARK(BM_MemcpyOfTheWaveforms);

void BM_BaselineStats(benchmark::State& state) {
  const auto& d = data();
  for (auto _ : state) benchmark::DoNotOptimize(wl::dsp::baseline_stats(d.wf.data(), 0, 900));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineStats);

void BM_PoleZeroWithPrefix(benchmark::State& state) {
  const auto& d = data();
  std::vector<float> z(kSamples);
  std::vector<double> prefix(kSamples + 1);
  const double a = wl::dsp::decay_per_sample(60000, kDtNs);
  for (auto _ : state) {
    wl::dsp::pole_zero(d.wf.data(), kSamples, a, z.data(), prefix.data());
    benchmark::DoNotOptimize(prefix.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PoleZeroWithPrefix);

void BM_TrapezoidMax(benchmark::State& state) {
  const auto& d = data();
  std::vector<float> z(kSamples);
  std::vector<double> prefix(kSamples + 1);
  wl::dsp::pole_zero(d.wf.data(), kSamples, wl::dsp::decay_per_sample(60000, kDtNs), z.data(), prefix.data());
  for (auto _ : state)
    benchmark::DoNotOptimize(wl::dsp::trap_max(prefix.data(), kSamples, 400, 250, 1400, 1950));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TrapezoidMax);

void BM_SmoothedCurrent(benchmark::State& state) {
  const auto& d = data();
  std::vector<float> cur(kSamples), tmp(kSamples);
  for (auto _ : state) {
    wl::dsp::smoothed_current(d.wf.data(), 900, 1300, 5, 3, cur.data(), tmp.data());
    benchmark::DoNotOptimize(cur.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SmoothedCurrent);

void BM_TailTau(benchmark::State& state) {
  const auto& d = data();
  std::vector<float> y(kSamples);
  wl::dsp::subtract_baseline(d.wf.data(), kSamples, 3000, y.data());
  for (auto _ : state) benchmark::DoNotOptimize(wl::dsp::tail_tau_samples(y.data(), 1400, kSamples, 8));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TailTau);

}  // namespace
