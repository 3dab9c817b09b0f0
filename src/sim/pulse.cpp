#include "wavelearn/sim/pulse.hpp"

#include <algorithm>
#include <cmath>

namespace wl::sim {

double induced_charge(double x, double eps) {
  x = std::clamp(x, 0.0, 1.0);
  const double phi0 = eps / (1.0 + eps);  // weighting potential at the interaction point
  return eps / (1.0 - x + eps) - phi0 + phi0 * x;
}

double eps_at_drift(double eps_ref, double drift_ref_ns, double drift_ns) {
  return std::min(1.0, eps_ref * drift_ref_ns / std::max(drift_ns, 1e-3));
}

TemplateBank::TemplateBank(const SimParams& p, const std::vector<DetectorParams>& detectors) {
  const double dt = p.sample_period_ns;
  bin_ns_ = p.template_bin_ns;
  min_drift_ns_ = std::min(p.npc_drift_min_ns, p.drift_min_ns);
  double max_drift = p.drift_max_ns;
  double max_tau_e = 0.0;
  for (const auto& d : detectors) {
    max_drift = std::max(max_drift, d.drift_max_ns);
    max_tau_e = std::max(max_tau_e, d.electronics_tau_ns);
  }
  n_bins_ = static_cast<std::size_t>(std::ceil((max_drift - min_drift_ns_) / bin_ns_)) + 1;
  // Long enough for the slowest rise plus 12 electronics time constants (settled to 6e-6).
  length_ = static_cast<std::size_t>(std::ceil((max_drift + 12.0 * max_tau_e) / dt)) + 2;
  contact_range_ = p.contact_range;
  data_.assign(detectors.size() * kVariants * n_bins_ * length_, 0.0f);
  tail_len_ = static_cast<std::size_t>(p.n_samples);
  tails_.assign(detectors.size() * tail_len_, 0.0f);

  const int sub = p.template_substeps;
  const double h = dt / sub;
  for (std::size_t di = 0; di < detectors.size(); ++di) {
    const DetectorParams& d = detectors[di];
    const double lp = 1.0 - std::exp(-h / d.electronics_tau_ns);  // low-pass step
    const double decay = std::exp(-h / d.decay_tau_ns);             // preamp per fine step
    for (int v = 0; v < kVariants; ++v)
    for (std::size_t b = 0; b < n_bins_; ++b) {
      const double drift = drift_of_bin(b);
      const double eps = eps_at_drift(d.eps * (1.0 + contact_range_ * (v - 1)), p.drift_ref_ns, drift);
      float* out = data_.data() + ((di * kVariants + static_cast<std::size_t>(v)) * n_bins_ + b) * length_;
      double lp_state = 0.0, prev_lp = 0.0, v = 0.0;
      // Integrate on a fine grid; the charge is taken at the middle of each fine step.
      for (std::size_t k = 1; k < length_; ++k) {
        for (int s = 0; s < sub; ++s) {
          const double t = (static_cast<double>(k - 1) * sub + s + 0.5) * h;
          const double q = induced_charge(t / drift, eps);
          lp_state += (q - lp_state) * lp;
          v = v * decay + (lp_state - prev_lp);
          prev_lp = lp_state;
        }
        out[k] = static_cast<float>(v);
      }
    }
    float* tail = tails_.data() + di * tail_len_;
    for (std::size_t k = 0; k < tail_len_; ++k)
      tail[k] = static_cast<float>(std::exp(-static_cast<double>(k + 1) * dt / d.decay_tau_ns));
  }
}

std::size_t TemplateBank::bin_of(double drift_ns) const {
  const double b = std::round((drift_ns - min_drift_ns_) / bin_ns_);
  if (!(b > 0)) return 0;
  return std::min(n_bins_ - 1, static_cast<std::size_t>(b));
}

}  // namespace wl::sim
