#pragma once
// Pulse model of a p-type point-contact detector. The weighting potential of a contact of
// size a is concentrated at the contact: phi(r) ~ a / (r + a). A hole drifting at constant
// speed from r0 to the contact induces phi(r(t)) - phi(r0); with x = t / T_drift and
// eps = a / r0 that is eps/(1 - x + eps) - eps/(1 + eps), i.e. the spec's
// 1/(1 - x + eps) - 1 up to scale: slow at first, steep at the end. The electrons, drifting
// out to the n+ surface, induce the remaining phi(r0) = eps/(1 + eps); they are taken to do
// so linearly over the drift. So
//   q(x) = eps/(1 - x + eps) - eps/(1 + eps) + x eps/(1 + eps),   q(0) = 0, q(1) = 1.
// Because eps = a / r0 scales as 1 / T_drift, each detector quotes eps at a reference drift
// time (eps_ref at drift_ref_ns, 0.02-0.1) and
//   eps(T) = min(1, eps_ref * drift_ref_ns / T),
// so the final steep part lasts a / v ~ eps_ref * drift_ref_ns whatever the drift time and
// carries the same charge: A/E is nearly independent of drift time, as in real detectors,
// while near-point-contact pulses (T below that time) have a sharper current.
// The electronics add a first-order low-pass (tau_e, tens of ns) and the preamplifier's
// exponential decay (tau, tens of us). Templates of this response are precomputed per
// detector and drift-time bin, all of one length, so that a multi-site event's tails add
// into one exponential.
#include <cstddef>
#include <vector>

#include "wavelearn/sim/params.hpp"

namespace wl::sim {

// Induced charge fraction at x = t / T_drift in [0, 1] (clamped outside).
double induced_charge(double x, double eps);

// eps at drift time T for a detector quoting eps_ref at drift_ref_ns.
double eps_at_drift(double eps_ref, double drift_ref_ns, double drift_ns);

// Response of one detector to unit charge collected after each binned drift time.
class TemplateBank {
 public:
  TemplateBank(const SimParams& p, const std::vector<DetectorParams>& detectors);

  std::size_t length() const { return length_; }          // samples per template
  std::size_t n_bins() const { return n_bins_; }
  double bin_ns() const { return bin_ns_; }
  double min_drift_ns() const { return min_drift_ns_; }
  // Bin of a drift time (clamped) and the drift time it represents.
  std::size_t bin_of(double drift_ns) const;
  double drift_of_bin(std::size_t bin) const { return min_drift_ns_ + bin_ns_ * static_cast<double>(bin); }
  // Template samples: value k is the output k samples after the start of the rise; the last
  // value decays with tail() afterwards. Variant 0, 1, 2: contact size scaled by
  // 1 - contact_range, 1, 1 + contact_range.
  static constexpr int kVariants = 3;
  const float* templ(int detector, std::size_t bin, int variant = 1) const {
    return data_.data() +
           ((static_cast<std::size_t>(detector) * kVariants + static_cast<std::size_t>(variant)) * n_bins_ + bin) *
               length_;
  }
  double contact_range() const { return contact_range_; }
  // exp(-(k + 1) * dt / tau) for k in [0, n_samples): continues any template's last value.
  const float* tail(int detector) const { return tails_.data() + static_cast<std::size_t>(detector) * tail_len_; }

 private:
  std::size_t length_ = 0, n_bins_ = 0, tail_len_ = 0;
  double bin_ns_ = 5.0, min_drift_ns_ = 5.0, contact_range_ = 0.1;
  std::vector<float> data_;
  std::vector<float> tails_;
};

}  // namespace wl::sim
