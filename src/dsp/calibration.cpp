// Energy calibration: peak search in the uncalibrated spectrum, identification of the
// 2614.5/583.2 keV pair by matching the 228Th line pattern, peak fits and ADC -> keV fit.
#include "wavelearn/dsp/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/dsp/histogram.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace wl::dsp {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kFitBinKev = 0.3;        // fine-histogram bin for peak fits
constexpr double kFitHalfWindowKev = 12;  // fit range around a line (narrowed near neighbours)
// Empty bins the peak search adds past the coarse histogram when it holds every event. A
// candidate needs 3 bins above it and a side band up to 15 bins: without them a line at
// the very top of the spectrum (2614.5 keV whenever no good alpha, pile-up or sum event
// lies above it) is never a candidate, and the pattern match settles on a wrong pair (510.8 keV taken for
// 2614.5). Padding the counts rather than widening the histogram keeps every bin centre,
// and so every other calibration, bit for bit what it was.
constexpr std::size_t kEmptyPaddingBins = 16;
// Without a usable 2614.5/583.2 keV pair the 2614.5 keV line alone sets the gain, so it must
// be the top of the spectrum, as in a 228Th run: at most this share of the events lies more
// than kAboveTopFwhm FWHM above it (a lower line taken for it has a large share above).
constexpr double kMaxFractionAboveTop = 0.02;
constexpr double kAboveTopFwhm = 3.0;

struct Candidate {
  double position;      // ADC
  double significance;  // net counts / sqrt(counts)
};

// Every line the spectrum may show, used to keep fit windows clear of neighbours.
std::vector<double> all_line_energies() {
  std::vector<double> e;
  for (const auto& l : core::kTh228Lines) e.push_back(l.energy_kev);
  e.push_back(core::kDepKev);
  e.push_back(core::kSepKev);
  std::sort(e.begin(), e.end());
  return e;
}

std::vector<double> default_extra_lines() {
  return {238.632, 727.330, 860.564, core::kDepKev, 1620.50, core::kSepKev};
}

// Local maxima of the smoothed coarse spectrum that stand out above the nearby continuum;
// `empty_bins_above` bins past the histogram count as empty (nothing lies above it).
std::vector<Candidate> find_candidates(const Histogram& h, std::size_t empty_bins_above) {
  std::vector<double> counts = h.counts;
  counts.resize(counts.size() + empty_bins_above, 0.0);
  const std::vector<double> s = smooth(counts, 1);
  const long n = static_cast<long>(s.size());
  std::vector<Candidate> out;
  for (long i = 3; i < n - 3; ++i) {
    bool is_max = s[i] > 0.0;
    for (long k = i - 3; k <= i + 3 && is_max; ++k)
      if (k != i && s[k] > s[i]) is_max = false;
    if (!is_max) continue;
    // Background: the lower of the two side averages (a step sits below the peak).
    double left = 0.0, right = 0.0;
    int nl = 0, nr = 0;
    for (long k = i - 15; k <= i - 6; ++k)
      if (k >= 0) left += counts[k], ++nl;
    for (long k = i + 6; k <= i + 15; ++k)
      if (k < n) right += counts[k], ++nr;
    if (nl == 0 || nr == 0) continue;
    const double bg = std::min(left / nl, right / nr);
    double sum = 0.0;
    for (long k = i - 2; k <= i + 2; ++k) sum += counts[k];
    const double net = sum - 5.0 * bg;
    const double sig = net / std::sqrt(sum + 1.0);
    if (sig > 5.0) out.push_back({h.center(static_cast<std::size_t>(i)), sig});
  }
  return out;
}

// Score of "candidate a is 2614.5 keV and b is 583.2 keV": summed significance of the other
// lines found where the linear calibration through the pair puts them.
double pattern_score(const std::vector<Candidate>& cands, const Candidate& a, const Candidate& b, double bin_adc) {
  const double gain = (core::kTl208PeakKev - core::kTl208_583Kev) / (a.position - b.position);  // keV per ADC
  const double offset = core::kTl208PeakKev - gain * a.position;
  // A trapezoid energy has (almost) no offset: allow a few tens of keV, no more.
  if (!(gain > 0.0) || std::fabs(offset) > 60.0) return -1.0;
  const double tol_kev = std::max(2.0 * bin_adc * gain, 3.0);
  double score = std::min(a.significance, 50.0) + std::min(b.significance, 50.0);
  const double lines[] = {238.632, 727.330, 860.564, core::kDepKev, core::kSepKev, 510.77, 300.087, 1620.50};
  for (double e : lines) {
    double best = 0.0;
    for (const auto& c : cands)
      if (std::fabs(offset + gain * c.position - e) < tol_kev) best = std::max(best, std::min(c.significance, 50.0));
    score += best;
  }
  return score;
}

