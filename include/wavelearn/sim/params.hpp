#pragma once
// Every constant of the 228Th calibration simulator, in one struct, with the reason for its
// value (specs/simulation.md). The whole struct is written into the output file's attributes
// (see parameter_list), so a file always says how it was made. Times are in ns and are
// converted with sample_period_ns: nothing here assumes 10 ns or 3800 samples.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "wavelearn/sim/response.hpp"

namespace wl::sim {

// The longest record the simulator makes: 10 ms at 10 ns (simulate --samples has the same bound).
inline constexpr int kMaxSimulatedSamples = 1 << 20;

struct SimParams {
  // --- Record layout (MJD release: 10 ns x 3800 samples, rise near sample 1000) ---
  double sample_period_ns = 10.0;
  int n_samples = 3800;
  double pretrigger_ns = 10000.0;    // rise start: sample 1000 at 10 ns, inside [500:1500]
  double tp0_jitter_ns = 50.0;       // +- a few samples of trigger jitter (uniform)

  // --- Array and runs ---
  int n_detectors = 10;              // spec: 8-20 detectors
  int n_runs = 4;                    // several run numbers, consecutive blocks of events
  int first_run_number = 11500;

  // --- Source spectrum (228Th; lines and intensities in core/physics_constants.hpp) ---
  double min_energy_kev = 100.0;     // deposits below are redrawn (trigger threshold)
  // Fraction of a line's interactions that deposit the full energy: peak-to-total falls
  // with energy as a power law, pt = pt_ref * (E / 238.6 keV)^-pt_slope (0.6 at 238.6,
  // ~0.14 at 2614.5: a 1 kg point-contact detector's typical peak-to-total).
  double peak_to_total_ref = 0.60;
  double peak_to_total_slope = 0.60;
  // Pair production of the 2614.5 keV line: double- and single-escape probabilities per
  // interaction, raised ~3x above a 1 kg detector's so that one 65k-event file holds ~90
  // DEP events per detector (10 detectors), enough to set the A/E cut per detector as the
  // real analysis did on its full calibration statistics. DEP < SEP < FEP is kept.
  double dep_probability = 0.050;
  double sep_probability = 0.070;
  // Compton events: single scatter (Klein-Nishina energy transfer, below the Compton edge)
  // or multiple scatter (between edge and peak).
  double multi_compton_fraction = 0.30;

  // --- Site multiplicity by process (specs: DEP ~90 % single-site, SEP/FEP(2614) mostly
  // multi-site, Compton more single-site at low energy) ---
  // DEP: the spec's "~90 %" single-site, taken at 0.96 so that the 90 %-DEP-acceptance A/E
  // cut falls inside the single-site band (near -1.5 sigma, as in real data) and not in the
  // empty gap between the populations, where its position would be arbitrary.
  double dep_single_site = 0.96;
  double sep_single_site = 0.06;
  // Full-energy peak: ss = fep_ss_high + (fep_ss_low - fep_ss_high) * exp(-(E - 200)/scale):
  // 238.6 keV photoabsorption is mostly one site, 2614.5 keV needs several scatters.
  double fep_single_site_low = 0.90;
  double fep_single_site_high = 0.12;
  double fep_single_site_scale_kev = 600.0;
  // Compton continuum: linear in energy between these (at 0 keV and at 2614.5 keV).
  double compton_single_site_low = 0.85;
  double compton_single_site_high = 0.35;
  // Energy scale of site merging: sites of a low-energy deposit lie closer than the A/E
  // resolution (~50-100 ns of drift time) and give one pulse with probability
  // exp(-E / scale) (tuned so ~93 % of Compton events below 200 keV look single-site).
  double site_merge_scale_kev = 600.0;
  int max_sites = 4;                      // multi-site: 2..max_sites sites
  double min_site_separation_ns = 20.0;   // distinct drift times (two time samples)
  // Secondary sites lie a gamma scattering length (~cm) from the first: drift-time offsets
  // ~ N(0, site_spread_ns). Close sites merge their currents and can pass A/E, as in data.
  double site_spread_ns = 250.0;
  double min_site_fraction = 0.05;        // smallest energy share of a site in a multi-site event

  // --- Rare event classes (fractions of all events) ---
  double npc_fraction = 0.010;            // near point contact
  double npc_drift_min_ns = 10.0;         // very short drift: sharp current, high A/E
  double npc_drift_max_ns = 60.0;
  double alpha_fraction = 0.008;          // surface alphas on the passivated surface
  double alpha_energy_kev = 5304.3;       // 210Po, degraded by a random factor below
  double alpha_degrade_min = 0.15;
  double alpha_drift_min_ns = 100.0;
  double alpha_drift_max_ns = 600.0;
  double alpha_dcr_fraction_min = 0.01;   // delayed charge: 1-10 % of the charge
  double alpha_dcr_fraction_max = 0.10;
  double alpha_dcr_tau_min_ns = 2000.0;   // released with a time constant of several us
  double alpha_dcr_tau_max_ns = 8000.0;
  double tl_fraction = 0.015;             // transition-layer (n+ surface) events
  double tl_drift_min_ns = 700.0;         // far from the contact
  double tl_late_fraction_min = 0.10;     // slow final part of the rise
  double tl_late_fraction_max = 0.40;
  double tl_late_tau_min_ns = 300.0;
  double tl_late_tau_max_ns = 1500.0;
  double tl_loss_min = 0.02;              // charge lost in the dead layer
  double tl_loss_max = 0.30;
  double pileup_fraction = 0.0;           // optional: a second pulse in the trace
  double pileup_margin_ns = 500.0;        // keep the second pulse this far from the edges

