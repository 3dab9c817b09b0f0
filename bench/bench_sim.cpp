// Raw generation speed of the simulator (no labelling, no I/O): the spec asks for at least
// 100k waveforms/s per core. items_per_second is waveforms/s on one thread; the noise fill
// alone and the memset-speed write of the same bytes put it in proportion.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/sim/generator.hpp"

namespace {

const wl::sim::Generator& generator() {
  static const wl::sim::Generator g(wl::sim::SimParams{}, 1, 1000000);
  return g;
}

void BM_GenerateEvent(benchmark::State& state) {
  const auto& g = generator();
  std::vector<float> wf(static_cast<std::size_t>(g.params().n_samples));
  wl::sim::EventTruth t;
  std::size_t i = 0;
  for (auto _ : state) {
    g.generate_event(i++, wf.data(), t);
    benchmark::DoNotOptimize(wf.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wf.size() * sizeof(float)));
}
BENCHMARK(BM_GenerateEvent);

void BM_GenerateChunk(benchmark::State& state) {
  const auto& g = generator();
  const std::size_t n = 1024;
  std::vector<float> wf(n * static_cast<std::size_t>(g.params().n_samples));
  std::vector<wl::sim::EventTruth> t(n);
  std::size_t first = 0;
  const int threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    g.generate(first, n, wf.data(), t.data(), threads);
    first += n;
    benchmark::DoNotOptimize(wf.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_GenerateChunk)->Arg(1)->Arg(2)->UseRealTime();

void BM_NoiseOnly(benchmark::State& state) {
  const wl::sim::SimParams p;
  static const wl::sim::NoiseBank bank(p, 1, static_cast<std::size_t>(p.n_samples));
  std::vector<float> wf(static_cast<std::size_t>(p.n_samples));
  wl::core::Rng rng(1, 2);
  for (auto _ : state) {
    bank.fill(rng, 1000.0f, 12.0f, 3.0f, wf.data(), wf.size());
    benchmark::DoNotOptimize(wf.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NoiseOnly);

// The naive alternative the noise bank replaces: one polar-method normal per sample.
void BM_NoisePolarNormal(benchmark::State& state) {
  const wl::sim::SimParams p;
  std::vector<float> wf(static_cast<std::size_t>(p.n_samples));
  wl::core::Rng rng(1, 3);
  for (auto _ : state) {
    for (auto& x : wf) x = static_cast<float>(1000.0 + 12.0 * rng.normal());
    benchmark::DoNotOptimize(wf.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_NoisePolarNormal);

// Physical floor: writing the same bytes.
void BM_MemsetRecord(benchmark::State& state) {
  const wl::sim::SimParams p;
  std::vector<float> wf(static_cast<std::size_t>(p.n_samples));
  for (auto _ : state) {
    std::memset(wf.data(), 1, wf.size() * sizeof(float));
    benchmark::DoNotOptimize(wf.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_MemsetRecord);

}  // namespace