struct Fitted {
  PeakFitResult fit;
  bool ok = false;
};

// Fits the line at `energy_kev` with keV = offset + gain * adc as the current guess.
Fitted fit_line(const std::vector<double>& adc, double energy_kev, double gain, double offset,
                double half_window_kev, double sigma_kev_guess) {
  Fitted f;
  const double center = (energy_kev - offset) / gain;
  const double half = half_window_kev / gain;
  const double bin = kFitBinKev / gain;
  const std::size_t n_bins = static_cast<std::size_t>(std::ceil(2.0 * half / bin));
  Histogram h(center - half, center + half, std::max<std::size_t>(n_bins, 8));
  for (double v : adc) h.fill(v);
  try {
    f.fit = fit_peak(h, h.lo, h.hi, center, sigma_kev_guess / gain);
    f.ok = f.fit.converged || std::isfinite(f.fit.centroid);
  } catch (const core::InputError&) {
    f.ok = false;
  }
  return f;
}

double half_window_for(double energy_kev, const std::vector<double>& lines) {
  double nearest = 1e9;
  for (double e : lines)
    if (std::fabs(e - energy_kev) > 0.5) nearest = std::min(nearest, std::fabs(e - energy_kev));
  return std::clamp(0.45 * nearest, 5.0, kFitHalfWindowKev);
}

double derivative(const std::vector<double>& coeffs, double x) {
  double d = 0.0;
  for (std::size_t k = coeffs.size(); k-- > 1;) d = d * x + static_cast<double>(k) * coeffs[k];
  return d;
}

// Finite positive energies (ADC): at least 100 to calibrate.
std::vector<double> usable_energies(const std::vector<double>& energy_adc, const std::string& what) {
  std::vector<double> adc;
  adc.reserve(energy_adc.size());
  for (double v : energy_adc)
    if (std::isfinite(v) && v > 0.0) adc.push_back(v);
  if (adc.size() < 100)
    throw core::InputError(what + ": only " + std::to_string(adc.size()) +
                           " events with a finite positive energy, too few to calibrate");
  return adc;
}

// Peak candidates of the coarse search histogram: up to 3x the 99 % quantile (2614.5 keV
// is near the top of a 228Th spectrum; pile-up and overflows beyond are ignored).
struct CoarsePeaks {
  std::vector<Candidate> cands;
  double bin_adc;
};
CoarsePeaks coarse_peaks(const std::vector<double>& adc) {
  const double q99 = quantile(adc, 0.99);
  const double max_adc = *std::max_element(adc.begin(), adc.end());
  const double top = std::min(max_adc * 1.001, 3.0 * q99);
  const std::size_t n_bins = std::clamp<std::size_t>(adc.size() / 8, 1000, 8000);
  const Histogram coarse = make_histogram(adc, 0.0, top, n_bins);
  const bool holds_all = max_adc < top;
  return {find_candidates(coarse, holds_all ? kEmptyPaddingBins : 0), coarse.bin_width()};
}

// Positions (ADC) of the 2614.5 and 583.2 keV candidates: the pair of peaks in the coarse
// spectrum whose linear calibration best explains the other 228Th lines found ({0, 0}
// when no pair is plausible).
struct LinePair {
  double adc_2614, adc_583;
};
LinePair find_th228_pair(const CoarsePeaks& peaks) {
  double best_score = 0.0;
  LinePair pair{0.0, 0.0};
  for (const auto& a : peaks.cands)
    for (const auto& b : peaks.cands) {
      if (b.position >= a.position) continue;
      const double score = pattern_score(peaks.cands, a, b, peaks.bin_adc);
      if (score > best_score) {
        best_score = score;
        pair = {a.position, b.position};
      }
    }
  return pair;
}

// Share of the events above `adc_value` (`sorted` ascending).
double fraction_above(const std::vector<double>& sorted, double adc_value) {
  const auto it = std::upper_bound(sorted.begin(), sorted.end(), adc_value);
  return static_cast<double>(sorted.end() - it) / static_cast<double>(sorted.size());
}

// keV = offset + gain * adc through the fitted 2614.5 and 583.2 keV lines (the linear guess
// through the candidates places the fit windows), or through 2614.5 keV alone (f583.ok
// false, `single_line_reason` says why; see single_line_guess).
struct TwoLineCalibration {
  double gain_kev_per_adc, offset_kev;
  Fitted f2614, f583;
  std::string single_line_reason;
};

