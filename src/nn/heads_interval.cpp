// Quantile and Gaussian heads: regressions that also say how far to trust each event's value.
#include "heads_interval.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "wavelearn/core/error.hpp"

namespace wl::nn {

torch::Tensor pinball_loss(const torch::Tensor& quantiles, const torch::Tensor& target,
                           const std::vector<double>& levels) {
  const auto tau = torch::tensor(levels, torch::dtype(torch::kDouble)).to(quantiles.device(), quantiles.scalar_type()).unsqueeze(0);
  const auto r = target - quantiles;  // (batch, 1) broadcast against (batch, n_levels)
  return torch::maximum(tau * r, (tau - 1.0) * r).mean();
}

torch::Tensor gaussian_nll(const torch::Tensor& mean, const torch::Tensor& log_var, const torch::Tensor& target) {
  // The clamped value in the forward pass, the identity in the backward pass: a plain clamp
  // has zero gradient outside its range, and an output stuck there would never return.
  const auto lv = log_var + (log_var.clamp(kMinLogVariance, kMaxLogVariance) - log_var).detach();
  return (0.5 * (lv + (target - mean).pow(2) * torch::exp(-lv))).mean();
}

namespace detail {

namespace {

void bad(const std::string& key, const std::string& what) { throw core::InputError("task." + key + ": " + what); }

// A level as the user wrote it (0.84, not the round-trip literal 0.83999999999999997).
std::string short_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// The target learned by the network: (t - offset) / scale of column 0.
torch::Tensor scaled_target(const HeadSpec& s, const torch::Tensor& targets) {
  return (targets.narrow(1, 0, 1) - s.target_offset[0]) / s.target_scale[0];
}

}  // namespace

std::string float_literal(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  std::string t = s.str();
  if (t.find_first_of(".eEn") == std::string::npos) t += ".0";  // a float literal
  return t;
}

bool interval_kind(const std::string& kind) { return kind == "quantile" || kind == "gaussian"; }

std::string level_suffix(double level) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", 100.0 * level);  // 0.16 -> "16" despite 16.000000000000004
  std::string s = buf;
  for (auto& ch : s)
    if (ch == '.') ch = 'p';
  return "q" + s;
}

void check_interval_spec(const HeadSpec& s) {
  if (s.kind == "quantile") {
    const auto& q = s.quantiles;
    if (q.empty()) bad("quantiles", "needs at least the level 0.5 (the median is the estimate)");
    std::set<std::string> names;
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (!(q[i] > 0.0 && q[i] < 1.0))
        bad("quantiles", "level " + short_number(q[i]) + " is outside (0, 1) (levels are probabilities)");
      if (i > 0 && !(q[i] > q[i - 1]))
        bad("quantiles", "levels must be sorted and distinct (" + short_number(q[i]) + " follows " +
                             short_number(q[i - 1]) + ")");
      if (!names.insert(level_suffix(q[i])).second)
        bad("quantiles", "levels " + float_literal(q[i - 1]) + " and " + float_literal(q[i]) +
                             " are too close to name apart");
    }
    if (std::find(q.begin(), q.end(), 0.5) == q.end())
      bad("quantiles", "must include 0.5: the median is the model's estimate of " + s.target_names[0]);
  }
  // A negative scale would turn the learned 16 % quantile into the target's 84 % one, and a
  // sigma into a negative number.
  if (!s.target_scale.empty() && !(s.target_scale[0] > 0.0))
    bad("target_scale", "must be > 0 for the " + s.kind + " head (it scales quantiles and sigma)");
}

torch::Tensor interval_loss(const HeadSpec& s, const torch::Tensor& out, const torch::Tensor& targets) {
  const auto t = scaled_target(s, targets);
  if (s.kind == "quantile") return pinball_loss(out, t, s.quantiles);
  return gaussian_nll(out.narrow(1, 0, 1), out.narrow(1, 1, 1), t);
}

// Quantile scores are sorted per event. Each level is fitted by its own pinball term, so
// nothing ties q16 <= q50 <= q84 on one event: on events unlike the training ones they can
// cross, and an interval whose upper end lies below its lower end means nothing. Sorting
// (the rearrangement of Chernozhukov, Fernandez-Val and Galichon, Econometrica 78 (2010))
// makes them monotone and never moves an estimated quantile curve further from the true one;
// training stays on the raw outputs, so each level still learns its own quantile.
torch::Tensor interval_score(const HeadSpec& s, const torch::Tensor& out) {
  const double scale = s.target_scale[0], offset = s.target_offset[0];
  if (s.kind == "quantile") return std::get<0>(torch::sort(out * scale + offset, 1));
  const auto mean = out.narrow(1, 0, 1) * scale + offset;
  const auto sigma = torch::exp(0.5 * out.narrow(1, 1, 1).clamp(kMinLogVariance, kMaxLogVariance)) * scale;
  return torch::cat({mean, sigma}, 1);
}

std::string interval_score_source(const HeadSpec& s) {
  const auto scale = float_literal(s.target_scale[0]), offset = float_literal(s.target_offset[0]);
  std::ostringstream o;
  if (s.kind == "quantile") {
    o << "    return torch.sort(out * " << scale << " + " << offset << ", 1)[0]\n";
  } else {
    o << "    mean = out[:, 0:1] * " << scale << " + " << offset << "\n"
      << "    sigma = torch.exp(0.5 * torch.clamp(out[:, 1:2], " << float_literal(kMinLogVariance) << ", "
      << float_literal(kMaxLogVariance) << ")) * " << scale << "\n"
      << "    return torch.cat([mean, sigma], 1)\n";
  }
  return o.str();
}

std::vector<std::string> interval_score_names(const HeadSpec& s) {
  const std::string base = "pred_" + s.target_names[0];
  if (s.kind == "gaussian") return {base, base + "_sigma"};
  std::vector<std::string> names;
  for (const double q : s.quantiles) names.push_back(base + "_" + level_suffix(q));
  return names;
}

int64_t estimate_column(const HeadSpec& s) {
  if (s.kind != "quantile") return 0;
  const auto it = std::find(s.quantiles.begin(), s.quantiles.end(), 0.5);
  return static_cast<int64_t>(it - s.quantiles.begin());
}

}  // namespace detail

}  // namespace wl::nn
