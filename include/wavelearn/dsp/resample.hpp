#pragma once
// Resampling and windowing of waveforms between sampling periods, so that a model made for
// one readout (10 ns x 3800 samples) can take a target recorded at another (LEGEND-200:
// 16 ns x 1400). Torch-free; one record at a time into a caller buffer.
//
// Method: band-limited interpolation with a Lanczos kernel (a = 3 lobes) whose width is the
// coarser of the two periods, so downsampling low-passes first (no aliasing of the noise)
// and upsampling is plain Lanczos interpolation. Weights are normalised to sum 1, so a
// constant (the baseline) and the pulse amplitude are kept; the kernel is symmetric, so
// times (tp50) are kept. Input samples beyond the record edges are taken as the edge value.
#include <cstddef>
#include <string>

namespace wl::dsp {

// The ratio of periods the resampler accepts (a wider one is a different experiment, not a
// resampling).
inline constexpr double kMaxResampleRatio = 32.0;

struct ResampleSpec {
  double from_period_ns = 10.0;
  std::size_t from_samples = 0;
  double to_period_ns = 10.0;
  std::size_t to_samples = 0;
  // Time of the output's first sample on the input's time axis (input sample 0 at 0 ns).
  double offset_ns = 0.0;

  // InputError (one line, saying what cannot be resampled and why) when a period is not a
  // finite number > 0, the ratio exceeds kMaxResampleRatio, a length is 0, or the output
  // window [offset, offset + (to_samples - 1) to_period] leaves the input record.
  void validate() const;
  // "10 ns x 3800 -> 16 ns x 1400 from 1200 ns (Lanczos-3)": for run records and logs.
  std::string describe() const;
};

// The window of to_samples at to_period_ns that puts the input time anchor_in_ns (e.g. the
// trigger position) at anchor_out_ns of the output record; validated.
ResampleSpec plan_resample(double from_period_ns, std::size_t from_samples, double to_period_ns,
                           std::size_t to_samples, double anchor_in_ns, double anchor_out_ns);

// out[0, spec.to_samples) from in[0, spec.from_samples). spec must be valid (validate()).
void resample(const float* in, const ResampleSpec& spec, float* out);

}  // namespace wl::dsp
