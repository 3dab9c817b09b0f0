#pragma once
// In-place radix-2 complex FFT, enough for shaping noise spectra and for estimating them in
// tests (no external FFT library in the project). Sizes must be powers of two.
#include <complex>
#include <cstddef>
#include <vector>

namespace wl::sim {

// Smallest power of two >= n (n >= 1).
std::size_t fft_size_for(std::size_t n);

// X[k] = sum_j x[j] exp(-2 pi i j k / N) (inverse: exp(+...), without the 1/N).
// Throws std::invalid_argument when the size is not a power of two.
void fft_in_place(std::vector<std::complex<double>>& x, bool inverse);

}  // namespace wl::sim
