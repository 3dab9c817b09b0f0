#pragma once
// Fast Gaussian noise for whole records. Drawing 3800 normals per event with a polar method
// costs more than everything else in the simulator together, so two banks are drawn once
// per seed: white N(0, 1) samples and low-frequency (1/f-like) samples. An event reads two
// windows of the white bank at random offsets and mixes them with a random rotation
// (cos a, sin a): the mix is again exactly N(0, 1) per sample and white, and the triple
// (offset1, offset2, a) makes every event's noise distinct even though windows overlap.
// The low-frequency part is one window of its bank with a random sign. The inner loop is
// three loads and three multiply-adds per sample and vectorises.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/sim/params.hpp"

namespace wl::sim {

class NoiseBank {
 public:
  // `record_samples`: longest window ever read (the bank is at least 4x longer).
  NoiseBank(const SimParams& p, uint64_t seed, std::size_t record_samples);

  // out[i] = offset + white_sigma * white_i + lf_sigma * lf_i for i in [0, n).
  void fill(core::Rng& rng, float offset, float white_sigma, float lf_sigma, float* out,
            std::size_t n) const;

  std::size_t size() const { return white_.size(); }

 private:
  std::vector<float> white_;
  std::vector<float> lf_;
};

}  // namespace wl::sim
