#pragma once
// The 1-D Wasserstein-1 (earth mover's) distance between two empirical distributions,
// exact: the area between their step CDFs, W1 = integral |F_a(x) - F_b(x)| dx, which for
// samples of equal size is the mean |a_(i) - b_(i)| of the order statistics. Same value as
// scipy.stats.wasserstein_distance(a, b). No libtorch here.
#include <cstddef>
#include <vector>

namespace wl::eval {

// Both samples sorted ascending, finite, non-empty (InputError otherwise); O(n + m).
double wasserstein1_sorted(const std::vector<double>& a, const std::vector<double>& b);

// Any order: the finite values of each sample are sorted and compared; NaN when either
// sample has no finite value (a parameter that was never measured has no distribution).
double wasserstein1(std::vector<double> a, std::vector<double> b);

// E[W1] between two independent samples of sizes n and m from one distribution scales as
// sqrt(1/n + 1/m) (sqrt(nm/(n+m)) W1 tends to the integral of a Brownian bridge), so a
// noise floor measured with sizes (n1, m1) becomes, for sizes (n2, m2), that floor times
// this factor: sqrt((1/n2 + 1/m2) / (1/n1 + 1/m1)). All sizes >= 1.
double w1_size_factor(std::size_t n1, std::size_t m1, std::size_t n2, std::size_t m2);

}  // namespace wl::eval
