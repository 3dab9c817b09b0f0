// Metric kernels at MJD scale: one test file holds ~65k events, a full test set ~1M.
#include <benchmark/benchmark.h>

#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/eval/roc.hpp"

namespace {

struct Sample {
  std::vector<double> score;
  std::vector<uint8_t> is_signal;
};

Sample make_sample(std::size_t n) {
  wl::core::Rng rng(1);
  Sample s;
  s.score.resize(n);
  s.is_signal.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    s.is_signal[i] = rng.uniform() < 0.9;  // low A/E passes ~90 %
    s.score[i] = rng.normal() + (s.is_signal[i] ? 1.5 : 0.0);
  }
  return s;
}

void BM_RocCurve(benchmark::State& state) {
  const auto s = make_sample(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(wl::eval::roc_curve(s.score, s.is_signal).auc);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RocCurve)->Arg(65000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_RocAuc(benchmark::State& state) {
  const auto s = make_sample(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(wl::eval::roc_auc(s.score, s.is_signal));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RocAuc)->Arg(65000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// 100 replicas; items = events x replicas.
void BM_AucBootstrap(benchmark::State& state) {
  const auto s = make_sample(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        wl::eval::roc_auc_bootstrap(s.score, s.is_signal, 100, 1, 0.95, 1).lower);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0) * 100);
}
BENCHMARK(BM_AucBootstrap)->Arg(65000)->Unit(benchmark::kMillisecond);

void BM_KsTwoSample(benchmark::State& state) {
  const auto s = make_sample(static_cast<std::size_t>(state.range(0)));
  const std::vector<double> b(s.score.rbegin(), s.score.rend());
  for (auto _ : state) benchmark::DoNotOptimize(wl::eval::ks_two_sample(s.score, b).p_value);
  state.SetItemsProcessed(state.iterations() * state.range(0) * 2);
}
BENCHMARK(BM_KsTwoSample)->Arg(65000)->Unit(benchmark::kMillisecond);

void BM_Fwhm(benchmark::State& state) {
  const auto s = make_sample(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(wl::eval::fwhm(s.score).fwhm_gaussian);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Fwhm)->Arg(65000)->Unit(benchmark::kMillisecond);

}  // namespace
