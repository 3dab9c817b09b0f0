#include "wavelearn/eval/pr.hpp"

#include <algorithm>
#include <numeric>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::eval {

double pr_auc(const std::vector<double>& score, const std::vector<uint8_t>& is_signal) {
  detail::check_same_size(score.size(), is_signal.size(), "pr_auc");
  detail::check_finite(score, "pr_auc");
  std::size_t n_signal = 0;
  for (auto s : is_signal) n_signal += s != 0;
  if (n_signal == 0) throw wl::core::InputError("pr_auc: no signal event (recall undefined)");

  // Falling threshold: events in order of decreasing score, one step per distinct score.
  std::vector<std::size_t> order(score.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  std::size_t tp = 0, selected = 0, i = 0;
  double ap = 0.0, prev_recall = 0.0;
  while (i < order.size()) {
    const double value = score[order[i]];
    for (; i < order.size() && score[order[i]] == value; ++i) {
      ++selected;
      tp += is_signal[order[i]] != 0;
    }
    const double recall = static_cast<double>(tp) / static_cast<double>(n_signal);
    const double precision = static_cast<double>(tp) / static_cast<double>(selected);
    ap += (recall - prev_recall) * precision;
    prev_recall = recall;
  }
  return ap;
}

}  // namespace wl::eval
