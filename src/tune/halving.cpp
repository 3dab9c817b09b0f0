#include "wavelearn/tune/halving.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace wl::tune {

std::vector<int> rung_epochs(int min_epochs, int eta, int max_epochs) {
  std::vector<int> rungs{max_epochs};
  if (eta < 2) return rungs;
  for (long long e = max_epochs / eta; e >= min_epochs && e >= 1; e /= eta)
    if (static_cast<int>(e) != rungs.back()) rungs.push_back(static_cast<int>(e));
  std::reverse(rungs.begin(), rungs.end());
  return rungs;
}

std::size_t n_promoted(std::size_t n, int eta) {
  if (n == 0) return 0;
  return std::max<std::size_t>(1, n / static_cast<std::size_t>(std::max(eta, 1)));
}

std::vector<std::size_t> promoted(const std::vector<double>& metric, int eta, bool higher_is_better) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < metric.size(); ++i)
    if (std::isfinite(metric[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return higher_is_better ? metric[a] > metric[b] : metric[a] < metric[b];
  });
  order.resize(std::min(order.size(), n_promoted(metric.size(), eta)));
  return order;
}

bool higher_is_better(const std::string& metric_name) {
  return metric_name == "auc" || metric_name == "accuracy" || metric_name.find("auc") != std::string::npos;
}

}  // namespace wl::tune
