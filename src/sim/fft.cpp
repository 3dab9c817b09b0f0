#include "wavelearn/sim/fft.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

namespace wl::sim {

std::size_t fft_size_for(std::size_t n) {
  std::size_t m = 1;
  while (m < n) m <<= 1;
  return m;
}

void fft_in_place(std::vector<std::complex<double>>& x, bool inverse) {
  const std::size_t n = x.size();
  if (n == 0 || (n & (n - 1)) != 0) throw std::invalid_argument("fft_in_place: size is not a power of two");
  // Bit-reversal permutation, then iterative butterflies.
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(x[i], x[j]);
  }
  constexpr double kPi = 3.14159265358979323846;
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double angle = (inverse ? 2.0 : -2.0) * kPi / static_cast<double>(len);
    const std::complex<double> step(std::cos(angle), std::sin(angle));
    const std::size_t half = len / 2;
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> w(1.0, 0.0);
      for (std::size_t k = 0; k < half; ++k) {
        const std::complex<double> u = x[i + k], v = x[i + k + half] * w;
        x[i + k] = u + v;
        x[i + k + half] = u - v;
        w *= step;
      }
    }
  }
}

}  // namespace wl::sim