// 2614.5 keV alone: a pole-zero-corrected trapezoid has (almost) no offset, so this one
// line gives the gain, good enough to find the detector's other lines, which then set the
// final curve. A detector's own lines beat the pooled fit, which holds another detector's
// gain. Refused unless the line is the top of the spectrum, as 2614.5 keV is in a 228Th run.
TwoLineCalibration single_line_guess(const std::vector<double>& sorted, const Fitted& f2614, const std::string& why,
                                     const std::string& what) {
  const double centroid = f2614.fit.centroid;
  const double above = fraction_above(sorted, centroid + kAboveTopFwhm * std::max(f2614.fit.fwhm, 0.0));
  if (!(centroid > 0.0) || above > kMaxFractionAboveTop)
    throw core::InputError(what + ": " + why + ", and the 2614.5 keV candidate at " + std::to_string(centroid) +
                           " ADC is not the top of the spectrum (" + std::to_string(100.0 * above) +
                           " % of the events above it)");
  return {core::kTl208PeakKev / centroid, 0.0, f2614, Fitted{}, why};
}

// No usable 2614.5/583.2 keV pair (`why`): the most significant peak with (almost) nothing
// above it is taken for 2614.5 keV.
TwoLineCalibration fit_top_line(const std::vector<double>& adc, const CoarsePeaks& peaks, const std::string& why,
                                const std::string& what) {
  std::vector<double> sorted = adc;
  std::sort(sorted.begin(), sorted.end());
  const Candidate* top = nullptr;
  for (const auto& c : peaks.cands)
    if (fraction_above(sorted, c.position) <= kMaxFractionAboveTop && (!top || c.significance > top->significance))
      top = &c;
  if (!top) throw core::InputError(what + ": " + why + ", and no peak at the top of the spectrum to take for 2614.5 keV");
  const Fitted f2614 = fit_line(adc, core::kTl208PeakKev, core::kTl208PeakKev / top->position, 0.0, 20.0, 1.1);
  if (!f2614.ok) throw core::InputError(what + ": " + why + ", and the 2614.5 keV peak could not be fitted");
  return single_line_guess(sorted, f2614, why, what);
}

// Both lines fitted, or single_line_reason says what went wrong.
TwoLineCalibration fit_th228_pair(const std::vector<double>& adc, const LinePair& pair,
                                  const std::vector<double>& lines) {
  double gain = (core::kTl208PeakKev - core::kTl208_583Kev) / (pair.adc_2614 - pair.adc_583);
  double offset = core::kTl208PeakKev - gain * pair.adc_2614;
  TwoLineCalibration two{gain, offset, {}, {}, ""};
  two.f2614 = fit_line(adc, core::kTl208PeakKev, gain, offset, 20.0, 1.1);
  if (!two.f2614.ok) {
    two.single_line_reason = "the 2614.5 keV peak of the 2614.5/583.2 keV pair could not be fitted";
    return two;
  }
  two.f583 = fit_line(adc, core::kTl208_583Kev, gain, offset, half_window_for(core::kTl208_583Kev, lines), 0.6);
  if (!two.f583.ok) {
    two.single_line_reason = "the 583.2 keV peak could not be fitted";
    return two;
  }
  two.gain_kev_per_adc = (core::kTl208PeakKev - core::kTl208_583Kev) / (two.f2614.fit.centroid - two.f583.fit.centroid);
  two.offset_kev = core::kTl208PeakKev - two.gain_kev_per_adc * two.f2614.fit.centroid;
  if (!(two.gain_kev_per_adc > 0.0) || !std::isfinite(two.offset_kev))
    two.single_line_reason = "the 2614.5/583.2 keV peaks give a non-positive gain";
  return two;
}

// The first calibration: the 2614.5/583.2 keV pair when the pattern match finds one and
// both lines fit, else 2614.5 keV alone (the pair may have been a wrong one: 510.8 keV
// taken for 2614.5 leaves no 583.2 keV line where the pair puts it).
TwoLineCalibration first_calibration(const std::vector<double>& adc, const std::vector<double>& lines,
                                     const std::string& what) {
  const CoarsePeaks peaks = coarse_peaks(adc);
  const LinePair pair = find_th228_pair(peaks);
  std::string why = "no 2614.5 keV / 583.2 keV peak pair found in " + std::to_string(adc.size()) + " events (" +
                    std::to_string(peaks.cands.size()) + " peak candidates)";
  if (pair.adc_2614 > 0.0) {
    const TwoLineCalibration two = fit_th228_pair(adc, pair, lines);
    if (two.single_line_reason.empty()) return two;
    why = two.single_line_reason;
  }
  return fit_top_line(adc, peaks, why, what);
}

