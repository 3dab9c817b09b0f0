#pragma once
// Pulse-shape cuts fitted from calibration data, per detector (specs/dsp.md):
// - A/E: energy dependence of the single-site band fitted on the Compton continuum, drift
//   time dependence removed, normalised so DEP single-site events peak at 1 with width
//   sigma(E); classifier (A/E_corr - 1) / sigma(E). Low cut at 90 % side-band-subtracted DEP
//   acceptance; high cut a fixed +3 (default) or the mirrored |low cut|.
// - DCR: classifier (dcr - centre(E)) / width on bulk Compton-region events; upper cut at
//   99 % acceptance of them (surface alphas have delayed charge: large positive DCR).
// - LQ: drift-time trend removed; classifier lq_corr / width; upper cut at 99 %
//   side-band-subtracted DEP acceptance (transition-layer events carry late charge).
// A classifier is NaN when an input is not finite; such an event fails the cut.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wl::dsp {

// A peak window and two side bands of the same total width, placed symmetrically so a
// linear (or step) background under the peak is subtracted.
struct PeakWindow {
  double center_kev = 0.0;
  double peak_lo = 0.0, peak_hi = 0.0;
  double sb_low_lo = 0.0, sb_low_hi = 0.0;
  double sb_high_lo = 0.0, sb_high_hi = 0.0;
  // Peak window half-width = 2 FWHM (>= 1 keV); side bands of half that width each, 1 FWHM
  // away from the peak window.
  static PeakWindow around(double center_kev, double fwhm_kev);
  bool in_peak(double e) const { return e >= peak_lo && e < peak_hi; }
  bool in_sideband(double e) const {
    return (e >= sb_low_lo && e < sb_low_hi) || (e >= sb_high_lo && e < sb_high_hi);
  }
  // Peak window width over total side-band width (the background scale factor).
  // 0 when there are no side bands (a continuum region).
  double sideband_scale() const {
    const double sb = (sb_low_hi - sb_low_lo) + (sb_high_hi - sb_high_lo);
    return sb > 0.0 ? (peak_hi - peak_lo) / sb : 0.0;
  }
};

// Net (side-band-subtracted) count of events in the window, and the net fraction that
// passes. `pass` may be empty (= all pass). err receives the binomial-like uncertainty.
struct NetCount {
  double total = 0.0;     // net events in the peak
  double passing = 0.0;   // net passing events
  double fraction() const { return total > 0.0 ? passing / total : 0.0; }
  double fraction_err = 0.0;
};
NetCount net_count(const std::vector<double>& energy_kev, const std::vector<uint8_t>& pass,
                   const PeakWindow& window, const std::vector<std::size_t>* subset = nullptr);

struct AvseCut {
  std::vector<double> mu_coeffs;        // single-site band centre vs E (raw A/E units)
  double dt_slope_per_ns = 0.0;         // relative A/E change per ns of drift time
  double dt_ref_ns = 0.0;
  double dep_norm = 1.0;                // band position at the DEP after the corrections
  std::vector<double> sigma_coeffs;     // relative width: sigma(E)^2 = a + b / E^2
  double low_cut = -1.28;               // classifier units
  double high_cut = 3.0;

  double corrected(double avse_raw, double energy_kev, double drift_time_ns) const;  // ~1 for SSE
  double sigma(double energy_kev) const;
  double classifier(double avse_raw, double energy_kev, double drift_time_ns) const;
};

struct DcrCut {
  std::vector<double> center_coeffs;    // centre of the bulk band vs E
  double width = 1.0;
  double cut = 3.0;                     // pass when classifier <= cut
  double classifier(double dcr_raw, double energy_kev) const;
};

struct LqCut {
  std::vector<double> dt_coeffs;        // LQ trend vs drift time (ns)
  double width = 1.0;
  double cut = 3.0;                     // pass when classifier <= cut
  double classifier(double lq_raw, double drift_time_ns) const;
};

struct DetectorCuts {
  int32_t detector = -1;                // -1 = pooled
  AvseCut avse;
  DcrCut dcr;
  LqCut lq;
  double dep_net_events = 0.0;          // net DEP events the cuts were set on
  std::size_t compton_events = 0;
  bool pooled = false;
  std::string note;                     // why pooled
};

struct CutSet {
  std::map<int32_t, DetectorCuts> detectors;
  DetectorCuts pooled;
  const DetectorCuts& for_detector(int32_t detector) const;  // pooled when absent
};

enum class HighAvseMode { kFixed, kMirrored };

struct CutConfig {
  double avse_dep_acceptance = 0.90;
  HighAvseMode high_avse_mode = HighAvseMode::kFixed;
  double avse_high_fixed = 3.0;         // classifier units (kFixed)
  double dcr_acceptance = 0.99;
  double lq_dep_acceptance = 0.99;
  double compton_lo_kev = 1000.0;       // A/E band and DCR reference region
  double compton_hi_kev = 2380.0;
  std::size_t min_compton_events = 800;   // per detector, else pooled shapes
  double min_dep_net_events = 150.0;      // per detector, else pooled DEP thresholds
};

// Calibrated inputs of the events that enter the fits (all vectors the same length).
struct CutInputs {
  std::vector<double> energy_kev, avse_raw, drift_time_ns, dcr_raw, lq_raw;
  std::size_t size() const { return energy_kev.size(); }
};

// Fits the three cuts on the events `subset` of `in` (all when null): fit_cut_shapes then
// fit_cut_thresholds on the same events. dep_fwhm_kev sets the DEP window. Throws InputError
// naming `what` when too few events or no DEP peak.
DetectorCuts fit_cuts(const CutInputs& in, const std::vector<std::size_t>* subset,
                      double dep_fwhm_kev, const CutConfig& config = {},
                      const std::string& what = "all detectors");

// The parts that need only continuum statistics: A/E band centre, width, drift-time slope
// (dep_norm left at 1), DCR centre, width and cut, LQ trend and width. Throws InputError when
// the Compton region holds fewer than config.min_compton_events events.
DetectorCuts fit_cut_shapes(const CutInputs& in, const std::vector<std::size_t>* subset,
                            double dep_fwhm_kev, const CutConfig& config = {},
                            const std::string& what = "all detectors");

// The parts set on DEP events: A/E normalisation and cuts, LQ cut. Each event i is corrected
// by shapes[i] (its detector's shapes), so detectors with too few DEP events can share one
// pooled DEP fit while keeping their own A/E scale. Throws InputError when the DEP holds fewer
// than config.min_dep_net_events net events.
struct CutThresholds {
  double dep_norm = 1.0, low_cut = 0.0, high_cut = 0.0, lq_cut = 0.0, dep_net_events = 0.0;
  void apply_to(DetectorCuts& c) const;
};
CutThresholds fit_cut_thresholds(const CutInputs& in, const std::vector<std::size_t>& subset,
                                 const std::vector<const DetectorCuts*>& shapes, double dep_fwhm_kev,
                                 const CutConfig& config = {}, const std::string& what = "all detectors");

// Threshold t such that the side-band-subtracted fraction of peak events with
// classifier >= t (lower cut) or <= t (upper cut) equals `acceptance`.
double cut_for_acceptance(const std::vector<double>& classifier, const std::vector<double>& energy_kev,
                          const PeakWindow& window, double acceptance, bool lower_cut,
                          const std::vector<std::size_t>* subset = nullptr);

nlohmann::json to_json(const DetectorCuts& c);
nlohmann::json to_json(const CutSet& c);
DetectorCuts detector_cuts_from_json(const nlohmann::json& j);
CutSet cut_set_from_json(const nlohmann::json& j);

}  // namespace wl::dsp
