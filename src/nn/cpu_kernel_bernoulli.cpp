// bernoulli_(p) from a counter-based stream: word w of the SplitMix64 sequence that starts at
// a key drawn from the tensor's generator gives elements 2w and 2w + 1 (32 bits each). Any
// thread can compute any element, so the tensor fills in parallel and the result does not
// depend on the thread count; libtorch 1.13 without MKL draws one mt19937 number per element,
// serially, under the generator's lock (~5 ns each: 2 ms per attention dropout mask).
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/core/Generator.h>
#include <ATen/ops/bernoulli_cpu_dispatch.h>

#include <cmath>
#include <mutex>

#include "cpu_kernels_impl.hpp"

namespace wl::nn::detail {

namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;  // SplitMix64's increment

// SplitMix64's output function (Steele, Lea and Flood 2014), which passes BigCrush on the
// Weyl sequence key + w * kGolden.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t draw_key(c10::optional<at::Generator> generator) {
  auto* g = at::get_generator_or_default<at::CPUGeneratorImpl>(generator, at::detail::getDefaultCPUGenerator());
  std::lock_guard<std::mutex> lock(g->mutex_);
  return g->random64();
}

template <typename T>
void fill_bernoulli(T* out, int64_t n, uint64_t key, uint64_t threshold) {
  const int64_t words = (n + 1) / 2;
  at::parallel_for(0, words, 8192, [&](int64_t begin, int64_t end) {
    for (int64_t w = begin; w < end; ++w) {
      const uint64_t r = mix64(key + static_cast<uint64_t>(w + 1) * kGolden);
      out[2 * w] = static_cast<T>((r & 0xFFFFFFFFULL) < threshold);
      if (2 * w + 1 < n) out[2 * w + 1] = static_cast<T>((r >> 32) < threshold);
    }
  });
}

}  // namespace

at::Tensor& bernoulli_scalar_cpu(at::Tensor& self, double p, c10::optional<at::Generator> generator) {
  const auto type = self.scalar_type();
  const bool handled = type == at::kFloat || type == at::kDouble || type == at::kBool || type == at::kByte;
  if (!handled || !self.is_contiguous() || self.numel() == 0)
    return at::cpu::bernoulli_(self, p, generator);
  TORCH_CHECK(0 <= p && p <= 1, "bernoulli_ expects p to be in [0, 1], but got p=", p);
  // P(keep) = threshold / 2^32: p to within 2^-33.
  const auto threshold = static_cast<uint64_t>(std::llround(std::ldexp(p, 32)));
  const uint64_t key = draw_key(generator);
  const int64_t n = self.numel();
  if (type == at::kFloat) fill_bernoulli(self.data_ptr<float>(), n, key, threshold);
  else if (type == at::kDouble) fill_bernoulli(self.data_ptr<double>(), n, key, threshold);
  else if (type == at::kBool) fill_bernoulli(self.data_ptr<bool>(), n, key, threshold);
  else fill_bernoulli(self.data_ptr<uint8_t>(), n, key, threshold);
  return self;
}

}  // namespace wl::nn::detail
