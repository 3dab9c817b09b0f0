// The calibration analysis: energy calibration, cut fits per detector with a pooled
// fallback, labels for every event, and the survival summary.
#include "wavelearn/dsp/analysis.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/dsp/histogram.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace wl::dsp {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kComptonLoKev = 1989.0;  // continuum between the SEP and the 2614.5 Compton edge
constexpr double kComptonHiKev = 2089.0;
// The saved parameters' format (to_json); --apply reads only this one.
constexpr int kParametersVersion = 1;

bool is_good(const Features& f) {
  return f.quality == kQualityOk && std::isfinite(f.energy_trap_adc) && f.energy_trap_adc > 0.0f;
}

void check_sizes(const std::vector<Features>& features, const std::vector<int32_t>& detector) {
  if (features.size() != detector.size())
    throw core::InputError("analysis: " + std::to_string(features.size()) + " feature rows but " +
                           std::to_string(detector.size()) + " detector ids");
  if (features.empty()) throw core::InputError("analysis: no events");
}

double dep_fwhm_of(const DetectorCalibration& c) {
  double f = c.fwhm_at(core::kDepKev);
  if (!std::isfinite(f)) f = 0.85 * c.fwhm_at(core::kTl208PeakKev);  // DEP ~ 15 % narrower
  return f;
}

// Energies, classifiers and labels from fixed calibration and cuts.
AnalysisResult label(const std::vector<Features>& features, const std::vector<int32_t>& detector,
                     const Calibration& calibration, const CutSet& cuts) {
  const std::size_t n = features.size();
  AnalysisResult r;
  r.energy_kev.assign(n, kNaN);
  r.pass_low_avse.assign(n, 0);
  r.pass_high_avse.assign(n, 0);
  r.pass_dcr.assign(n, 0);
  r.pass_lq.assign(n, 0);
  r.avse_classifier.assign(n, kNaN);
  r.dcr_classifier.assign(n, kNaN);
  r.lq_classifier.assign(n, kNaN);
  for (std::size_t i = 0; i < n; ++i) {
    const Features& f = features[i];
    const DetectorCalibration& cal = calibration.for_detector(detector[i]);
    const double e = cal.to_kev(f.energy_trap_adc);
    r.energy_kev[i] = e;
    if (!is_good(f)) continue;
    const DetectorCuts& c = cuts.for_detector(detector[i]);
    const double a = c.avse.classifier(f.avse_raw, e, f.drift_time_ns);
    const double d = c.dcr.classifier(f.dcr_raw, e);
    const double l = c.lq.classifier(f.lq_raw, f.drift_time_ns);
    r.avse_classifier[i] = a;
    r.dcr_classifier[i] = d;
    r.lq_classifier[i] = l;
    r.pass_low_avse[i] = a >= c.avse.low_cut;  // false for NaN
    r.pass_high_avse[i] = a <= c.avse.high_cut;
    r.pass_dcr[i] = d <= c.dcr.cut;
    r.pass_lq[i] = l <= c.lq.cut;
  }
  r.calibration = calibration;
  r.cuts = cuts;
  return r;
}

// The per-event inputs of the cut fits: calibrated energy and the raw classifiers.
CutInputs cut_inputs(const std::vector<Features>& features, const std::vector<int32_t>& detector,
                     const Calibration& calibration) {
  const std::size_t n = features.size();
  CutInputs in;
  in.energy_kev.resize(n);
  in.avse_raw.resize(n);
  in.drift_time_ns.resize(n);
  in.dcr_raw.resize(n);
  in.lq_raw.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Features& f = features[i];
    in.energy_kev[i] = calibration.to_kev(detector[i], f.energy_trap_adc);
    in.avse_raw[i] = f.avse_raw;
    in.drift_time_ns[i] = f.drift_time_ns;
    in.dcr_raw[i] = f.dcr_raw;
    in.lq_raw[i] = f.lq_raw;
  }
  return in;
}

// Events the cuts are fitted on (good quality, finite calibrated energy): per detector and
// all together, in event order.
struct FitEvents {
  std::map<int32_t, std::vector<std::size_t>> per_detector;
  std::vector<std::size_t> all;
};
FitEvents fit_events(const CutInputs& in, const std::vector<uint8_t>& good, const std::vector<int32_t>& detector) {
  FitEvents ev;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (good[i] && std::isfinite(in.energy_kev[i])) {
      ev.per_detector[detector[i]].push_back(i);
      ev.all.push_back(i);
    }
  }
  return ev;
}

