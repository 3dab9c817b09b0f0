// Many waveforms on all threads: one Chain (its own scratch) per thread, disjoint outputs,
// so results do not depend on the thread count.
#include <cmath>
#include <vector>

#include "wavelearn/core/parallel.hpp"
#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/dsp/processors.hpp"

namespace wl::dsp {

namespace {

std::vector<Chain> make_chains(const ChainConfig& config, double dt, std::size_t n, int threads) {
  std::vector<Chain> chains;
  chains.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) chains.emplace_back(config, dt, n);
  return chains;
}

}  // namespace

void process_block(const ChainConfig& config, double sample_period_ns, const float* waveforms,
                   std::size_t n_wf, std::size_t n, const double* tau_ns, Features* out, int threads) {
  threads = core::resolve_threads(threads);
  auto chains = make_chains(config, sample_period_ns, n, threads);
  core::parallel_for(n_wf, threads, [&](std::size_t begin, std::size_t end, int t) {
    Chain& chain = chains[static_cast<std::size_t>(t)];
    for (std::size_t i = begin; i < end; ++i)
      out[i] = chain.process(waveforms + i * n, n, tau_ns ? tau_ns[i] : 0.0);
  });
}

void tail_tau_block(const ChainConfig& config, double sample_period_ns, const float* waveforms,
                    std::size_t n_wf, std::size_t n, double* tau_ns, int threads) {
  threads = core::resolve_threads(threads);
  auto chains = make_chains(config, sample_period_ns, n, threads);
  core::parallel_for(n_wf, threads, [&](std::size_t begin, std::size_t end, int t) {
    Chain& chain = chains[static_cast<std::size_t>(t)];
    for (std::size_t i = begin; i < end; ++i) tau_ns[i] = chain.tail_tau_ns(waveforms + i * n, n);
  });
}

double estimate_tau_ns(const ChainConfig& config, double sample_period_ns, const float* waveforms,
                       std::size_t n_wf, std::size_t n, int threads) {
  std::vector<double> taus(n_wf);
  tail_tau_block(config, sample_period_ns, waveforms, n_wf, n, taus.data(), threads);
  std::size_t k = 0;
  for (double t : taus)
    if (std::isfinite(t) && t > 0) taus[k++] = t;
  return median_inplace(taus.data(), k);
}

}  // namespace wl::dsp
