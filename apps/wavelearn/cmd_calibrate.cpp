// `wavelearn calibrate FEATURES.h5`: energy calibration, resolution and PSD cuts (A/E, DCR,
// LQ) fitted per detector from a feature table written by `wavelearn dsp`; prints them with
// the cut survival in the DEP, SEP, 2614.5 keV and Compton regions and saves the parameters
// as JSON (re-applicable with --apply). Optionally writes per-event energies and labels.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/physics_constants.hpp"
#include "wavelearn/dsp/analysis.hpp"
#include "wavelearn/dsp/features.hpp"
#include "wavelearn/io/table.hpp"

namespace {

using wl::core::InputError;
namespace dsp = wl::dsp;

struct Options {
  std::string features;
  std::string out;
  std::string apply;
  std::string labels;
  bool force = false;
  bool json = false;
  bool quadratic = false;
  std::string high_avse = "fixed";
};

// The feature columns the analysis needs, read by name through the feature schema into
// blank rows (every other parameter NaN).
void read_features(const std::string& path, std::vector<dsp::Features>& rows, std::vector<int32_t>& detector) {
  const std::vector<std::string> features = {"energy_trap_adc", "avse_raw", "drift_time_ns", "dcr_raw", "lq_raw",
                                             "quality"};
  std::vector<std::string> cols = features;
  cols.push_back("detector");
  const wl::io::Table t = wl::io::read_table_h5(path, cols);
  const std::size_t n = t.n_rows();
  if (n == 0) throw InputError(path + ": the feature table has no rows");
  rows.assign(n, dsp::blank_features());
  for (const auto& name : features) {
    // A quality that is not a non-negative integer marks the row bad (FeatureColumn::set).
    const dsp::FeatureColumn& c = dsp::feature_column(name);
    const auto& v = t.column(name);
    for (std::size_t i = 0; i < n; ++i) c.set(rows[i], v[i]);
  }
  const auto& det = t.column("detector");
  detector.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(det[i]) || det[i] != std::floor(det[i]))
      throw InputError(path + ": dataset 'detector' row " + std::to_string(i) + " is not an integer");
    detector[i] = static_cast<int32_t>(det[i]);
  }
}

// Saved parameters for every detector of the table. The pooled fit stands in only for a
// detector that had too few events at fit time (listed, marked pooled); a detector the file
// never saw would get another detector's gain and cuts: energies off by the gain ratio.
void read_parameters(const std::string& path, const std::vector<int32_t>& detector, dsp::Calibration& cal,
                     dsp::CutSet& cuts) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
    dsp::parameters_from_json(j, cal, cuts);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not valid JSON (" + e.what() + ")");
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
  std::set<int32_t> missing;
  for (const auto d : detector)
    if (!cal.detectors.count(d) || !cuts.detectors.count(d)) missing.insert(d);
  if (missing.empty()) return;
  std::string list, known;
  for (const auto d : missing) list += (list.empty() ? "" : ", ") + std::to_string(d);
  for (const auto& [d, c] : cal.detectors) known += (known.empty() ? "" : ", ") + std::to_string(d);
  throw InputError(path + ": no parameters for detector(s) " + list + " of the feature table (the file has " +
                   (known.empty() ? std::string("none") : known) + "); fit them with `wavelearn calibrate` instead");
}

std::string fmt_kev(double v) {
  char buf[32];
  if (std::isfinite(v)) std::snprintf(buf, sizeof buf, "%.3f", v);
  else std::snprintf(buf, sizeof buf, "-");
  return buf;
}

void print_text(const dsp::AnalysisResult& r, const Options& o, const std::string& saved) {
  const auto& s = r.summary;
  std::printf("%s: %zu events (%zu bad quality: not fitted, labelled 0)\n", o.features.c_str(), s.n_events,
              s.n_bad_quality);
  std::printf("\nenergy calibration (keV = c0 + c1 adc + c2 adc^2)\n");
  std::printf("%8s %8s %10s %12s %12s %5s %9s %9s %9s  %s\n", "detector", "events", "c0", "c1", "c2", "peaks",
              "FWHM583", "FWHMDEP", "FWHM2614", "note");
  for (const auto& [det, c] : r.calibration.detectors) {
    const double c0 = c.coeffs.size() > 0 ? c.coeffs[0] : NAN, c1 = c.coeffs.size() > 1 ? c.coeffs[1] : NAN,
                 c2 = c.coeffs.size() > 2 ? c.coeffs[2] : 0.0;
    std::printf("%8d %8zu %10.4f %12.7g %12.4g %5zu %9s %9s %9s  %s\n", det, c.n_events, c0, c1, c2, c.peaks.size(),
                fmt_kev(c.fwhm_at(wl::core::kTl208_583Kev)).c_str(), fmt_kev(c.fwhm_at(wl::core::kDepKev)).c_str(),
                fmt_kev(c.fwhm_at(wl::core::kTl208PeakKev)).c_str(), c.pooled ? "pooled" : "");
  }
  std::printf("\nresolution, all detectors (FWHM keV)\n");
  for (const auto& res : s.resolution)
    std::printf("  %7.1f keV: %.3f +- %.3f (centroid %.2f keV)\n", res.energy_kev, res.fwhm_kev, res.fwhm_err_kev,
                res.centroid_kev);
  std::printf("\ncuts (classifier units)\n%8s %9s %9s %9s %9s %9s  %s\n", "detector", "A/E low", "A/E high", "DCR",
              "LQ", "DEP net", "note");
  for (const auto& [det, c] : r.cuts.detectors)
    std::printf("%8d %9.3f %9.3f %9.3f %9.3f %9.0f  %s\n", det, c.avse.low_cut, c.avse.high_cut, c.dcr.cut,
                c.lq.cut, c.dep_net_events, c.pooled ? "pooled" : "");
  std::printf("\nsurvival (peaks side-band subtracted)\n%-8s %17s %9s %9s %9s %9s %9s %9s\n", "region", "keV",
              "events", "low A/E", "high A/E", "DCR", "LQ", "all");
  for (const auto& row : s.survival)
    std::printf("%-8s %8.1f-%-8.1f %9.0f %9.4f %9.4f %9.4f %9.4f %9.4f\n", row.region.c_str(), row.lo_kev,
                row.hi_kev, row.events, row.low_avse, row.high_avse, row.dcr, row.lq, row.all);
  for (const auto& n : s.notes) std::printf("note: %s\n", n.c_str());
  if (!saved.empty()) std::printf("\nwrote %s\n", saved.c_str());
}