using LineFits = std::vector<std::pair<double, Fitted>>;  // (keV, fit), sorted by energy

// The pair plus every extra line that is clearly a peak at its predicted place.
LineFits fit_lines(const std::vector<double>& adc, const TwoLineCalibration& two, const CalibrationConfig& config,
                   const std::vector<double>& lines) {
  const double gain = two.gain_kev_per_adc, offset = two.offset_kev;
  LineFits fits = {{core::kTl208PeakKev, two.f2614}};
  if (two.f583.ok) fits.push_back({core::kTl208_583Kev, two.f583});
  const std::vector<double> extra = config.extra_lines_kev.empty() ? default_extra_lines() : config.extra_lines_kev;
  for (double e : extra) {
    if (std::fabs(e - core::kTl208PeakKev) < 0.5 || std::fabs(e - core::kTl208_583Kev) < 0.5) continue;
    const double sigma_guess = 0.4 + 0.25 * e / 1000.0;
    Fitted f = fit_line(adc, e, gain, offset, half_window_for(e, lines), sigma_guess);
    if (!f.ok) continue;
    const double pos_kev = offset + gain * f.fit.centroid;
    const double fwhm_kev = gain * f.fit.fwhm;
    const bool significant = f.fit.area >= config.min_peak_counts && f.fit.area > 4.0 * f.fit.area_err;
    if (significant && std::fabs(pos_kev - e) < 4.0 && fwhm_kev < 12.0 && f.fit.centroid_err > 0.0)
      fits.push_back({e, f});
  }
  std::sort(fits.begin(), fits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return fits;
}

// {c0, c1, c2}: weighted fit of keV vs fitted centroid (quadratic only with 4 lines or more;
// centroid errors floored at 5 eV so no line dominates). One line (2614.5 keV alone): zero
// offset, as a trapezoid energy has (almost) none.
std::vector<double> calibration_curve(const LineFits& fits, double gain_kev_per_adc, bool quadratic) {
  if (fits.size() == 1) return {0.0, fits[0].first / fits[0].second.fit.centroid, 0.0};
  std::vector<double> x, y, w;
  for (const auto& [e, f] : fits) {
    x.push_back(f.fit.centroid);
    y.push_back(e);
    const double err_kev = std::max(gain_kev_per_adc * f.fit.centroid_err, 0.005);
    w.push_back(1.0 / (err_kev * err_kev));
  }
  const int degree = (quadratic && x.size() >= 4) ? 2 : 1;
  std::vector<double> coeffs = polyfit(x, y, w, degree);
  if (degree == 1) coeffs.push_back(0.0);  // always {c0, c1, c2}
  return coeffs;
}

// "2614.5, 1592.5 and 860.6 keV lines" (for notes).
std::string line_list(const LineFits& fits) {
  std::string s;
  for (std::size_t k = fits.size(); k-- > 0;) {
    char e[32];
    std::snprintf(e, sizeof e, "%.1f", fits[k].first);
    s += std::string(k + 1 == fits.size() ? "" : k == 0 ? " and " : ", ") + e;
  }
  return s + (fits.size() == 1 ? " keV line (zero offset)" : " keV lines");
}

// Each fitted line in keV through the curve, and the FWHM(E) curve when 3 lines or more.
void add_peak_measurements(const LineFits& fits, DetectorCalibration& cal) {
  std::vector<double> fe, ff, fferr;
  for (const auto& [e, f] : fits) {
    PeakMeasurement m;
    m.energy_kev = e;
    m.centroid_adc = f.fit.centroid;
    m.centroid_adc_err = f.fit.centroid_err;
    const double slope = derivative(cal.coeffs, f.fit.centroid);
    m.fwhm_kev = slope * f.fit.fwhm;
    m.fwhm_kev_err = slope * f.fit.fwhm_err;
    m.area = f.fit.area;
    m.residual_kev = cal.to_kev(f.fit.centroid) - e;
    m.used = true;
    cal.peaks.push_back(m);
    fe.push_back(e);
    ff.push_back(m.fwhm_kev);
    fferr.push_back(m.fwhm_kev_err);
  }
  if (fe.size() >= 3) {
    try {
      cal.fwhm_curve = fit_fwhm_curve(fe, ff, fferr);
    } catch (const core::InputError&) {
      cal.fwhm_curve.clear();
    }
  }
}

}  // namespace