// The message of an InputError without the "what: " prefix it starts with.
std::string without_prefix(const std::string& msg, const std::string& what) {
  const std::string prefix = what + ": ";
  return msg.rfind(prefix, 0) == 0 ? msg.substr(prefix.size()) : msg;
}

std::string detector_name(int32_t det) { return "detector " + std::to_string(det); }

// Per detector, the parts of its cuts taken from the pooled fit, and why.
using PooledParts = std::map<int32_t, std::vector<std::string>>;

// Cut shapes (continuum statistics only) per detector; a detector whose own fit fails takes
// the shapes fitted on all detectors together (an error when that failed too).
void fit_detector_shapes(const CutInputs& in, const FitEvents& ev, const Calibration& calibration,
                         const CutConfig& config, CutSet& cuts, PooledParts& pooled_parts) {
  const double pooled_fwhm = dep_fwhm_of(calibration.pooled);
  DetectorCuts pooled_shapes;
  std::string pooled_error;
  try {
    pooled_shapes = fit_cut_shapes(in, &ev.all, pooled_fwhm, config, "all detectors pooled");
  } catch (const core::InputError& e) {
    pooled_error = e.what();
  }
  for (const auto& [det, idx] : ev.per_detector) {
    const std::string what = detector_name(det);
    DetectorCuts c;
    try {
      c = fit_cut_shapes(in, &idx, dep_fwhm_of(calibration.for_detector(det)), config, what);
    } catch (const core::InputError& e) {
      if (!pooled_error.empty())
        throw core::InputError(std::string(e.what()) + "; the pooled fallback failed too: " + pooled_error);
      c = pooled_shapes;
      pooled_parts[det].push_back("A/E, DCR and LQ shapes (" + without_prefix(e.what(), what) + ")");
    }
    c.detector = det;
    cuts.detectors[det] = std::move(c);
  }
}

// DEP normalisation and DEP-based cuts per detector, each event corrected by its own
// detector's shapes; a detector with too few DEP events takes the fit on the DEP events of
// all detectors (an error when that failed too).
void fit_detector_thresholds(const CutInputs& in, const FitEvents& ev, const Calibration& calibration,
                             const CutConfig& config, CutSet& cuts, PooledParts& pooled_parts) {
  std::vector<const DetectorCuts*> shapes(in.size(), nullptr);
  for (const auto& [det, idx] : ev.per_detector)
    for (std::size_t i : idx) shapes[i] = &cuts.detectors.at(det);
  CutThresholds pooled;
  std::string pooled_error;
  try {
    pooled = fit_cut_thresholds(in, ev.all, shapes, dep_fwhm_of(calibration.pooled), config, "all detectors pooled");
  } catch (const core::InputError& e) {
    pooled_error = e.what();
  }
  for (const auto& [det, idx] : ev.per_detector) {
    const std::string what = detector_name(det);
    DetectorCuts& c = cuts.detectors.at(det);
    try {
      fit_cut_thresholds(in, idx, shapes, dep_fwhm_of(calibration.for_detector(det)), config, what).apply_to(c);
    } catch (const core::InputError& e) {
      if (!pooled_error.empty())
        throw core::InputError(std::string(e.what()) + "; the pooled fallback failed too: " + pooled_error);
      pooled.apply_to(c);
      pooled_parts[det].push_back("DEP normalisation and cuts (" + without_prefix(e.what(), what) + ")");
    }
  }
}

