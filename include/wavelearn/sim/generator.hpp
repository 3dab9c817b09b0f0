#pragma once
// Raw generation: truth and waveform of each event from core::Rng(seed, event index), so a
// dataset is identical for any thread count and any chunking. No labelling and no I/O here
// (see simulate.hpp): this is the part measured against the 100k waveforms/s/core target.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/sim/noise.hpp"
#include "wavelearn/sim/params.hpp"
#include "wavelearn/sim/pulse.hpp"
#include "wavelearn/sim/truth.hpp"

namespace wl::sim {

class Generator {
 public:
  // n_events fixes the run-number blocks, counted from event index first_event (a file
  // holding events first_event .. first_event + n_events - 1); params are validated (InputError).
  Generator(const SimParams& params, uint64_t seed, std::size_t n_events, std::size_t first_event = 0);

  const SimParams& params() const { return params_; }
  uint64_t seed() const { return seed_; }
  std::size_t n_events() const { return n_events_; }
  const std::vector<DetectorParams>& detectors() const { return detectors_; }
  const TemplateBank& templates() const { return templates_; }

  // One event: truth, and its waveform into out (n_samples floats).
  void generate_event(std::size_t index, float* out, EventTruth& truth) const;

  // Events [first, first + count): waveforms row-major into out, truth into truths.
  void generate(std::size_t first, std::size_t count, float* out, EventTruth* truths,
                int threads) const;

 private:
  // contact: relative contact-size factor of this site (1 +- contact_range).
  void add_pulse(int detector, double drift_ns, double contact, double amp_adc, std::size_t start,
                 float* out) const;
  double draw_contact(core::Rng& rng) const;
  void add_slow(int detector, double amp_adc, double tau_ns, std::size_t start, float* out) const;
  // A second, independent gamma somewhere in the record of event t (truth updated).
  void add_pileup(const DetectorParams& d, core::Rng& rng, std::size_t start, float* out, EventTruth& t) const;

  SimParams params_;
  uint64_t seed_;
  std::size_t n_events_;
  std::size_t first_event_ = 0;
  std::vector<DetectorParams> detectors_;
  TemplateBank templates_;
  NoiseBank noise_;
};

}  // namespace wl::sim