double DetectorCalibration::to_kev(double adc) const {
  if (coeffs.empty() || !std::isfinite(adc)) return kNaN;
  return polyval(coeffs, adc);
}

double DetectorCalibration::fwhm_at(double energy_kev) const {
  for (const auto& p : peaks)
    if (std::fabs(p.energy_kev - energy_kev) < 0.5 && p.fwhm_kev > 0.0) return p.fwhm_kev;
  if (fwhm_curve.size() == 2) {
    const double v = fwhm_curve[0] + fwhm_curve[1] * energy_kev;
    if (v > 0.0) return std::sqrt(v);
  }
  return kNaN;
}

const DetectorCalibration& Calibration::for_detector(int32_t detector) const {
  const auto it = detectors.find(detector);
  return it == detectors.end() ? pooled : it->second;
}

double Calibration::to_kev(int32_t detector, double adc) const { return for_detector(detector).to_kev(adc); }

DetectorCalibration calibrate_spectrum(const std::vector<double>& energy_adc, const CalibrationConfig& config,
                                       const std::string& what) {
  const std::vector<double> adc = usable_energies(energy_adc, what);
  const std::vector<double> lines = all_line_energies();
  TwoLineCalibration two = first_calibration(adc, lines, what);
  LineFits fits = fit_lines(adc, two, config, lines);
  if (!two.single_line_reason.empty() && fits.size() >= 2) {
    // The zero-offset guess can miss low lines by a few keV when the trapezoid has a small
    // offset; the line through the lines it did find places the windows again.
    const std::vector<double> c = calibration_curve(fits, two.gain_kev_per_adc, false);
    two.offset_kev = c[0];
    two.gain_kev_per_adc = c[1];
    fits = fit_lines(adc, two, config, lines);
  }
  DetectorCalibration cal;
  cal.n_events = adc.size();
  cal.coeffs = calibration_curve(fits, two.gain_kev_per_adc, config.quadratic);
  add_peak_measurements(fits, cal);
  if (!two.single_line_reason.empty())
    cal.note = what + ": " + two.single_line_reason + "; calibrated on its own " + line_list(fits);
  return cal;
}

Calibration calibrate(const std::vector<double>& energy_adc, const std::vector<int32_t>& detector,
                      const std::vector<uint8_t>& good, const CalibrationConfig& config) {
  if (energy_adc.size() != detector.size())
    throw core::InputError("calibration: " + std::to_string(energy_adc.size()) + " energies but " +
                           std::to_string(detector.size()) + " detector ids");
  if (!good.empty() && good.size() != energy_adc.size())
    throw core::InputError("calibration: quality mask length differs from the number of events");
  std::map<int32_t, std::vector<double>> per_det;
  std::vector<double> all;
  all.reserve(energy_adc.size());
  for (std::size_t i = 0; i < energy_adc.size(); ++i) {
    if (!good.empty() && !good[i]) continue;
    per_det[detector[i]].push_back(energy_adc[i]);
    all.push_back(energy_adc[i]);
  }
  if (per_det.empty()) throw core::InputError("calibration: no events with good quality");

  Calibration out;
  std::string pooled_error;
  try {
    out.pooled = calibrate_spectrum(all, config, "all detectors pooled");
  } catch (const core::InputError& e) {
    pooled_error = e.what();
  }
  out.pooled.detector = -1;
  out.pooled.n_events = all.size();
  for (auto& [det, values] : per_det) {
    const std::string what = "detector " + std::to_string(det);
    std::string reason;
    if (values.size() < config.min_events) {
      reason = std::to_string(values.size()) + " good events (< " + std::to_string(config.min_events) + ")";
    } else {
      try {
        DetectorCalibration c = calibrate_spectrum(values, config, what);
        c.detector = det;
        out.detectors[det] = std::move(c);
        continue;
      } catch (const core::InputError& e) {
        reason = e.what();
        const std::string prefix = what + ": ";
        if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
      }
    }
    if (!pooled_error.empty())
      throw core::InputError(what + ": " + reason + "; the pooled fallback failed too: " + pooled_error);
    DetectorCalibration c = out.pooled;
    c.detector = det;
    c.n_events = values.size();
    c.pooled = true;
    c.note = what + ": " + reason + ", pooled calibration used";
    // Said out loud: the pooled fit carries the gain of whichever detector dominates its
    // peaks, so this detector's energies are off by the ratio of the two gains.
    std::fprintf(stderr, "warning: calibration: %s (its energies are only right if its gain matches the pooled "
                 "fit's)\n", c.note.c_str());
    out.detectors[det] = std::move(c);
  }
  return out;
}

}  // namespace wl::dsp
