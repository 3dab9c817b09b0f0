#pragma once
// Overtraining check as TMVA shows it: per class, the train and test score distributions
// are compared with a two-sample Kolmogorov-Smirnov test. A small p-value (say < 0.01)
// means the model scores its training events differently from unseen ones.
#include <cstdint>
#include <vector>

namespace wl::eval {

struct KsResult {
  double statistic = 0.0;  // D = sup |F_a - F_b| over the unbinned empirical CDFs
  double p_value = 1.0;    // asymptotic Kolmogorov distribution Q_KS(sqrt(n_eff) * D)
  std::size_t n_a = 0, n_b = 0;
};

// Throws InputError if either sample is empty or holds a non-finite value.
KsResult ks_two_sample(const std::vector<double>& a, const std::vector<double>& b);

// Q_KS(z) = 2 sum_{k>=1} (-1)^(k-1) exp(-2 k^2 z^2): P(sqrt(n) D > z) for large n (the
// function ROOT calls TMath::KolmogorovProb and scipy kstwobign.sf).
double kolmogorov_survival(double z);

struct OvertrainingCheck {
  KsResult signal;      // train vs test scores of signal events
  KsResult background;  // train vs test scores of background events
};

OvertrainingCheck overtraining_check(const std::vector<double>& train_score,
                                     const std::vector<uint8_t>& train_is_signal,
                                     const std::vector<double>& test_score,
                                     const std::vector<uint8_t>& test_is_signal);

}  // namespace wl::eval
