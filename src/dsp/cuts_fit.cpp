// Fits the A/E, DCR and LQ cut parameters of one detector (or of all detectors pooled)
// from calibrated calibration-source events.
#include <algorithm>
#include <cmath>
#include <string>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/dsp/cuts.hpp"
#include "wavelearn/dsp/histogram.hpp"
#include "wavelearn/dsp/peak_fit.hpp"

namespace wl::dsp {
namespace {

constexpr std::size_t kMinBandEvents = 150;  // events needed to fit the A/E band in one bin

struct Band {
  double center = 0.0, center_err = 0.0, sigma = 0.0;
  bool ok = false;
};

// Position and width of the single-site band: the Gaussian on top of the multi-site tail,
// which below the band looks like a step, so the peak model (Gaussian + step + line) fits it.
Band fit_band(const std::vector<double>& values) {
  Band b;
  std::vector<double> v;
  for (double x : values)
    if (std::isfinite(x)) v.push_back(x);
  if (v.size() < kMinBandEvents) return b;
  const double med = median(v);
  const double rs = robust_sigma(v);
  if (!(rs > 0.0)) return b;
  // The band can be much narrower than the whole distribution (a broad multi-site part
  // dominates the robust width): narrow in on it. Each pass histograms +-8 widths around
  // the mode in bins of 0.2 widths, takes the mode and the half width at half maximum on
  // the high side (the low side carries the multi-site tail).
  double mode = med, width = rs, lo_edge = med - 6.0 * rs, hi_edge = med + 4.0 * rs;
  for (int pass = 0; pass < 6; ++pass) {
    const std::size_t n_bins = static_cast<std::size_t>(std::ceil((hi_edge - lo_edge) / (0.2 * width)));
    Histogram h(lo_edge, hi_edge, std::max<std::size_t>(n_bins, 10));
    for (double x : v) h.fill(x);
    const std::vector<double> s = smooth(h.counts, 1);
    const std::size_t imax = static_cast<std::size_t>(std::max_element(s.begin(), s.end()) - s.begin());
    mode = h.center(imax);
    std::size_t k = imax;
    while (k + 1 < s.size() && s[k] > 0.5 * s[imax]) ++k;
    double hwhm = (static_cast<double>(k) - static_cast<double>(imax)) * h.bin_width();
    if (k > imax && s[k - 1] > s[k])  // interpolate the half-maximum crossing
      hwhm -= h.bin_width() * (0.5 * s[imax] - s[k]) / (s[k - 1] - s[k]);
    const double next = std::max(hwhm / 1.17741, 0.5 * h.bin_width());
    const bool settled = std::fabs(next - width) < 0.1 * width;
    width = next;
    lo_edge = mode - 8.0 * width;
    hi_edge = mode + 8.0 * width;
    if (settled) break;
  }
  std::size_t n = 0;
  for (double x : v) n += std::fabs(x - mode) < 2.0 * width;
  b.center = mode;
  b.sigma = width;
  b.center_err = width / std::sqrt(static_cast<double>(n) + 1.0);
  b.ok = true;
  try {
    const double bin = width / 4.0;
    const double lo = mode - 4.0 * width, hi = mode + 4.0 * width;
    Histogram fh(lo, hi, static_cast<std::size_t>(std::ceil((hi - lo) / bin)));
    for (double x : v) fh.fill(x);
    const PeakFitResult f = fit_peak(fh, lo, hi, mode, width);
    if (f.converged && std::fabs(f.centroid - mode) < 2.0 * width && f.sigma < 3.0 * width && f.centroid_err > 0) {
      b.center = f.centroid;
      b.center_err = f.centroid_err;
      b.sigma = f.sigma;
    }
  } catch (const core::InputError&) {
    // keep the mode and the half-maximum width
  }
  return b;
}

// Events in [lo_kev, hi_kev) away from every known line.
bool in_clean_continuum(double e, double lo_kev, double hi_kev, double fwhm_dep) {
  if (!(e >= lo_kev && e < hi_kev)) return false;
  auto excluded = [&](double line) {
    const double fwhm = fwhm_dep * std::sqrt(line / core::kDepKev);
    return std::fabs(e - line) < std::max(4.0, 3.0 * fwhm);
  };
  for (const auto& l : core::kTh228Lines)
    if (excluded(l.energy_kev)) return false;
  return !excluded(core::kDepKev) && !excluded(core::kSepKev);
}

struct BandCurve {
  std::vector<double> mu_coeffs, sigma_coeffs;
};

// Lower edge of the continuum used for the A/E width curve only: the band widens toward
// low energy (noise on A) and the classifier must be normalised there too.
constexpr double kWidthLoKev = 250.0;

// A/E band centre and relative width vs energy in equal-width energy bins of the continuum
// `idx` (centre and width), plus the lower continuum `low` (width only: the band centre is
// fitted where it is linear in E).
BandCurve fit_band_curve(const std::vector<std::size_t>& idx, const std::vector<std::size_t>& low,
                         const std::vector<double>& energy, const std::vector<double>& avse,
                         const CutConfig& config, const std::string& what) {
  const std::size_t n_bins = std::clamp<std::size_t>(idx.size() / 300, 2, 12);
  const double width = (config.compton_hi_kev - config.compton_lo_kev) / static_cast<double>(n_bins);
  std::vector<std::vector<double>> bins(n_bins);
  std::vector<double> e_sum(n_bins, 0.0);
  for (std::size_t i : idx) {
    const std::size_t b = std::min(n_bins - 1, static_cast<std::size_t>((energy[i] - config.compton_lo_kev) / width));
    bins[b].push_back(avse[i]);
    e_sum[b] += energy[i];
  }
  std::vector<double> e, mu, mu_w, inv_e2, rel2;
  for (std::size_t b = 0; b < n_bins; ++b) {
    const Band band = fit_band(bins[b]);
    if (!band.ok || !(band.center > 0.0)) continue;
    const double eb = e_sum[b] / static_cast<double>(bins[b].size());
    e.push_back(eb);
    mu.push_back(band.center);
    mu_w.push_back(1.0 / std::max(band.center_err * band.center_err, 1e-30));
    inv_e2.push_back(1.0 / (eb * eb));
    rel2.push_back((band.sigma / band.center) * (band.sigma / band.center));
  }
  if (e.size() < 2)
    throw core::InputError(what + ": A/E band found in " + std::to_string(e.size()) +
                           " Compton energy bins, need 2 (too few events in " +
                           std::to_string(config.compton_lo_kev) + "-" + std::to_string(config.compton_hi_kev) + " keV)");
  BandCurve c;
  c.mu_coeffs = polyfit(e, mu, mu_w, 1);
  if (config.compton_lo_kev > kWidthLoKev) {
    const std::size_t n_low = std::clamp<std::size_t>(low.size() / 600, 1, 4);
    const double w = (config.compton_lo_kev - kWidthLoKev) / static_cast<double>(n_low);
    std::vector<std::vector<double>> lb(n_low);
    std::vector<double> le(n_low, 0.0);
    for (std::size_t i : low) {
      const std::size_t b = std::min(n_low - 1, static_cast<std::size_t>((energy[i] - kWidthLoKev) / w));
      lb[b].push_back(avse[i]);
      le[b] += energy[i];
    }
    for (std::size_t b = 0; b < n_low; ++b) {
      const Band band = fit_band(lb[b]);
      if (!band.ok || !(band.center > 0.0)) continue;
      const double eb = le[b] / static_cast<double>(lb[b].size());
      inv_e2.push_back(1.0 / (eb * eb));
      rel2.push_back((band.sigma / band.center) * (band.sigma / band.center));
    }
  }
  // sigma^2 = a + b / E^2 needs three bins to be meaningful; else a constant width.
  if (rel2.size() >= 3) {
    c.sigma_coeffs = polyfit(inv_e2, rel2, {}, 1);
    bool positive = true;
    for (double u : inv_e2) positive = positive && (c.sigma_coeffs[0] + c.sigma_coeffs[1] * u > 0.0);
    if (!positive) c.sigma_coeffs.clear();
  }
  if (c.sigma_coeffs.empty()) {
    double m = 0.0;
    for (double r : rel2) m += r;
    c.sigma_coeffs = {m / static_cast<double>(rel2.size()), 0.0};
  }
  return c;
}

std::vector<std::size_t> all_events(std::size_t n) {
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

// The event lists of the shape fits: every event of the Compton reference region, and events
// with a finite A/E in the clean continuum above compton_lo_kev (band centre and width) and
// below it (width only).
struct ShapeRegions {
  std::vector<std::size_t> continuum, low_continuum, region;
};
ShapeRegions shape_regions(const CutInputs& in, const std::vector<std::size_t>& subset, const CutConfig& config,
                           double fwhm_dep) {
  ShapeRegions r;
  for (std::size_t i : subset) {
    const double e = in.energy_kev[i];
    if (e >= config.compton_lo_kev && e < config.compton_hi_kev) r.region.push_back(i);
    if (!std::isfinite(in.avse_raw[i])) continue;
    if (in_clean_continuum(e, config.compton_lo_kev, config.compton_hi_kev, fwhm_dep)) r.continuum.push_back(i);
    else if (in_clean_continuum(e, kWidthLoKev, config.compton_lo_kev, fwhm_dep)) r.low_continuum.push_back(i);
  }
  return r;
}

// Drift-time slope of A/E (per ns, relative) from band events of `events` (continuum and DEP
// window), around the median drift time; iterated so the band selection follows the
// correction. a.mu_coeffs and a.sigma_coeffs must be set.
void fit_avse_drift_slope(const CutInputs& in, const std::vector<std::size_t>& events, AvseCut& a) {
  {
    std::vector<double> dts;
    for (std::size_t i : events)
      if (std::isfinite(in.drift_time_ns[i])) dts.push_back(in.drift_time_ns[i]);
    a.dt_ref_ns = dts.empty() ? 0.0 : median(dts);
  }
  for (int iter = 0; iter < 3; ++iter) {
    std::vector<double> x, y;
    for (std::size_t i : events) {
      const double dt = in.drift_time_ns[i];
      if (!std::isfinite(dt)) continue;
      const double r = in.avse_raw[i] / polyval(a.mu_coeffs, in.energy_kev[i]);
      const double c = r / (1.0 + a.dt_slope_per_ns * (dt - a.dt_ref_ns));
      if (std::fabs(c - 1.0) < 2.0 * a.sigma(in.energy_kev[i])) {
        x.push_back(dt - a.dt_ref_ns);
        y.push_back(r);
      }
    }
    if (x.size() < kMinBandEvents) break;
    const std::vector<double> line = polyfit(x, y, {}, 1);
    if (!(line[0] > 0.0)) break;
    a.dt_slope_per_ns = line[1] / line[0];
  }
}

// A/E shape: band centre and width vs energy from the continuum, the drift-time slope, then
// the energy dependence again on drift-time-corrected values (dep_norm is left at 1: set by
// fit_cut_thresholds).
AvseCut fit_avse_shape(const CutInputs& in, const std::vector<std::size_t>& subset, const ShapeRegions& r,
                       const PeakWindow& dep, const CutConfig& config, const std::string& what) {
  AvseCut a;
  BandCurve curve = fit_band_curve(r.continuum, r.low_continuum, in.energy_kev, in.avse_raw, config, what);
  a.mu_coeffs = curve.mu_coeffs;
  a.sigma_coeffs = curve.sigma_coeffs;
  std::vector<std::size_t> dt_events = r.continuum;
  for (std::size_t i : subset)
    if (dep.in_peak(in.energy_kev[i])) dt_events.push_back(i);
  fit_avse_drift_slope(in, dt_events, a);
  if (a.dt_slope_per_ns != 0.0) {
    std::vector<double> corrected(in.size(), 0.0);
    for (const auto* list : {&r.continuum, &r.low_continuum})
      for (std::size_t i : *list)
        corrected[i] = in.avse_raw[i] / (1.0 + a.dt_slope_per_ns * (in.drift_time_ns[i] - a.dt_ref_ns));
    curve = fit_band_curve(r.continuum, r.low_continuum, in.energy_kev, corrected, config, what);
    a.mu_coeffs = curve.mu_coeffs;
    a.sigma_coeffs = curve.sigma_coeffs;
  }
  a.dep_norm = 1.0;
  return a;
}

// DCR: centre vs energy from medians in energy bins of the reference region, robust width,
// and the cut at the configured acceptance of the reference events.
DcrCut fit_dcr_shape(const CutInputs& in, const std::vector<std::size_t>& region, const CutConfig& config,
                     const std::string& what) {
  DcrCut d;
  std::vector<std::size_t> ref;
  for (std::size_t i : region)
    if (std::isfinite(in.dcr_raw[i])) ref.push_back(i);
  if (ref.size() < config.min_compton_events)
    throw core::InputError(what + ": " + std::to_string(ref.size()) + " events with a finite DCR in the reference region");
  const std::size_t n_bins = std::clamp<std::size_t>(ref.size() / 1000, 1, 8);
  const double w = (config.compton_hi_kev - config.compton_lo_kev) / static_cast<double>(n_bins);
  std::vector<std::vector<double>> vals(n_bins), es(n_bins);
  for (std::size_t i : ref) {
    const std::size_t b = std::min(n_bins - 1, static_cast<std::size_t>((in.energy_kev[i] - config.compton_lo_kev) / w));
    vals[b].push_back(in.dcr_raw[i]);
    es[b].push_back(in.energy_kev[i]);
  }
  std::vector<double> x, y;
  for (std::size_t b = 0; b < n_bins; ++b)
    if (vals[b].size() >= 50) x.push_back(median(es[b])), y.push_back(median(vals[b]));
  d.center_coeffs = x.size() >= 2 ? polyfit(x, y, {}, 1) : std::vector<double>{median(y.empty() ? vals[0] : y), 0.0};
  std::vector<double> resid;
  resid.reserve(ref.size());
  for (std::size_t i : ref) resid.push_back(in.dcr_raw[i] - polyval(d.center_coeffs, in.energy_kev[i]));
  d.width = robust_sigma(resid);
  if (!(d.width > 0.0)) throw core::InputError(what + ": DCR has zero spread in the reference region");
  for (double& r : resid) r /= d.width;
  d.cut = quantile(resid, config.dcr_acceptance);
  return d;
}

// LQ: trend vs drift time from medians in drift-time quantile bins of the reference region,
// and its robust width (the cut needs DEP events: fit_cut_thresholds).
LqCut fit_lq_shape(const CutInputs& in, const std::vector<std::size_t>& region, const CutConfig& config,
                   const std::string& what) {
  LqCut l;
  std::vector<std::size_t> ref;
  for (std::size_t i : region)
    if (std::isfinite(in.lq_raw[i]) && std::isfinite(in.drift_time_ns[i])) ref.push_back(i);
  if (ref.size() < config.min_compton_events)
    throw core::InputError(what + ": " + std::to_string(ref.size()) + " events with finite LQ and drift time in the reference region");
  std::sort(ref.begin(), ref.end(), [&](std::size_t p, std::size_t q) { return in.drift_time_ns[p] < in.drift_time_ns[q]; });
  const std::size_t n_bins = std::clamp<std::size_t>(ref.size() / 500, 2, 10);
  std::vector<double> x, y;
  for (std::size_t b = 0; b < n_bins; ++b) {
    const std::size_t lo = ref.size() * b / n_bins, hi = ref.size() * (b + 1) / n_bins;
    std::vector<double> dt, lq;
    for (std::size_t k = lo; k < hi; ++k) dt.push_back(in.drift_time_ns[ref[k]]), lq.push_back(in.lq_raw[ref[k]]);
    x.push_back(median(dt));
    y.push_back(median(lq));
  }
  const bool spread = x.back() - x.front() > 1e-6 * (1.0 + std::fabs(x.front()));
  l.dt_coeffs = spread ? polyfit(x, y, {}, 1) : std::vector<double>{median(y), 0.0};
  std::vector<double> resid;
  for (std::size_t i : ref) resid.push_back(in.lq_raw[i] - polyval(l.dt_coeffs, in.drift_time_ns[i]));
  l.width = robust_sigma(resid);
  if (!(l.width > 0.0)) throw core::InputError(what + ": LQ has zero spread in the reference region");
  return l;
}

}  // namespace

DetectorCuts fit_cut_shapes(const CutInputs& in, const std::vector<std::size_t>* subset, double dep_fwhm_kev,
                            const CutConfig& config, const std::string& what) {
  const std::size_t n = in.size();
  if (in.avse_raw.size() != n || in.drift_time_ns.size() != n || in.dcr_raw.size() != n || in.lq_raw.size() != n)
    throw core::InputError(what + ": cut inputs differ in length");
  const std::vector<std::size_t> all = subset ? std::vector<std::size_t>{} : all_events(n);
  const std::vector<std::size_t>& events = subset ? *subset : all;
  const double fwhm_dep = (std::isfinite(dep_fwhm_kev) && dep_fwhm_kev > 0.0) ? dep_fwhm_kev : 2.5;
  const ShapeRegions regions = shape_regions(in, events, config, fwhm_dep);

  DetectorCuts cuts;
  cuts.compton_events = regions.continuum.size();
  if (regions.continuum.size() < config.min_compton_events)
    throw core::InputError(what + ": " + std::to_string(regions.continuum.size()) + " Compton-continuum events (< " +
                           std::to_string(config.min_compton_events) + ") for the A/E and DCR fits");
  cuts.avse = fit_avse_shape(in, events, regions, PeakWindow::around(core::kDepKev, fwhm_dep), config, what);
  cuts.dcr = fit_dcr_shape(in, regions.region, config, what);
  cuts.lq = fit_lq_shape(in, regions.region, config, what);
  return cuts;
}

CutThresholds fit_cut_thresholds(const CutInputs& in, const std::vector<std::size_t>& subset,
                                 const std::vector<const DetectorCuts*>& shapes, double dep_fwhm_kev,
                                 const CutConfig& config, const std::string& what) {
  if (shapes.size() != in.size()) throw core::InputError(what + ": one cut shape per event needed");
  const double fwhm_dep = (std::isfinite(dep_fwhm_kev) && dep_fwhm_kev > 0.0) ? dep_fwhm_kev : 2.5;
  const PeakWindow dep = PeakWindow::around(core::kDepKev, fwhm_dep);
  CutThresholds t;
  t.dep_net_events = net_count(in.energy_kev, {}, dep, &subset).total;
  if (t.dep_net_events < config.min_dep_net_events)
    throw core::InputError(what + ": " + std::to_string(static_cast<long>(t.dep_net_events)) +
                           " net DEP events (< " + std::to_string(static_cast<long>(config.min_dep_net_events)) + ")");
  // A/E corrected by each event's own detector shapes (dep_norm 1), then normalised to the
  // DEP single-site band.
  std::vector<double> corrected(in.size(), 0.0), dep_values;
  for (std::size_t i : subset) {
    AvseCut a = shapes[i]->avse;
    a.dep_norm = 1.0;
    corrected[i] = a.corrected(in.avse_raw[i], in.energy_kev[i], in.drift_time_ns[i]);
    if (dep.in_peak(in.energy_kev[i])) dep_values.push_back(corrected[i]);
  }
  const Band band = fit_band(dep_values);
  if (band.ok && band.center > 0.0) t.dep_norm = band.center;
  std::vector<double> classifier(in.size(), 0.0), lq_class(in.size(), 0.0);
  for (std::size_t i : subset) {
    classifier[i] = (corrected[i] / t.dep_norm - 1.0) / shapes[i]->avse.sigma(in.energy_kev[i]);
    lq_class[i] = shapes[i]->lq.classifier(in.lq_raw[i], in.drift_time_ns[i]);
  }
  t.low_cut = cut_for_acceptance(classifier, in.energy_kev, dep, config.avse_dep_acceptance, true, &subset);
  t.high_cut = config.high_avse_mode == HighAvseMode::kMirrored ? std::fabs(t.low_cut) : config.avse_high_fixed;
  t.lq_cut = cut_for_acceptance(lq_class, in.energy_kev, dep, config.lq_dep_acceptance, false, &subset);
  return t;
}

void CutThresholds::apply_to(DetectorCuts& c) const {
  c.avse.dep_norm = dep_norm;
  c.avse.low_cut = low_cut;
  c.avse.high_cut = high_cut;
  c.lq.cut = lq_cut;
  c.dep_net_events = dep_net_events;
}

DetectorCuts fit_cuts(const CutInputs& in, const std::vector<std::size_t>* subset, double dep_fwhm_kev,
                      const CutConfig& config, const std::string& what) {
  const std::vector<std::size_t> all = subset ? std::vector<std::size_t>{} : all_events(in.size());
  if (!subset) subset = &all;
  DetectorCuts cuts = fit_cut_shapes(in, subset, dep_fwhm_kev, config, what);
  const std::vector<const DetectorCuts*> shapes(in.size(), &cuts);
  fit_cut_thresholds(in, *subset, shapes, dep_fwhm_kev, config, what).apply_to(cuts);
  return cuts;
}

}  // namespace wl::dsp
