#include "wavelearn/eval/interval.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <string>

#include "wavelearn/core/error.hpp"

namespace wl::eval {
namespace {

// Boost.Math raises exceptions by default on domain, overflow and evaluation errors; a
// metric must never throw from inside the numerics, so every error policy returns a
// value instead (NaN or a limit). The arguments are also guarded below, so these
// policies are a second line of defence, not the normal path.
namespace bmp = boost::math::policies;
using QuietPolicy =
    bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                bmp::overflow_error<bmp::ignore_error>, bmp::underflow_error<bmp::ignore_error>,
                bmp::denorm_error<bmp::ignore_error>, bmp::evaluation_error<bmp::ignore_error>,
                bmp::rounding_error<bmp::ignore_error>,
                bmp::indeterminate_result_error<bmp::ignore_error>>;
using Beta = boost::math::beta_distribution<double, QuietPolicy>;

// p-quantile of Beta(a, b), a, b > 0, clamped to [0, 1].
double beta_quantile(double a, double b, double p) {
  return std::clamp(boost::math::quantile(Beta(a, b), p), 0.0, 1.0);
}

}  // namespace

Proportion clopper_pearson(std::size_t k, std::size_t n, double confidence) {
  if (k > n) {
    throw wl::core::InputError("clopper_pearson: " + std::to_string(k) + " successes out of " +
                               std::to_string(n) + " trials");
  }
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw wl::core::InputError("clopper_pearson: confidence must be in (0, 1), got " +
                               std::to_string(confidence));
  }
  Proportion p;
  p.k = k;
  p.n = n;
  p.confidence = confidence;
  if (n == 0) return p;  // nothing measured: value and interval stay NaN
  const double kd = static_cast<double>(k), nd = static_cast<double>(n);
  const double alpha = 1.0 - confidence;
  p.value = kd / nd;
  // Beta(0, .) and Beta(., 0) are degenerate: the bounds there are exactly 0 and 1.
  p.lo = k == 0 ? 0.0 : beta_quantile(kd, nd - kd + 1.0, 0.5 * alpha);
  p.hi = k == n ? 1.0 : beta_quantile(kd + 1.0, nd - kd, 1.0 - 0.5 * alpha);
  // The quantiles are accurate to a few ulp; keep value inside its own interval.
  p.lo = std::min(p.lo, p.value);
  p.hi = std::max(p.hi, p.value);
  return p;
}

}  // namespace wl::eval
