#include "wavelearn/train/fused_adam.hpp"

#include <ATen/Parallel.h>

#include <cmath>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace wl::train {

namespace {

bool fusable(const torch::Tensor& p) {
  return p.grad().defined() && p.device().is_cpu() && p.scalar_type() == torch::kFloat && p.is_contiguous() &&
         p.grad().scalar_type() == torch::kFloat && p.grad().is_contiguous() && !p.grad().is_sparse();
}

// Subnormal moments arise as v = beta2 * v decays for parameters whose gradient stays tiny,
// and every operation on one costs a microcode assist (measured: the update 55x slower).
// They are treated as zero while the update runs: a moment below 1.2e-38 changes a float
// weight by less than its last bit (the step divides by sqrt(v) + eps, eps = 1e-8).
class FlushSubnormals {
 public:
#if defined(__SSE__)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }  // FTZ | DAZ
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  unsigned saved_;
#endif
};

struct Coefficients {
  float b1, one_minus_b1, b2, one_minus_b2, inv_sqrt_bc2, eps, step_size, weight_decay;
};

// One pass: read g, m, v, w once, write m, v, w once. Cloned for AVX-512 and AVX2 (picked at
// load time) since the portable build targets SSE2. This file is built with -O3 and
// -fno-math-errno (src/train/CMakeLists.txt): sqrt's inputs are >= 0, and without errno
// the loop has no branch and vectorises. sqrt and divide vectorise exactly, so every clone
// computes the same floats.
__attribute__((target_clones("avx512f", "avx2", "default"))) void adam_update(
    float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t n,
    Coefficients c) {
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] + c.weight_decay * w[i];  // the L2 term as Adam adds it (0 * w when off)
    const float mi = m[i] * c.b1 + gi * c.one_minus_b1;
    const float vi = v[i] * c.b2 + c.one_minus_b2 * (gi * gi);
    m[i] = mi;
    v[i] = vi;
    w[i] -= c.step_size * (mi / (std::sqrt(vi) * c.inv_sqrt_bc2 + c.eps));
  }
}

}  // namespace

torch::Tensor FusedAdam::step(LossClosure closure) {
  if (closure) return torch::optim::Adam::step(std::move(closure));
  for (const auto& group : param_groups()) {
    const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
    if (o.amsgrad()) return torch::optim::Adam::step();
    for (const auto& p : group.params())
      if (p.grad().defined() && !fusable(p)) return torch::optim::Adam::step();
  }
  torch::NoGradGuard no_grad;
  for (auto& group : param_groups()) {
    const auto& o = static_cast<const torch::optim::AdamOptions&>(group.options());
    const double beta1 = std::get<0>(o.betas()), beta2 = std::get<1>(o.betas());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      // The state is keyed and laid out as torch::optim::Adam keeps it.
      const auto key = optimizer_state_key(*this, p);
      auto it = state_.find(key);
      if (it == state_.end()) {
        auto s = std::make_unique<torch::optim::AdamParamState>();
        s->step(0);
        s->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        s->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        it = state_.emplace(key, std::move(s)).first;
      }
      auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
      s.step(s.step() + 1);
      const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(s.step()));
      const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(s.step()));
      Coefficients c;
      c.b1 = static_cast<float>(beta1);
      c.b2 = static_cast<float>(beta2);
      c.one_minus_b1 = static_cast<float>(1.0 - beta1);
      c.one_minus_b2 = static_cast<float>(1.0 - beta2);
      c.inv_sqrt_bc2 = static_cast<float>(1.0 / std::sqrt(bc2));
      c.eps = static_cast<float>(o.eps());
      c.step_size = static_cast<float>(o.lr() / bc1);
      c.weight_decay = static_cast<float>(o.weight_decay());
      float* w = p.data_ptr<float>();
      const float* g = p.grad().data_ptr<float>();
      float* m = s.exp_avg().data_ptr<float>();
      float* v = s.exp_avg_sq().data_ptr<float>();
      at::parallel_for(0, p.numel(), 1 << 16, [&](int64_t begin, int64_t end) {
        FlushSubnormals ftz;
        adam_update(w + begin, g + begin, m + begin, v + begin, end - begin, c);
      });
    }
  }
  return {};
}

}  // namespace wl::train