// Cuts in two steps. Shapes (A/E band vs energy and drift time, DCR and LQ bands) need only
// continuum events: per detector, pooled when a detector has too few. DEP-based values (A/E
// normalisation, A/E and LQ cuts) need DEP events: per detector, else one fit on the DEP
// events of all detectors, each corrected by its own detector's shapes.
CutSet fit_cut_set(const CutInputs& in, const FitEvents& ev, const Calibration& calibration,
                   const CutConfig& config) {
  CutSet cuts;
  try {  // for detectors absent here when the cuts are re-applied to other data
    cuts.pooled = fit_cuts(in, &ev.all, dep_fwhm_of(calibration.pooled), config, "all detectors pooled");
  } catch (const core::InputError&) {
    cuts.pooled = DetectorCuts{};  // empty: such events fail every cut
    cuts.pooled.note = "no pooled cuts: too few events";
  }
  cuts.pooled.detector = -1;
  PooledParts pooled_parts;
  fit_detector_shapes(in, ev, calibration, config, cuts, pooled_parts);
  fit_detector_thresholds(in, ev, calibration, config, cuts, pooled_parts);
  for (const auto& [det, parts] : pooled_parts) {
    DetectorCuts& c = cuts.detectors.at(det);
    c.pooled = true;
    c.note = detector_name(det) + ": pooled";
    for (std::size_t k = 0; k < parts.size(); ++k) c.note += (k ? "; " : " ") + parts[k];
  }
  return cuts;
}

// FWHM (keV) of the three reference lines in the calibrated spectrum of all detectors
// together, as resolution rows; a line that cannot be fitted gets a note instead.
std::map<double, double> measure_resolution(const std::vector<double>& energy_kev,
                                            const std::vector<std::size_t>& good, AnalysisSummary& s) {
  const double lines[] = {core::kTl208_583Kev, core::kDepKev, core::kTl208PeakKev};
  std::map<double, double> fwhm_of;
  for (double e : lines) {
    const double half = 12.0, bin = 0.2;
    Histogram h(e - half, e + half, static_cast<std::size_t>(2.0 * half / bin));
    for (std::size_t i : good) h.fill(energy_kev[i]);
    try {
      const PeakFitResult f = fit_peak(h, h.lo, h.hi, e, 0.4 + 0.3 * e / 1000.0);
      s.resolution.push_back({e, f.fwhm, f.fwhm_err, f.centroid});
      fwhm_of[e] = f.fwhm;
    } catch (const core::InputError&) {
      s.notes.push_back("no peak fitted at " + std::to_string(e) + " keV in the calibrated spectrum");
    }
  }
  return fwhm_of;
}

// Side-band-subtracted survival fractions of each cut in one energy window (a continuum
// window has no side bands: empty ranges).
SurvivalRow survival_row(const std::string& name, const PeakWindow& w, bool continuum, const AnalysisResult& labelled,
                         const std::vector<std::size_t>& good) {
  SurvivalRow r;
  r.region = name;
  r.lo_kev = w.peak_lo;
  r.hi_kev = w.peak_hi;
  PeakWindow win = w;
  if (continuum) win.sb_low_lo = win.sb_low_hi = win.sb_high_lo = win.sb_high_hi = -1.0;
  std::vector<uint8_t> all(labelled.energy_kev.size(), 0);
  for (std::size_t i : good)
    all[i] = labelled.pass_low_avse[i] && labelled.pass_high_avse[i] && labelled.pass_dcr[i] && labelled.pass_lq[i];
  const NetCount low = net_count(labelled.energy_kev, labelled.pass_low_avse, win, &good);
  r.events = low.total;
  r.low_avse = low.fraction();
  r.low_avse_err = low.fraction_err;
  r.high_avse = net_count(labelled.energy_kev, labelled.pass_high_avse, win, &good).fraction();
  r.dcr = net_count(labelled.energy_kev, labelled.pass_dcr, win, &good).fraction();
  r.lq = net_count(labelled.energy_kev, labelled.pass_lq, win, &good).fraction();
  r.all = net_count(labelled.energy_kev, all, win, &good).fraction();
  return r;
}

}  // namespace

AnalysisResult analyse(const std::vector<Features>& features, const std::vector<int32_t>& detector,
                       const AnalysisConfig& config) {
  check_sizes(features, detector);
  const std::size_t n = features.size();
  std::vector<double> adc(n);
  std::vector<uint8_t> good(n);
  for (std::size_t i = 0; i < n; ++i) {
    adc[i] = features[i].energy_trap_adc;
    good[i] = is_good(features[i]);
  }
  const Calibration calibration = calibrate(adc, detector, good, config.calibration);
  const CutInputs in = cut_inputs(features, detector, calibration);
  const CutSet cuts = fit_cut_set(in, fit_events(in, good, detector), calibration, config.cuts);
  AnalysisResult r = label(features, detector, calibration, cuts);
  r.summary = summarise(r, detector, features);
  return r;
}

