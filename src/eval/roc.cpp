#include "wavelearn/eval/roc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "check_input.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/rng.hpp"

namespace wl::eval {
namespace {

// Event indices sorted by decreasing score: the order in which a falling threshold
// selects them.
std::vector<std::size_t> order_by_score(const std::vector<double>& score) {
  std::vector<std::size_t> idx(score.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::sort(idx.begin(), idx.end(),
            [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  return idx;
}

void validate(const std::vector<double>& score, const std::vector<uint8_t>& is_signal,
              const char* what) {
  detail::check_same_size(score.size(), is_signal.size(), what);
  detail::check_finite(score, what);
}

// Mann-Whitney sum over weighted events in `order`; w_sig/w_bkg are per-event weights.
// Returns the AUC; ties: the tied background counts half of the tied signal.
template <class W>
double weighted_auc(const std::vector<double>& score, const std::vector<std::size_t>& order,
                    const std::vector<uint8_t>& is_signal, const W& weight) {
  double sig_above = 0, total_sig = 0, total_bkg = 0, area = 0;
  std::size_t i = 0;
  const std::size_t n = order.size();
  while (i < n) {
    double s = 0, b = 0;
    const double value = score[order[i]];
    while (i < n && score[order[i]] == value) {
      const double w = weight(order[i]);
      if (is_signal[order[i]])
        s += w;
      else
        b += w;
      ++i;
    }
    area += b * (sig_above + 0.5 * s);
    sig_above += s;
    total_sig += s;
    total_bkg += b;
  }
  if (total_sig == 0 || total_bkg == 0) return std::numeric_limits<double>::quiet_NaN();
  return area / (total_sig * total_bkg);
}

}  // namespace

RocCurve roc_curve(const std::vector<double>& score, const std::vector<uint8_t>& is_signal) {
  validate(score, is_signal, "roc_curve");
  const auto [ns, nb] = detail::count_classes(is_signal, "roc_curve");
  const auto order = order_by_score(score);
  RocCurve curve;
  curve.n_signal = ns;
  curve.n_background = nb;
  curve.points.reserve(score.size() + 1);
  curve.points.push_back({std::numeric_limits<double>::infinity(), 0.0, 0.0});
  std::size_t tp = 0, fp = 0, i = 0;
  double area = 0.0, prev_fpr = 0.0, prev_tpr = 0.0;
  while (i < order.size()) {
    const double value = score[order[i]];
    while (i < order.size() && score[order[i]] == value) {
      if (is_signal[order[i]])
        ++tp;
      else
        ++fp;
      ++i;
    }
    const double fpr = static_cast<double>(fp) / static_cast<double>(nb);
    const double tpr = static_cast<double>(tp) / static_cast<double>(ns);
    area += (fpr - prev_fpr) * 0.5 * (tpr + prev_tpr);
    prev_fpr = fpr;
    prev_tpr = tpr;
    curve.points.push_back({value, fpr, tpr});
  }
  curve.auc = area;
  return curve;
}

double roc_auc(const std::vector<double>& score, const std::vector<uint8_t>& is_signal) {
  validate(score, is_signal, "roc_auc");
  detail::count_classes(is_signal, "roc_auc");
  const auto order = order_by_score(score);
  return weighted_auc(score, order, is_signal, [](std::size_t) { return 1.0; });
}

AucInterval roc_auc_bootstrap(const std::vector<double>& score,
                              const std::vector<uint8_t>& is_signal, int replicas, uint64_t seed,
                              double confidence, int threads) {
  validate(score, is_signal, "roc_auc_bootstrap");
  detail::count_classes(is_signal, "roc_auc_bootstrap");
  if (replicas < 2) throw wl::core::InputError("roc_auc_bootstrap: replicas must be >= 2");
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw wl::core::InputError("roc_auc_bootstrap: confidence must be in (0, 1)");
  }
  const auto order = order_by_score(score);
  AucInterval out;
  out.auc = weighted_auc(score, order, is_signal, [](std::size_t) { return 1.0; });
  out.replicas = replicas;
  out.seed = seed;
  out.confidence = confidence;

  std::vector<std::size_t> sig_idx, bkg_idx;
  for (std::size_t i = 0; i < is_signal.size(); ++i)
    (is_signal[i] ? sig_idx : bkg_idx).push_back(i);

  // A replica is a multiplicity per event; the AUC of the weighted sample is then one
  // linear pass over the pre-sorted order (no re-sorting per replica).
  std::vector<double> aucs(static_cast<std::size_t>(replicas));
  const int nthreads = std::min(wl::core::resolve_threads(threads), replicas);
  wl::core::parallel_for(
      static_cast<std::size_t>(replicas), nthreads, [&](std::size_t begin, std::size_t end, int) {
        std::vector<uint32_t> mult(score.size());
        for (std::size_t r = begin; r < end; ++r) {
          std::fill(mult.begin(), mult.end(), 0u);
          wl::core::Rng rng(seed, r);
          for (std::size_t k = 0; k < sig_idx.size(); ++k)
            ++mult[sig_idx[rng.below(sig_idx.size())]];
          for (std::size_t k = 0; k < bkg_idx.size(); ++k)
            ++mult[bkg_idx[rng.below(bkg_idx.size())]];
          aucs[r] = weighted_auc(score, order, is_signal,
                                 [&](std::size_t e) { return static_cast<double>(mult[e]); });
        }
      });

  double mean = 0;
  for (double a : aucs) mean += a;
  mean /= replicas;
  double var = 0;
  for (double a : aucs) var += (a - mean) * (a - mean);
  out.std_error = std::sqrt(var / (replicas - 1));
  std::sort(aucs.begin(), aucs.end());
  // Linear interpolation between order statistics (numpy's default percentile).
  auto quantile = [&](double q) {
    const double pos = q * (replicas - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto hi = std::min(lo + 1, aucs.size() - 1);
    return aucs[lo] + (pos - lo) * (aucs[hi] - aucs[lo]);
  };
  out.lower = quantile(0.5 * (1.0 - confidence));
  out.upper = quantile(1.0 - 0.5 * (1.0 - confidence));
  return out;
}

double efficiency_at_rejection(const RocCurve& curve, double rejection) {
  if (!(rejection >= 0.0 && rejection <= 1.0)) {
    throw wl::core::InputError("efficiency_at_rejection: rejection must be in [0, 1]");
  }
  if (curve.points.empty()) throw wl::core::InputError("efficiency_at_rejection: empty ROC curve");
  const double target_fpr = 1.0 - rejection;
  const auto& p = curve.points;
  // FPR values are k / n_background; the tolerance absorbs 1 - rejection rounding
  // (1 - 0.9 != 0.1 in binary) without merging distinct FPRs.
  constexpr double kTol = 1e-12;
  double best_exact = -1.0;
  for (const auto& pt : p) {
    if (std::fabs(pt.fpr - target_fpr) <= kTol) best_exact = std::max(best_exact, pt.tpr);
  }
  if (best_exact >= 0.0) return best_exact;
  // Points are ordered by non-decreasing FPR: find the segment that straddles the target.
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (p[i - 1].fpr < target_fpr - kTol && p[i].fpr > target_fpr + kTol) {
      const double f = (target_fpr - p[i - 1].fpr) / (p[i].fpr - p[i - 1].fpr);
      return p[i - 1].tpr + f * (p[i].tpr - p[i - 1].tpr);
    }
  }
  return p.back().tpr;
}

WorkingPoint threshold_for_efficiency(const std::vector<double>& score,
                                      const std::vector<uint8_t>& is_signal, double efficiency) {
  validate(score, is_signal, "threshold_for_efficiency");
  const auto [ns, nb] = detail::count_classes(is_signal, "threshold_for_efficiency");
  if (!(efficiency > 0.0 && efficiency <= 1.0)) {
    throw wl::core::InputError("threshold_for_efficiency: efficiency must be in (0, 1]");
  }
  std::vector<double> sig;
  sig.reserve(ns);
  for (std::size_t i = 0; i < score.size(); ++i)
    if (is_signal[i]) sig.push_back(score[i]);
  std::sort(sig.begin(), sig.end(), std::greater<double>());
  // The k-th highest signal score keeps >= k signal events; the small tolerance keeps
  // e.g. 0.9 * 10 from rounding up to 10.
  auto k = static_cast<std::size_t>(std::ceil(efficiency * static_cast<double>(ns) - 1e-9));
  k = std::clamp<std::size_t>(k, 1, ns);
  WorkingPoint wp;
  wp.threshold = sig[k - 1];
  std::size_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (score[i] >= wp.threshold) (is_signal[i] ? tp : fp)++;
  }
  wp.signal_efficiency = static_cast<double>(tp) / static_cast<double>(ns);
  wp.background_rejection = 1.0 - static_cast<double>(fp) / static_cast<double>(nb);
  return wp;
}

}  // namespace wl::eval
