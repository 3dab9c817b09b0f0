#pragma once
// Binomial proportions with exact (Clopper-Pearson) confidence intervals: every efficiency,
// rejection and survival fraction the project reports carries its interval, so that
// "100 % rejection" of 3 events reads as [29 %, 100 %], not as a perfect cut.
#include <cstddef>
#include <limits>

namespace wl::eval {

struct Proportion {
  std::size_t k = 0, n = 0;                                 // k successes out of n trials
  double value = std::numeric_limits<double>::quiet_NaN();  // k / n; NaN when n == 0
  double lo = std::numeric_limits<double>::quiet_NaN();     // interval; NaN when n == 0
  double hi = std::numeric_limits<double>::quiet_NaN();
  double confidence = 0.95;  // two-sided coverage of [lo, hi]
};

// Exact two-sided interval from beta quantiles, alpha / 2 on each side (R's binom.test,
// statsmodels' proportion_confint(method="beta")): lo = B(alpha/2; k, n-k+1),
// hi = B(1-alpha/2; k+1, n-k); lo = 0 when k == 0 and hi = 1 when k == n. Conservative:
// covers at least `confidence` for every true proportion. n == 0 gives NaN value and
// bounds (nothing measured). Throws InputError for k > n or confidence outside (0, 1).
Proportion clopper_pearson(std::size_t k, std::size_t n, double confidence = 0.95);

}  // namespace wl::eval