AnalysisResult apply(const std::vector<Features>& features, const std::vector<int32_t>& detector,
                     const Calibration& calibration, const CutSet& cuts) {
  check_sizes(features, detector);
  AnalysisResult r = label(features, detector, calibration, cuts);
  r.summary = summarise(r, detector, features);
  return r;
}

AnalysisSummary summarise(const AnalysisResult& labelled, const std::vector<int32_t>& detector,
                          const std::vector<Features>& features) {
  AnalysisSummary s;
  s.n_events = features.size();
  std::vector<std::size_t> good;
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (is_good(features[i]) && std::isfinite(labelled.energy_kev[i])) good.push_back(i);
    else ++s.n_bad_quality;
  }
  for (const auto& [det, c] : labelled.calibration.detectors)
    if (!c.note.empty()) s.notes.push_back(c.note);
  for (const auto& [det, c] : labelled.cuts.detectors)
    if (!c.note.empty()) s.notes.push_back(c.note);
  (void)detector;

  const std::map<double, double> fwhm_of = measure_resolution(labelled.energy_kev, good, s);
  // Where a line was not fitted: the pooled DEP width scaled as sqrt(E).
  auto fwhm = [&](double e) {
    const auto it = fwhm_of.find(e);
    if (it != fwhm_of.end()) return it->second;
    return dep_fwhm_of(labelled.calibration.pooled) * std::sqrt(e / core::kDepKev);
  };
  const double fep_fwhm = fwhm(core::kTl208PeakKev);
  s.survival.push_back(survival_row("DEP", PeakWindow::around(core::kDepKev, fwhm(core::kDepKev)), false, labelled, good));
  s.survival.push_back(survival_row("SEP", PeakWindow::around(core::kSepKev, 1.15 * fep_fwhm), false, labelled, good));
  s.survival.push_back(survival_row("FEP", PeakWindow::around(core::kTl208PeakKev, fep_fwhm), false, labelled, good));
  PeakWindow compton;
  compton.center_kev = 0.5 * (kComptonLoKev + kComptonHiKev);
  compton.peak_lo = kComptonLoKev;
  compton.peak_hi = kComptonHiKev;
  s.survival.push_back(survival_row("Compton", compton, true, labelled, good));
  return s;
}

nlohmann::json to_json(const AnalysisSummary& s) {
  nlohmann::json surv = nlohmann::json::array();
  for (const auto& r : s.survival)
    surv.push_back({{"region", r.region}, {"lo_kev", r.lo_kev}, {"hi_kev", r.hi_kev}, {"events", r.events},
                    {"low_avse", r.low_avse}, {"low_avse_err", r.low_avse_err}, {"high_avse", r.high_avse},
                    {"dcr", r.dcr}, {"lq", r.lq}, {"all", r.all}});
  nlohmann::json res = nlohmann::json::array();
  for (const auto& r : s.resolution)
    res.push_back({{"energy_kev", r.energy_kev}, {"fwhm_kev", r.fwhm_kev}, {"fwhm_err_kev", r.fwhm_err_kev},
                   {"centroid_kev", r.centroid_kev}});
  return {{"n_events", s.n_events}, {"n_bad_quality", s.n_bad_quality}, {"survival", surv},
          {"resolution", res}, {"notes", s.notes}};
}

nlohmann::json to_json(const AnalysisResult& r) {
  return {{"format", "wavelearn-calibration"},
          {"version", kParametersVersion},
          {"calibration", to_json(r.calibration)},
          {"cuts", to_json(r.cuts)},
          {"summary", to_json(r.summary)}};
}

void parameters_from_json(const nlohmann::json& j, Calibration& calibration, CutSet& cuts) {
  if (!j.is_object() || !j.contains("calibration") || !j.contains("cuts"))
    throw core::InputError("calibration JSON: missing key 'calibration' or 'cuts'");
  // A later format may mean other formulas under the same keys: reading it as version 1
  // would label events by the wrong cuts without a word.
  if (!j.contains("version") || j.at("version") != nlohmann::json(kParametersVersion))
    throw core::InputError("calibration JSON: key 'version' is " +
                           (j.contains("version") ? j.at("version").dump() : std::string("missing")) +
                           "; this wavelearn reads version " + std::to_string(kParametersVersion));
  calibration = calibration_from_json(j.at("calibration"));
  cuts = cut_set_from_json(j.at("cuts"));
}

}  // namespace wl::dsp