void write_labels(const std::string& path, const dsp::AnalysisResult& r, const std::vector<int32_t>& detector,
                  bool force) {
  wl::io::Table t;
  auto as_double = [](const std::vector<uint8_t>& v) { return std::vector<double>(v.begin(), v.end()); };
  t.add("detector", std::vector<double>(detector.begin(), detector.end()));
  t.add("energy_kev", r.energy_kev);
  t.add("psd_label_low_avse", as_double(r.pass_low_avse));
  t.add("psd_label_high_avse", as_double(r.pass_high_avse));
  t.add("psd_label_dcr", as_double(r.pass_dcr));
  t.add("psd_label_lq", as_double(r.pass_lq));
  t.add("avse_classifier", r.avse_classifier);
  t.add("dcr_classifier", r.dcr_classifier);
  t.add("lq_classifier", r.lq_classifier);
  t.attributes["generator"] = "wavelearn calibrate";
  wl::io::write_table_h5(path, t, force);
}

void run(const Options& o) {
  if (!std::filesystem::exists(o.features)) throw InputError(o.features + ": no such file");
  std::string out = o.out;
  if (out.empty() && o.apply.empty()) {
    std::filesystem::path p(o.features);
    out = (p.parent_path() / (p.stem().string() + ".calib.json")).string();
  }
  // Refuse before the work, not after it.
  if (!out.empty()) wl::core::check_output_file(out, o.force, {o.features, o.apply});
  if (!o.labels.empty()) wl::core::check_output_file(o.labels, o.force, {o.features, o.apply, out});
  if (!o.labels.empty() && o.labels == out) throw InputError("--labels: " + out + " is also --out");

  std::vector<dsp::Features> rows;
  std::vector<int32_t> detector;
  read_features(o.features, rows, detector);

  dsp::AnalysisResult r;
  if (!o.apply.empty()) {
    dsp::Calibration cal;
    dsp::CutSet cuts;
    read_parameters(o.apply, detector, cal, cuts);
    r = dsp::apply(rows, detector, cal, cuts);
  } else {
    dsp::AnalysisConfig cfg;
    cfg.calibration.quadratic = o.quadratic;
    cfg.cuts.high_avse_mode = o.high_avse == "mirrored" ? dsp::HighAvseMode::kMirrored : dsp::HighAvseMode::kFixed;
    try {
      r = dsp::analyse(rows, detector, cfg);
    } catch (const InputError& e) {
      throw InputError(o.features + ": " + e.what());
    }
  }
  const nlohmann::json j = dsp::to_json(r);
  if (!out.empty()) wl::core::write_text_atomically(out, j.dump(2) + "\n", o.force);
  if (!o.labels.empty()) write_labels(o.labels, r, detector, o.force);
  if (o.json) std::printf("%s\n", j.dump(2).c_str());
  else print_text(r, o, out);
}

void setup(CLI::App& parent) {
  auto opts = std::make_shared<Options>();
  auto* cmd = parent.add_subcommand(
      "calibrate", "energy calibration, resolution and A/E, DCR, LQ cuts fitted per detector from a feature table");
  cmd->add_option("features", opts->features, "feature table written by `wavelearn dsp` (HDF5)")->required()->check(wl::app::path_given());
  cmd->add_option("-o,--out", opts->out, "calibration and cut parameters as JSON (default FEATURES.calib.json)")->check(wl::app::path_given());
  cmd->add_option("--apply", opts->apply, "re-apply saved parameters (JSON from an earlier run) instead of fitting")->check(wl::app::path_given());
  cmd->add_option("--labels", opts->labels, "write per-event energy_kev, psd_label_* and classifiers (HDF5)")->check(wl::app::path_given());
  cmd->add_flag("--force", opts->force, "overwrite existing output files");
  cmd->add_flag("--json", opts->json, "print the full result as JSON instead of tables");
  cmd->add_flag("--quadratic", opts->quadratic, "quadratic ADC -> keV calibration (needs 4 fitted lines)");
  cmd->add_option("--high-avse", opts->high_avse, "high A/E cut: fixed (+3 sigma) or mirrored (|low cut|)")
      ->check(CLI::IsMember({"fixed", "mirrored"}));
  cmd->callback([opts] { run(*opts); });
}

}  // namespace

WL_REGISTER_COMMAND(calibrate, setup);
