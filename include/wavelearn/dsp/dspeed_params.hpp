#pragma once
// Parameters of dspeed's standard HPGe chain (LEGEND's DSP; docs/dsp.md "dspeed naming"),
// computed as dspeed defines them, for `wavelearn dsp --naming dspeed`. Each building block
// is a small pure function on a span of samples; `compute_dspeed_params` strings them
// together for one waveform. Times come out in ns (sample index x period, as dspeed's unit
// conversion writes them), amplitudes in ADC. No libtorch.
#include <cstddef>
#include <string>
#include <vector>

namespace wl::dsp::dspeed {

// Windows of the chain, in ns (converted with the file's sampling period).
struct DspeedConfig {
  double bl_window_ns = 5000;     // bl_mean/bl_std/slope over samples [0, this) of the baseline-subtracted wf
  double t0_rise_ns = 128;        // t0_filter kernel: rising part
  double t0_fall_ns = 2000;       //                   falling part
  // The t0 filter as LEGEND-200's production chain applies it: numpy's "full" convolution
  // (its index k is the "same" index + (len(kernel)-1)/2, 66 samples at 16 ns). false:
  // "same", as dspeed's example config (tests/configs/icpc-dsp-config.json) writes it.
  bool t0_full_convolution = true;
  double etrap_rise_ns = 10000;   // trapEmax / trapTmax trapezoid (shortened to fit the record)
  double etrap_flat_ns = 3008;
  double qtrap_rise_ns = 4000;    // QDrift trapezoid
  double qtrap_flat_ns = 96;
  double qdrift_pickoff_ns = 8096;  // after tp_0_est
  double qdrift_scale = 16;       // QDrift = trapQftp * 16 (dspeed's constant)
  double current_window_ns = 4816;  // wf_le: 301 samples at 16 ns from tp_0_est
  int current_upsample = 16;
  int current_mw_length = 48;     // moving-window length in upsampled samples
  int current_mw_passes = 3;
};

struct DspeedParams {
  double bl_mean, bl_std, bl_slope;
  double trapEmax, trapTmax;
  double tp_0_est;
  double tp_01, tp_10, tp_20, tp_50, tp_80, tp_90, tp_95, tp_99, tp_100;
  double A_max, QDrift, dt_eff, lq80;
};

// One output column of the dspeed naming: name, lgdo units, description.
struct DspeedColumn {
  const char* name;
  const char* units;
  double DspeedParams::*field;
};
const std::vector<DspeedColumn>& dspeed_columns();

// Welford mean and sample standard deviation (n - 1) and least-squares slope per sample,
// as dspeed's linear_slope_fit. NaN for fewer than 2 samples.
void linear_slope_fit(const double* x, std::size_t n, double* mean, double* stdev, double* slope);
// Single pole-zero: out[0] = in[0], out[i] = out[i-1] + in[i] - exp(-1/tau) in[i-1].
void pole_zero(const double* in, std::size_t n, double tau_samples, double* out);
// Trapezoid normalised by rise (dspeed trap_norm); samples before the record count as 0.
void trap_norm(const double* in, std::size_t n, std::size_t rise, std::size_t flat, double* out);
// dspeed's t0_filter kernel: 2 (rise - i) / (rise (rise + 1)) for i < rise, then -1/fall.
std::vector<double> t0_kernel(std::size_t rise, std::size_t fall);
// numpy.convolve(x, kernel, "same") (n outputs) and "full" (n + kernel.size() - 1 outputs).
void convolve_same(const double* x, std::size_t n, const std::vector<double>& kernel, double* out);
void convolve_full(const double* x, std::size_t n, const std::vector<double>& kernel, double* out);
// dspeed time_point_thresh: walking forward from start, the first i with the threshold
// between w[i] and w[i+1] (crossed either way); walking backward, the first i with it
// between w[i-1] and w[i]. -1 when there is none or start is outside the record.
long time_point_thresh(const double* w, std::size_t n, double threshold, long start, bool forward);
// Linear interpolation of w at fractional index t (dspeed fixed_time_pickoff mode 'l');
// NaN outside [0, n-1].
double pickoff_linear(const double* w, std::size_t n, double t);
// Area between `top` and w from index i80 up to (not including) i100, minus the triangle a
// linear rise from 0.8 top to top would leave: the charge arriving late after the 80 % point.
double lq80_area(const double* w, std::size_t n, double top, long i80, long i100);
// Max of the current (first difference) of w[begin, begin + length), upsampled by
// `upsample` (each sample repeated) and smoothed by `passes` moving averages of
// `mw_length` upsampled samples, alternately trailing and leading.
double current_max(const double* w, std::size_t n, long begin, std::size_t length, int upsample, int mw_length,
                   int passes);

// Scratch buffers reused across waveforms (one per thread).
struct DspeedScratch {
  std::vector<double> blsub, pz, t0f, trap, qtrap;
};

// Every parameter of one waveform. `baseline_adc`: the DAQ's baseline subtracted first
// (dspeed bl_subtract; 0 when the file has none); tau_ns <= 0: no pole-zero correction.
DspeedParams compute_dspeed_params(const float* wf, std::size_t n, double dt_ns, double baseline_adc, double tau_ns,
                                   const DspeedConfig& config, DspeedScratch& scratch);

}  // namespace wl::dsp::dspeed
