// The gradient all-reduce of data-parallel training (train/distributed.hpp) on loopback:
// two ranks (threads of this process, each with its own c10d ProcessGroupGloo and store
// client), a float32 buffer of the given number of parameters, mean over the ranks. The
// figure docs/performance.md's scaling model starts from.
#include <benchmark/benchmark.h>
#include <unistd.h>
#include <torch/torch.h>

#include <thread>

#include "wavelearn/core/loopback_port.hpp"
#include "wavelearn/train/distributed.hpp"

namespace {

// The last element is a stop flag: the partner rank mirrors every all-reduce of the timed
// loop until the flag's mean is non-zero.
void BM_AllReduceTwoRanks(benchmark::State& state) {
  const auto n = state.range(0);
  wl::train::DistEnv env;
  env.world_size = 2;
  env.master_port = wl::core::free_loopback_port("bench_train");
  env.timeout_s = 60;
  std::thread partner([env, n] {
    auto e = env;
    e.rank = 1;
    wl::train::ProcessGroup group(e);
    auto buf = torch::ones({n + 1});
    while (true) {
      buf[n] = 0.0f;
      group.all_reduce_mean({buf});
      if (buf[n].item<float>() != 0.0f) break;
    }
  });
  {
    wl::train::ProcessGroup group(env);
    auto buf = torch::ones({n + 1});
    for (auto _ : state) {
      buf[n] = 0.0f;
      group.all_reduce_mean({buf});
    }
    buf[n] = 2.0f;
    group.all_reduce_mean({buf});
  }
  partner.join();
  state.SetBytesProcessed(state.iterations() * n * 4);
}

}  // namespace

// 67k: FCNet hidden [64, 32]; 660k: seed-fcnet (1000-512-256-32-1); 4M: a larger CNN.
BENCHMARK(BM_AllReduceTwoRanks)->Arg(67000)->Arg(660000)->Arg(4000000)->Unit(benchmark::kMillisecond)->UseRealTime();