  // --- Pulse shape ---
  double drift_min_ns = 100.0;            // bulk drift times 100-1500 ns
  double drift_max_ns = 1500.0;           // the farthest corner of the largest detector
  double drift_ref_ns = 600.0;            // eps is quoted at this drift time (see pulse.hpp)
  double eps_min = 0.02;                  // weighting-potential contact parameter per detector
  double eps_max = 0.10;
  double electronics_tau_min_ns = 15.0;   // first-order low-pass: 10-90 % ~ 2.2 tau (33-55 ns)
  double electronics_tau_max_ns = 25.0;
  double decay_tau_min_ns = 50000.0;      // preamp decay 50-80 us per detector
  double decay_tau_max_ns = 80000.0;
  // Per-site variation of the effective contact size (crystal axes, the non-spherical
  // weighting field): relative sigma, clamped to +-range. Gives the single-site A/E band an
  // intrinsic width of ~0.6 % besides the noise (templates at 1 - range, 1, 1 + range,
  // interpolated).
  double contact_sigma = 0.02;
  double contact_range = 0.10;
  double template_bin_ns = 5.0;           // drift-time grid of the precomputed templates
  int template_substeps = 16;             // fine steps per sample when integrating templates

  // --- ADC and noise (per detector, drawn in these ranges) ---
  double gain_min_adc_per_kev = 2.8;      // 2614.5 keV ~ 7300-9900 ADC
  double gain_max_adc_per_kev = 3.8;
  double baseline_min_adc = 300.0;
  double baseline_max_adc = 1500.0;
  double baseline_jitter_adc = 2.0;       // event-to-event baseline offset
  // White noise per sample in keV-equivalent. Measured with the project's trapezoid (4 us
  // rise, 2.5 us flat): 4 keV white gives ~0.8 keV FWHM of electronic noise, which with
  // Fano makes ~1.0 keV FWHM at 238.6 keV and ~2.4 keV at 2614.5 keV.
  double white_noise_min_kev = 3.2;
  double white_noise_max_kev = 4.2;
  // Low-frequency noise: sum of AR(1) processes with time constants lf_tau/100, /10, /1
  // (1/f-like), keV-equivalent rms. The trapezoid is sensitive to it (0.8 keV here would
  // double the low-energy FWHM), so it is kept small.
  double lf_noise_kev = 0.25;
  double lf_tau_ns = 20000.0;
  // Fano (core/physics_constants.hpp) plus a charge-trapping term proportional to E that
  // brings 2614.5 keV to ~2.5 keV FWHM together with the electronic noise.
  double trapping_sigma_frac = 1.5e-4;
  // Noise bank (see noise.hpp): 2^20 samples of white and of low-frequency noise.
  int noise_bank_log2 = 20;

  // --- Detector-response stage (response.hpp; `simulate --response`, `--set response.*`).
  // Written as response_* attributes, not in parameter_list. Nominal: no stage.
  ResponseParams response;

  // Throws InputError (naming the parameter) if a value is out of its valid range.
  void validate() const;
};

// The parameters the generator runs with: the response's decay-constant range and pile-up
// fraction, where it sets them, replace decay_tau_min_ns/max_ns and pileup_fraction.
SimParams with_response_overrides(const SimParams& p);

// Name/value pairs of every parameter, for the file attributes and the docs.
std::vector<std::pair<std::string, double>> parameter_list(const SimParams& p);
// Sets one parameter by its name in parameter_list (e.g. "electronics_tau_min_ns"), for a
// detector with other response parameters. InputError for an unknown name or a fraction
// given to a whole-number parameter; call validate() afterwards for the ranges.
void set_parameter(SimParams& p, const std::string& name, double value);

// Parameters of one detector, drawn once from the seed.
struct DetectorParams {
  int id = 0;
  double gain_adc_per_kev = 3.0;
  double baseline_adc = 1000.0;
  double decay_tau_ns = 65000.0;
  double electronics_tau_ns = 20.0;
  double eps = 0.05;                // at drift_ref_ns
  double white_noise_kev = 4.0;
  double drift_max_ns = 1500.0;     // farthest point of this crystal
  double radius_mm = 35.0;          // cylinder geometry: drift-time distribution
  double height_mm = 30.0;
};

// Detector parameters for a seed: a pure function of (seed, detector index).
std::vector<DetectorParams> make_detectors(const SimParams& p, uint64_t seed);

}  // namespace wl::sim
