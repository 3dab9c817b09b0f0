#include "wavelearn/eval/overtraining.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::eval {

double kolmogorov_survival(double z) {
  if (z <= 0.0) return 1.0;
  // Below z ~ 0.2 the alternating series converges slowly; use the Jacobi theta form
  // 1 - sqrt(2 pi)/z * sum exp(-(2k-1)^2 pi^2 / (8 z^2)) there.
  if (z < 1.0) {
    const double pi = 3.14159265358979323846;
    double s = 0;
    for (int k = 1; k <= 10; ++k) {
      const double m = 2.0 * k - 1.0;
      s += std::exp(-m * m * pi * pi / (8.0 * z * z));
    }
    return std::clamp(1.0 - std::sqrt(2.0 * pi) / z * s, 0.0, 1.0);
  }
  double s = 0, sign = 1;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * z * z);
    s += sign * term;
    if (term < 1e-16) break;
    sign = -sign;
  }
  return std::clamp(2.0 * s, 0.0, 1.0);
}

KsResult ks_two_sample(const std::vector<double>& a_in, const std::vector<double>& b_in) {
  if (a_in.empty() || b_in.empty()) {
    throw wl::core::InputError("ks_two_sample: empty sample (" + std::to_string(a_in.size()) +
                               " vs " + std::to_string(b_in.size()) + " values)");
  }
  detail::check_finite(a_in, "ks_two_sample (first sample)");
  detail::check_finite(b_in, "ks_two_sample (second sample)");
  std::vector<double> a = a_in, b = b_in;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  std::size_t i = 0, j = 0;
  double d = 0;
  // Step both CDFs past each distinct value together so ties across samples cancel.
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(i / na - j / nb));
  }
  KsResult r;
  r.statistic = d;
  r.n_a = a.size();
  r.n_b = b.size();
  const double n_eff = na * nb / (na + nb);
  r.p_value = kolmogorov_survival(std::sqrt(n_eff) * d);
  return r;
}

OvertrainingCheck overtraining_check(const std::vector<double>& train_score,
                                     const std::vector<uint8_t>& train_is_signal,
                                     const std::vector<double>& test_score,
                                     const std::vector<uint8_t>& test_is_signal) {
  detail::check_same_size(train_score.size(), train_is_signal.size(), "overtraining_check (train)");
  detail::check_same_size(test_score.size(), test_is_signal.size(), "overtraining_check (test)");
  std::vector<double> tr_s, tr_b, te_s, te_b;
  for (std::size_t i = 0; i < train_score.size(); ++i)
    (train_is_signal[i] ? tr_s : tr_b).push_back(train_score[i]);
  for (std::size_t i = 0; i < test_score.size(); ++i)
    (test_is_signal[i] ? te_s : te_b).push_back(test_score[i]);
  OvertrainingCheck c;
  c.signal = ks_two_sample(tr_s, te_s);
  c.background = ks_two_sample(tr_b, te_b);
  return c;
}

}  // namespace wl::eval
