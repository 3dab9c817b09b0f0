#pragma once
// DSP processors: small pure functions on spans of samples (index units), writing into
// caller-provided buffers and allocating nothing. The Chain (chain.hpp) converts the
// configured ns to samples and strings these together; tests exercise each one alone.
// A result that cannot be computed (empty window, no crossing) is NaN.
#include <cstddef>

namespace wl::dsp {

struct BaselineStats {
  double mean = 0;
  double std = 0;
  double slope_per_sample = 0;  // least-squares slope
};

// Mean, standard deviation and least-squares slope of x[begin, end). NaN if the window
// holds fewer than 2 samples.
BaselineStats baseline_stats(const float* x, std::size_t begin, std::size_t end);

// Mean of x[begin, end) (NaN when empty).
double window_mean(const float* x, std::size_t begin, std::size_t end);

// out[i] = x[i] - offset for i in [0, n). out may alias x.
void subtract_baseline(const float* x, std::size_t n, double offset, float* out);

// Per-sample decay factor exp(-dt/tau) of an exponential with time constant tau_ns.
// tau <= 0 or infinite gives 1 (no decay: pole-zero correction becomes the identity).
double decay_per_sample(double tau_ns, double sample_period_ns);

// Single-pole pole-zero correction of a baseline-subtracted waveform y: the exact inverse of
// a preamplifier whose step response decays by `a` per sample,
//   z[i] = z[i-1] + y[i] - a*y[i-1].
// If prefix != nullptr it also receives prefix[k] = sum_{i<k} z[i] (n+1 values), which
// turns every window sum (trapezoid, DCR, LQ) into O(1).
void pole_zero(const float* y, std::size_t n, double a, float* z, double* prefix);

// Two-pole correction for a step response (1-f)*a1^i + f*a2^i (f = fraction of the second
// time constant): z = y * (1 - a1 q)(1 - a2 q) / ((1 - q)(1 - b q)), b = (1-f) a2 + f a1.
void pole_zero_double(const float* y, std::size_t n, double a1, double a2, double fraction2,
                      float* z, double* prefix);

// prefix[k] = sum_{i<k} x[i], k in [0, n].
void prefix_sum(const float* x, std::size_t n, double* prefix);

// Trapezoidal (moving-window deconvolved) filter output whose window ends at sample i
// (inclusive): mean of the last `rise` samples minus mean of the `rise` samples that end
// `flat` samples earlier. Height equals the step amplitude. Needs i + 1 >= 2*rise + flat.
inline double trap_at(const double* prefix, std::size_t i, std::size_t rise, std::size_t flat) {
  const std::size_t e = i + 1;
  return (prefix[e] - prefix[e - rise] - prefix[e - rise - flat] +
          prefix[e - 2 * rise - flat]) / static_cast<double>(rise);
}

// Full trapezoid output for i in [0, n) from a prefix array (NaN where the window does not fit).
void trapezoid(const double* prefix, std::size_t n, std::size_t rise, std::size_t flat, float* out);

struct Peak {
  double value;       // NaN when the range is empty
  std::size_t index;
};

// Maximum of the trapezoid output over window ends i in [begin, end) (clipped to where the
// filter fits).
Peak trap_max(const double* prefix, std::size_t n, std::size_t rise, std::size_t flat,
              std::size_t begin, std::size_t end);

// Maximum of x[begin, end) (first index of the maximum).
Peak max_in(const float* x, std::size_t begin, std::size_t end);

// Walks back from index `from` (inclusive) to `stop` (inclusive) and returns the
// interpolated fractional index where x rises through `level`: the last j < from with
// x[j] < level <= x[j+1]. NaN if x[from] < level or no crossing down to stop.
double crossing_backward(const float* x, std::size_t from, std::size_t stop, double level);

// Walks forward from index `from` to `stop` (exclusive) and returns the interpolated
// fractional index of the first rise through `level`: the first j >= from with
// x[j] < level <= x[j+1]. NaN if none.
double crossing_forward(const float* x, std::size_t from, std::size_t stop, double level);

// tp0: start of the rise of the baseline-subtracted waveform y. Walking back from `from`
// (a point on the rising edge), finds the last sample where the trailing moving average of
// `window` samples is <= threshold, then walks further back while the average keeps falling
// (at most `max_walkback` samples). Returns the sample index, or NaN if not found.
double find_tp0(const float* y, std::size_t from, std::size_t stop, std::size_t window,
                double threshold, std::size_t max_walkback);

// Smoothed current on z[begin, end): out[k] (k = i - begin) is the moving-window derivative
// (z[i] - z[i - window]) / window (per sample), then `passes` trailing moving averages of
// `window` samples. Windows are clipped at `begin` (use a padded range). scratch holds
// end - begin floats.
void smoothed_current(const float* z, std::size_t begin, std::size_t end, std::size_t window,
                      int passes, float* out, float* scratch);

// Full width at half maximum (in samples, interpolated) of the peak of c at `peak` within
// c[0, n). NaN if either side never falls below half.
double fwhm(const float* c, std::size_t n, std::size_t peak);

// Number of peaks of c[0, n) rising above `threshold` and separated by dips deeper than
// `prominence` (hysteresis, so noise on one peak is not counted twice).
int count_peaks(const float* c, std::size_t n, double threshold, double prominence);

// Decay constant (samples) of an exponential tail y[begin, end): a least-squares line through
// log of the means of `blocks` equal blocks (taking logs of block means, not of samples,
// keeps it cheap and unbiased by noise). NaN if any block mean is <= 0 or the range is
// shorter than 2 blocks of 2 samples, or if the tail is not decaying.
double tail_tau_samples(const float* y, std::size_t begin, std::size_t end, int blocks);

// Area (sample units) between `level` and x over the fractional index range [from, to),
// trapezoid rule with linear interpolation at the fractional start: sum of (level - x).
double area_below(const float* x, double from, std::size_t to, double level);

// Median of v[0, n) (reorders v); NaN when n == 0.
double median_inplace(double* v, std::size_t n);

}  // namespace wl::dsp
