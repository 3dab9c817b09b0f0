#include "wavelearn/sim/params.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/sim/truth.hpp"

namespace wl::sim {

namespace {

// Random streams of the per-seed constants live far above any event index.
constexpr uint64_t kDetectorStreamBase = 1ULL << 62;

void require(bool ok, const char* name, const std::string& why) {
  if (!ok) throw core::InputError(std::string("simulation parameter ") + name + ": " + why);
}

void require_range(double lo, double hi, const char* name) {
  require(std::isfinite(lo) && std::isfinite(hi) && lo <= hi, name, "minimum above maximum");
}

void require_fraction(double v, const char* name) {
  require(std::isfinite(v) && v >= 0.0 && v <= 1.0, name, "must lie in [0, 1]");
}

// Bounds of the parameters that only `simulate --param` reaches (the options check their own).
void validate_settable(const SimParams& p) {
  require(p.n_samples <= kMaxSimulatedSamples, "n_samples", "must be at most " + std::to_string(kMaxSimulatedSamples));
  require(p.n_runs <= 1000000 && p.first_run_number >= 0, "n_runs", "n_runs must be at most 1e6, "
          "first_run_number >= 0");
  require(p.template_substeps <= 1024, "template_substeps", "must be at most 1024");
  for (auto [v, n] : {std::pair{p.fep_single_site_scale_kev, "fep_single_site_scale_kev"},
                      {p.drift_ref_ns, "drift_ref_ns"}, {p.lf_tau_ns, "lf_tau_ns"}, {p.pretrigger_ns, "pretrigger_ns"},
                      {p.alpha_energy_kev, "alpha_energy_kev"}})
    require(v > 0, n, "must be > 0");
  for (auto [v, n] : {std::pair{p.tp0_jitter_ns, "tp0_jitter_ns"}, {p.site_spread_ns, "site_spread_ns"},
                      {p.pileup_margin_ns, "pileup_margin_ns"}, {p.baseline_jitter_adc, "baseline_jitter_adc"},
                      {p.min_site_separation_ns, "min_site_separation_ns"},
                      {p.trapping_sigma_frac, "trapping_sigma_frac"}, {p.peak_to_total_slope, "peak_to_total_slope"}})
    require(v >= 0, n, "must be >= 0");
  require_fraction(p.peak_to_total_ref, "peak_to_total_ref");
  require_fraction(p.alpha_degrade_min, "alpha_degrade_min");
  require_range(p.baseline_min_adc, p.baseline_max_adc, "baseline_adc");
}

}  // namespace

void SimParams::validate() const {
  validate_settable(*this);
  response.validate(sample_period_ns);
  require(sample_period_ns > 0 && std::isfinite(sample_period_ns), "sample_period_ns", "must be > 0");
  require(n_samples >= 16, "n_samples", "must be >= 16");
  require(n_detectors >= 1 && n_detectors <= 1000, "n_detectors", "must be in [1, 1000]");
  require(n_runs >= 1, "n_runs", "must be >= 1");
  require(min_energy_kev > 0 && min_energy_kev < 2000, "min_energy_kev", "must be in (0, 2000)");
  require(max_sites >= 2 && max_sites <= kMaxSites, "max_sites", "must be in [2, 4]");
  require(site_merge_scale_kev > 0 && std::isfinite(site_merge_scale_kev), "site_merge_scale_kev", "must be > 0");
  for (auto [v, n] : {std::pair{dep_probability, "dep_probability"}, {sep_probability, "sep_probability"},
                      {multi_compton_fraction, "multi_compton_fraction"}, {dep_single_site, "dep_single_site"},
                      {sep_single_site, "sep_single_site"}, {fep_single_site_low, "fep_single_site_low"},
                      {fep_single_site_high, "fep_single_site_high"},
                      {compton_single_site_low, "compton_single_site_low"},
                      {compton_single_site_high, "compton_single_site_high"}, {npc_fraction, "npc_fraction"},
                      {alpha_fraction, "alpha_fraction"}, {tl_fraction, "tl_fraction"},
                      {pileup_fraction, "pileup_fraction"}, {min_site_fraction, "min_site_fraction"}})
    require_fraction(v, n);
  require(npc_fraction + alpha_fraction + tl_fraction <= 0.5, "npc/alpha/tl fractions", "rare classes exceed half");
  require(dep_probability + sep_probability < 1.0, "dep/sep_probability", "sum must be < 1");
  require_range(npc_drift_min_ns, npc_drift_max_ns, "npc_drift_ns");
  require_range(alpha_drift_min_ns, alpha_drift_max_ns, "alpha_drift_ns");
  require_range(drift_min_ns, drift_max_ns, "drift_ns");
  require(npc_drift_min_ns > 0, "npc_drift_min_ns", "must be > 0");
  require_range(eps_min, eps_max, "eps");
  require(eps_min > 0, "eps_min", "must be > 0");
  require_range(electronics_tau_min_ns, electronics_tau_max_ns, "electronics_tau_ns");
  require(electronics_tau_min_ns > 0, "electronics_tau_min_ns", "must be > 0");
  require_range(decay_tau_min_ns, decay_tau_max_ns, "decay_tau_ns");
  require(decay_tau_min_ns > 0, "decay_tau_min_ns", "must be > 0");
  require_range(gain_min_adc_per_kev, gain_max_adc_per_kev, "gain_adc_per_kev");
  require(gain_min_adc_per_kev > 0, "gain_min_adc_per_kev", "must be > 0");
  require_range(white_noise_min_kev, white_noise_max_kev, "white_noise_kev");
  require(white_noise_min_kev >= 0 && lf_noise_kev >= 0, "noise", "must be >= 0");
  require(contact_sigma >= 0 && contact_range >= 0 && contact_range < 0.5, "contact_sigma/range",
          "need sigma >= 0 and range in [0, 0.5)");
  require(template_bin_ns > 0 && template_substeps >= 1, "template_bin_ns", "must be > 0");
  require(noise_bank_log2 >= 10 && noise_bank_log2 <= 28, "noise_bank_log2", "must be in [10, 28]");
  require_range(alpha_dcr_fraction_min, alpha_dcr_fraction_max, "alpha_dcr_fraction");
  require_range(alpha_dcr_tau_min_ns, alpha_dcr_tau_max_ns, "alpha_dcr_tau_ns");
  require_range(tl_late_fraction_min, tl_late_fraction_max, "tl_late_fraction");
  require_range(tl_late_tau_min_ns, tl_late_tau_max_ns, "tl_late_tau_ns");
  require_range(tl_loss_min, tl_loss_max, "tl_loss");
  // The whole rise, the electronics settling and a margin must fit after the trigger.
  const double record_ns = sample_period_ns * n_samples;
  const double needed_ns = pretrigger_ns + tp0_jitter_ns + drift_max_ns + 12.0 * electronics_tau_max_ns +
                           20.0 * sample_period_ns;
  require(pretrigger_ns - tp0_jitter_ns >= 10.0 * sample_period_ns, "pretrigger_ns",
          "leaves fewer than 10 baseline samples");
  if (needed_ns > record_ns) {
    char why[200];
    std::snprintf(why, sizeof why, "record of %d samples (%g ns) is too short for the pretrigger (%g ns) plus the "
                  "longest rise (needs %g ns)", n_samples, record_ns, pretrigger_ns, needed_ns);
    require(false, "n_samples", why);
  }
}

namespace {

// Every parameter by name, for the attribute list and for `simulate --param NAME=VALUE`.
template <class P, class F>
void for_each_parameter(P& p, F&& f) {
  f("sample_period_ns", p.sample_period_ns);
  f("n_samples", p.n_samples);
  f("pretrigger_ns", p.pretrigger_ns);
  f("tp0_jitter_ns", p.tp0_jitter_ns);
  f("n_detectors", p.n_detectors);
  f("n_runs", p.n_runs);
  f("first_run_number", p.first_run_number);
  f("min_energy_kev", p.min_energy_kev);
  f("peak_to_total_ref", p.peak_to_total_ref);
  f("peak_to_total_slope", p.peak_to_total_slope);
  f("dep_probability", p.dep_probability);
  f("sep_probability", p.sep_probability);
  f("multi_compton_fraction", p.multi_compton_fraction);
  f("dep_single_site", p.dep_single_site);
  f("sep_single_site", p.sep_single_site);
  f("fep_single_site_low", p.fep_single_site_low);
  f("fep_single_site_high", p.fep_single_site_high);
  f("fep_single_site_scale_kev", p.fep_single_site_scale_kev);
  f("compton_single_site_low", p.compton_single_site_low);
  f("compton_single_site_high", p.compton_single_site_high);
  f("site_merge_scale_kev", p.site_merge_scale_kev);
  f("max_sites", p.max_sites);
  f("min_site_separation_ns", p.min_site_separation_ns);
  f("min_site_fraction", p.min_site_fraction);
  f("site_spread_ns", p.site_spread_ns);
  f("npc_fraction", p.npc_fraction);
  f("npc_drift_min_ns", p.npc_drift_min_ns);
  f("npc_drift_max_ns", p.npc_drift_max_ns);
  f("alpha_fraction", p.alpha_fraction);
  f("alpha_energy_kev", p.alpha_energy_kev);
  f("alpha_degrade_min", p.alpha_degrade_min);
  f("alpha_drift_min_ns", p.alpha_drift_min_ns);
  f("alpha_drift_max_ns", p.alpha_drift_max_ns);
  f("alpha_dcr_fraction_min", p.alpha_dcr_fraction_min);
  f("alpha_dcr_fraction_max", p.alpha_dcr_fraction_max);
  f("alpha_dcr_tau_min_ns", p.alpha_dcr_tau_min_ns);
  f("alpha_dcr_tau_max_ns", p.alpha_dcr_tau_max_ns);
  f("tl_fraction", p.tl_fraction);
  f("tl_drift_min_ns", p.tl_drift_min_ns);
  f("tl_late_fraction_min", p.tl_late_fraction_min);
  f("tl_late_fraction_max", p.tl_late_fraction_max);
  f("tl_late_tau_min_ns", p.tl_late_tau_min_ns);
  f("tl_late_tau_max_ns", p.tl_late_tau_max_ns);
  f("tl_loss_min", p.tl_loss_min);
  f("tl_loss_max", p.tl_loss_max);
  f("pileup_fraction", p.pileup_fraction);
  f("pileup_margin_ns", p.pileup_margin_ns);
  f("drift_min_ns", p.drift_min_ns);
  f("drift_max_ns", p.drift_max_ns);
  f("drift_ref_ns", p.drift_ref_ns);
  f("eps_min", p.eps_min);
  f("eps_max", p.eps_max);
  f("electronics_tau_min_ns", p.electronics_tau_min_ns);
  f("electronics_tau_max_ns", p.electronics_tau_max_ns);
  f("decay_tau_min_ns", p.decay_tau_min_ns);
  f("decay_tau_max_ns", p.decay_tau_max_ns);
  f("contact_sigma", p.contact_sigma);
  f("contact_range", p.contact_range);
  f("template_bin_ns", p.template_bin_ns);
  f("template_substeps", p.template_substeps);
  f("gain_min_adc_per_kev", p.gain_min_adc_per_kev);
  f("gain_max_adc_per_kev", p.gain_max_adc_per_kev);
  f("baseline_min_adc", p.baseline_min_adc);
  f("baseline_max_adc", p.baseline_max_adc);
  f("baseline_jitter_adc", p.baseline_jitter_adc);
  f("white_noise_min_kev", p.white_noise_min_kev);
  f("white_noise_max_kev", p.white_noise_max_kev);
  f("lf_noise_kev", p.lf_noise_kev);
  f("lf_tau_ns", p.lf_tau_ns);
  f("trapping_sigma_frac", p.trapping_sigma_frac);
  f("noise_bank_log2", p.noise_bank_log2);
}

}  // namespace

SimParams with_response_overrides(const SimParams& p) {
  SimParams out = p;
  if (p.response.decay_tau_max_ns > 0) {
    out.decay_tau_min_ns = p.response.decay_tau_min_ns;
    out.decay_tau_max_ns = p.response.decay_tau_max_ns;
  }
  if (p.response.pileup_fraction >= 0) out.pileup_fraction = p.response.pileup_fraction;
  return out;
}

std::vector<std::pair<std::string, double>> parameter_list(const SimParams& p) {
  std::vector<std::pair<std::string, double>> out;
  for_each_parameter(p, [&](const char* name, const auto& v) { out.emplace_back(name, static_cast<double>(v)); });
  return out;
}

void set_parameter(SimParams& p, const std::string& name, double value) {
  if (!std::isfinite(value)) throw core::InputError("simulate --param " + name + ": must be a finite number");
  bool found = false;
  for_each_parameter(p, [&](const char* n, auto& v) {
    if (name != n) return;
    found = true;
    using T = std::decay_t<decltype(v)>;
    if constexpr (std::is_integral_v<T>) {
      // Checked before the cast: a double outside the integer's range does not convert.
      if (value != std::floor(value) || value < double(std::numeric_limits<T>::min()) ||
          value > double(std::numeric_limits<T>::max()))
        throw core::InputError("simulate --param " + name + ": must be a whole number in range");
    }
    v = static_cast<T>(value);
  });
  if (!found) throw core::InputError("simulate --param " + name + ": no such simulation parameter (see the file "
                                     "attributes of any simulated file, or docs/simulation.md)");
}

std::vector<DetectorParams> make_detectors(const SimParams& p, uint64_t seed) {
  std::vector<DetectorParams> out(static_cast<std::size_t>(p.n_detectors));
  for (int i = 0; i < p.n_detectors; ++i) {
    core::Rng rng(seed, kDetectorStreamBase + static_cast<uint64_t>(i));
    DetectorParams& d = out[static_cast<std::size_t>(i)];
    d.id = i;
    d.gain_adc_per_kev = rng.uniform(p.gain_min_adc_per_kev, p.gain_max_adc_per_kev);
    d.baseline_adc = std::round(rng.uniform(p.baseline_min_adc, p.baseline_max_adc));
    d.decay_tau_ns = rng.uniform(p.decay_tau_min_ns, p.decay_tau_max_ns);
    d.electronics_tau_ns = rng.uniform(p.electronics_tau_min_ns, p.electronics_tau_max_ns);
    d.eps = rng.uniform(p.eps_min, p.eps_max);
    d.white_noise_kev = rng.uniform(p.white_noise_min_kev, p.white_noise_max_kev);
    // Crystal sizes of the array (0.6-1.1 kg PPC): radius 30-38 mm, height 25-35 mm; the
    // largest reaches drift_max_ns at its farthest corner.
    d.radius_mm = rng.uniform(30.0, 38.0);
    d.height_mm = rng.uniform(25.0, 35.0);
    const double diag = std::hypot(d.radius_mm, d.height_mm);
    d.drift_max_ns = p.drift_max_ns * diag / std::hypot(38.0, 35.0);
  }
  return out;
}

const char* event_class_name(EventClass c) {
  switch (c) {
    case EventClass::kBulkSingleSite: return "bulk single-site";
    case EventClass::kBulkMultiSite: return "bulk multi-site";
    case EventClass::kNearPointContact: return "near point contact";
    case EventClass::kSurfaceAlpha: return "surface alpha";
    case EventClass::kTransitionLayer: return "transition layer";
  }
  return "unknown";
}

const char* process_name(Process p) {
  switch (p) {
    case Process::kFullEnergy: return "full-energy peak";
    case Process::kDoubleEscape: return "double escape";
    case Process::kSingleEscape: return "single escape";
    case Process::kCompton: return "Compton";
    case Process::kAlpha: return "alpha";
  }
  return "unknown";
}

}  // namespace wl::sim
