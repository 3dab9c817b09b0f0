// Exact W1 by a merge walk over the two sorted samples: between consecutive points of the
// union both CDFs are constant, so the area is a sum of rectangles.
#include "wavelearn/eval/wasserstein.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "wavelearn/core/error.hpp"

namespace wl::eval {

namespace {

void require_sorted_finite(const std::vector<double>& v, const char* name) {
  if (v.empty()) throw core::InputError(std::string("wasserstein1: sample ") + name + " is empty");
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) throw core::InputError(std::string("wasserstein1: sample ") + name + " is not finite");
    if (i && v[i] < v[i - 1]) throw core::InputError(std::string("wasserstein1: sample ") + name + " is not sorted");
  }
}

std::vector<double> finite_sorted(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

double wasserstein1_sorted(const std::vector<double>& a, const std::vector<double>& b) {
  require_sorted_finite(a, "a");
  require_sorted_finite(b, "b");
  const double na = double(a.size()), nb = double(b.size());
  std::size_t i = 0, j = 0;
  double x = std::min(a[0], b[0]), area = 0.0;
  // Counts at or below x give the CDFs; the next point of the union ends the rectangle.
  while (i < a.size() || j < b.size()) {
    const double next = j == b.size() || (i < a.size() && a[i] <= b[j]) ? a[i] : b[j];
    area += std::fabs(double(i) / na - double(j) / nb) * (next - x);
    x = next;
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
  }
  return area;
}

double wasserstein1(std::vector<double> a, std::vector<double> b) {
  a = finite_sorted(std::move(a));
  b = finite_sorted(std::move(b));
  if (a.empty() || b.empty()) return std::numeric_limits<double>::quiet_NaN();
  return wasserstein1_sorted(a, b);
}

double w1_size_factor(std::size_t n1, std::size_t m1, std::size_t n2, std::size_t m2) {
  if (!n1 || !m1 || !n2 || !m2) throw core::InputError("w1_size_factor: every sample size must be >= 1");
  const auto inv = [](std::size_t n) { return 1.0 / double(n); };
  return std::sqrt((inv(n2) + inv(m2)) / (inv(n1) + inv(m1)));
}

}  // namespace wl::eval
