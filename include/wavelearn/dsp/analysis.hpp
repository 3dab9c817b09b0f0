#pragma once
// The calibration analysis as the real release made its labels: energy calibration per
// detector, then the A/E, DCR and LQ cuts fitted from the same data, applied to every event,
// with a survival summary. The simulator calls analyse() to label its events;
// `wavelearn calibrate` runs it on a feature table and saves the parameters as JSON so the
// same calibration and cuts can be re-applied (apply()) to other data.
//
// Events whose Features::quality is not kQualityOk (or whose inputs are not finite) enter no
// fit; they get energy_kev from the trapezoid if it is finite (else NaN), NaN classifiers and
// label 0 for every cut (a bad waveform never passes a cut).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wavelearn/dsp/calibration.hpp"
#include "wavelearn/dsp/cuts.hpp"
#include "wavelearn/dsp/features.hpp"

namespace wl::dsp {

struct AnalysisConfig {
  CalibrationConfig calibration;
  CutConfig cuts;
};

// Survival of each cut in one energy region (net counts after side-band subtraction for
// peaks; plain counts for a continuum region).
struct SurvivalRow {
  std::string region;                 // "DEP", "SEP", "FEP", "Compton"
  double lo_kev = 0.0, hi_kev = 0.0;  // peak window or continuum range
  double events = 0.0;                // net events
  double low_avse = 0.0, high_avse = 0.0, dcr = 0.0, lq = 0.0, all = 0.0;  // fractions
  double low_avse_err = 0.0;
};

struct Resolution {
  double energy_kev = 0.0;
  double fwhm_kev = 0.0, fwhm_err_kev = 0.0;
  double centroid_kev = 0.0;          // fitted in the calibrated spectrum
};

struct AnalysisSummary {
  std::size_t n_events = 0;
  std::size_t n_bad_quality = 0;      // labelled 0 everywhere, not fitted
  std::vector<SurvivalRow> survival;  // DEP, SEP, FEP (2614.5), Compton (1989-2089 keV)
  std::vector<Resolution> resolution; // all detectors together at 583.2, DEP, 2614.5
  std::vector<std::string> notes;     // e.g. "detector 7: 812 events, pooled calibration"
};

struct AnalysisResult {
  std::vector<double> energy_kev;
  std::vector<uint8_t> pass_low_avse, pass_high_avse, pass_dcr, pass_lq;
  std::vector<double> avse_classifier, dcr_classifier, lq_classifier;
  Calibration calibration;
  CutSet cuts;
  AnalysisSummary summary;
};

// Fits calibration and cuts on these events and labels them. detector.size() must equal
// features.size(). Throws InputError when the data cannot be calibrated (no 2614.5/583.2
// peaks anywhere, too few events) with a message saying which detector and why.
AnalysisResult analyse(const std::vector<Features>& features, const std::vector<int32_t>& detector,
                       const AnalysisConfig& config = {});

// Re-applies saved calibration and cuts (no fitting) and recomputes the summary.
AnalysisResult apply(const std::vector<Features>& features, const std::vector<int32_t>& detector,
                     const Calibration& calibration, const CutSet& cuts);

// Survival and resolution summary of labelled events.
AnalysisSummary summarise(const AnalysisResult& labelled, const std::vector<int32_t>& detector,
                          const std::vector<Features>& features);

// {"calibration": ..., "cuts": ..., "summary": ...}; from_json reads calibration and cuts.
nlohmann::json to_json(const AnalysisResult& r);
nlohmann::json to_json(const AnalysisSummary& s);
void parameters_from_json(const nlohmann::json& j, Calibration& calibration, CutSet& cuts);

}  // namespace wl::dsp
