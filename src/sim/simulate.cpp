#include "wavelearn/sim/simulate.hpp"

#include <chrono>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/progress.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/sim/generator.hpp"
#include "wavelearn/sim/labels.hpp"
#include "wavelearn_version.hpp"

namespace wl::sim {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string join(const std::vector<DetectorParams>& dets, double DetectorParams::*field) {
  std::ostringstream os;
  os.precision(8);
  for (std::size_t i = 0; i < dets.size(); ++i) os << (i ? "," : "") << dets[i].*field;
  return os.str();
}

// Per-event truth in columns, kept while the waveforms stream to disk.
struct TruthColumns {
  std::vector<int32_t> tp0, detector, run, n_sites, event_class, process;
  std::vector<int64_t> id;
  std::vector<float> energy, visible, line, drift, spread, delayed, delayed_tau, pileup_offset, pileup_energy;
  std::vector<uint8_t> single_site, pileup;

  explicit TruthColumns(std::size_t n) {
    for (auto* v : {&tp0, &detector, &run, &n_sites, &event_class, &process}) v->reserve(n);
    id.reserve(n);
    for (auto* v : {&energy, &visible, &line, &drift, &spread, &delayed, &delayed_tau, &pileup_offset, &pileup_energy})
      v->reserve(n);
    single_site.reserve(n);
    pileup.reserve(n);
  }
  void add(const EventTruth& t) {
    tp0.push_back(t.tp0);
    detector.push_back(t.detector);
    run.push_back(t.run_number);
    n_sites.push_back(t.n_sites);
    event_class.push_back(static_cast<int32_t>(t.event_class));
    process.push_back(static_cast<int32_t>(t.process));
    id.push_back(t.id);
    energy.push_back(t.energy_kev);
    visible.push_back(t.visible_energy_kev);
    line.push_back(t.line_kev);
    drift.push_back(t.drift_time_ns);
    spread.push_back(t.drift_spread_ns);
    delayed.push_back(t.delayed_fraction);
    delayed_tau.push_back(t.delayed_tau_ns);
    pileup_offset.push_back(t.pileup_offset_ns);
    pileup_energy.push_back(t.pileup_energy_kev);
    single_site.push_back(t.n_sites == 1 ? 1 : 0);
    pileup.push_back(t.pileup ? 1 : 0);
  }
  void write(io::MjdWriter& w) const {
    w.write_field("tp0", tp0);
    w.write_field("detector", detector);
    w.write_field("run_number", run);
    w.write_field("id", id);
    w.write_field("truth_energy_kev", energy);
    w.write_field("truth_visible_energy_kev", visible);
    w.write_field("truth_line_kev", line);
    w.write_field("truth_n_sites", n_sites);
    w.write_field("truth_is_single_site", single_site);
    w.write_field("truth_event_class", event_class);
    w.write_field("truth_process", process);
    w.write_field("truth_drift_time_ns", drift);
    w.write_field("truth_drift_spread_ns", spread);
    w.write_field("truth_delayed_fraction", delayed);
    w.write_field("truth_delayed_tau_ns", delayed_tau);
    w.write_field("truth_pileup", pileup);
    w.write_field("truth_pileup_offset_ns", pileup_offset);
    w.write_field("truth_pileup_energy_kev", pileup_energy);
  }
};

double mean_u8(const std::vector<uint8_t>& v) {
  if (v.empty()) return 0.0;
  std::size_t s = 0;
  for (uint8_t x : v) s += x;
  return static_cast<double>(s) / static_cast<double>(v.size());
}

void write_attributes(io::MjdWriter& w, const Generator& g, const SimulateOptions& o) {
  w.set_attribute("generator", std::string(kGeneratorName));
  w.set_attribute("generator_version", std::string(WL_VERSION));
  w.set_attribute("seed", static_cast<int64_t>(o.seed));
  w.set_attribute("n_events", static_cast<int64_t>(o.n_events));
  w.set_attribute("first_event", static_cast<int64_t>(o.first_event));
  // Read back by every wavelearn reader, so a simulation at another sampling period is
  // never taken for 10 ns data.
  w.set_attribute("sample_period_ns", g.params().sample_period_ns);
  for (const auto& [name, value] : parameter_list(g.params())) w.set_attribute("sim_" + name, value);
  const auto& d = g.detectors();
  w.set_attribute("sim_detector_gain_adc_per_kev", join(d, &DetectorParams::gain_adc_per_kev));
  w.set_attribute("sim_detector_baseline_adc", join(d, &DetectorParams::baseline_adc));
  w.set_attribute("sim_detector_decay_tau_ns", join(d, &DetectorParams::decay_tau_ns));
  w.set_attribute("sim_detector_electronics_tau_ns", join(d, &DetectorParams::electronics_tau_ns));
  w.set_attribute("sim_detector_eps", join(d, &DetectorParams::eps));
  w.set_attribute("sim_detector_white_noise_kev", join(d, &DetectorParams::white_noise_kev));
  w.set_attribute("sim_detector_drift_max_ns", join(d, &DetectorParams::drift_max_ns));
  // The detector-response stage: its name and every key (docs/simulation.md).
  for (const auto& [key, value] : response_attributes(g.params().response))
    w.set_attribute(key == "name" ? std::string("response") : "response_" + key, value);
  w.set_attribute("truth_event_class_codes",
                  std::string("0 bulk single-site, 1 bulk multi-site, 2 near point contact, "
                              "3 surface alpha, 4 transition layer"));
  w.set_attribute("truth_process_codes",
                  std::string("0 full-energy peak, 1 double escape (DEP), 2 single escape (SEP), "
                              "3 Compton, 4 alpha"));
}

}  // namespace

dsp::AnalysisConfig label_analysis_config() {
  dsp::AnalysisConfig c;
  // The real labels were set per detector on the full calibration statistics; one simulated
  // file holds ~1000 Compton events per detector (65k events, 10 detectors), so the
  // continuum minimum is lowered to keep per-detector A/E shapes. The DEP-based
  // normalisation keeps the analysis default: with fewer DEP events one pooled DEP fit
  // (each detector corrected by its own shapes) leaks less multi-site background.
  c.cuts.min_compton_events = 500;
  return c;
}

// A file smaller than this is labelled with calibration and cuts fitted on a separate,
// unwritten calibration run of this many events from the same detectors: per-detector peak
// fits and the 90 % DEP-acceptance cut need release-sized statistics.
constexpr std::size_t kCalibrationRunEvents = 65000;
// The calibration run's events are generator indices from here on, far past any file, so
// they are distinct events of the same detectors (each event's stream is (seed, index)).
constexpr std::size_t kCalibrationFirstIndex = std::size_t{1} << 40;

namespace {

// Between chunks: a requested stop ends the command before anything is renamed into place.
void stop_if_requested(const SimulateOptions& o, const char* phase, std::size_t done, std::size_t total) {
  if (!o.stop_requested || !o.stop_requested()) return;
  throw core::Interrupted("simulate stopped in the " + std::string(phase) + " after " + std::to_string(done) +
                          " of " + std::to_string(total) + " events; " + o.out_path + " not written");
}

// Simulates and analyses a calibration run (features only, nothing written).
dsp::AnalysisResult calibration_run(const Generator& gen, const SimulateOptions& o,
                                    std::size_t n_samples, int threads) {
  const std::size_t chunk = std::max<std::size_t>(1, std::min(o.chunk_events, kCalibrationRunEvents));
  std::vector<float> wf(chunk * n_samples);
  std::vector<EventTruth> truth(chunk);
  std::vector<int32_t> det(chunk);
  Labeller labeller(gen.params().sample_period_ns, n_samples, kCalibrationRunEvents, threads,
                    dsp::ChainConfig{}, label_analysis_config());
  core::Progress progress("calibration run", kCalibrationRunEvents, o.quiet);
  for (std::size_t first = 0; first < kCalibrationRunEvents; first += chunk) {
    const std::size_t count = std::min(chunk, kCalibrationRunEvents - first);
    stop_if_requested(o, "calibration run", first, kCalibrationRunEvents);
    gen.generate(kCalibrationFirstIndex + first, count, wf.data(), truth.data(), threads);
    for (std::size_t i = 0; i < count; ++i) det[i] = truth[i].detector;
    labeller.add_chunk(first, count, wf.data(), det.data());
    progress.update(first + count);
  }
  progress.finish();
  return labeller.finish().analysis;
}

// A file smaller than a calibration run is labelled with the calibration of a separate one.
bool separate_calibration(const SimulateOptions& o) { return o.n_events < kCalibrationRunEvents; }

// Generates every event chunk by chunk: waveforms straight to the writer, truth into the
// columns, features into the labeller (when labelling); counts into the summary.
void generate_all(const Generator& gen, const SimulateOptions& o, int threads, io::MjdWriter& writer,
                  TruthColumns& cols, Labeller& labeller, SimulateSummary& s) {
  const std::size_t n_samples = static_cast<std::size_t>(gen.params().n_samples);
  const std::size_t chunk = std::max<std::size_t>(1, std::min(o.chunk_events, o.n_events));
  std::vector<float> wf(chunk * n_samples);
  std::vector<EventTruth> truth(chunk);
  std::vector<int32_t> det(chunk);
  core::Progress progress("simulate", o.n_events, o.quiet);
  for (std::size_t first = 0; first < o.n_events; first += chunk) {
    const std::size_t count = std::min(chunk, o.n_events - first);
    stop_if_requested(o, "simulation", first, o.n_events);
    const auto t_gen = Clock::now();
    gen.generate(o.first_event + first, count, wf.data(), truth.data(), threads);
    s.generate_seconds += seconds_since(t_gen);
    writer.write_waveforms(first, count, wf.data());
    for (std::size_t i = 0; i < count; ++i) {
      cols.add(truth[i]);
      det[i] = truth[i].detector;
      ++s.class_counts[static_cast<std::size_t>(truth[i].event_class)];
      s.pileup_events += truth[i].pileup ? 1 : 0;
    }
    if (o.label) labeller.add_chunk(first, count, wf.data(), det.data());
    progress.update(first + count);
  }
  progress.finish();
}

// Labels from the file's own events, or (for a file too small to calibrate) with the
// calibration and cuts of a separate calibration run.
LabelResult finish_labels(Labeller& labeller, const Generator& gen, const SimulateOptions& o, int threads) {
  const std::size_t n_samples = static_cast<std::size_t>(gen.params().n_samples);
  try {
    return separate_calibration(o) ? labeller.finish_with(calibration_run(gen, o, n_samples, threads))
                                   : labeller.finish();
  } catch (const core::InputError& e) {
    throw core::InputError(std::string("simulate: labelling ") + std::to_string(o.n_events) +
                           " events failed (simulate more events, fewer detectors, or --no-labels): " + e.what());
  }
}

// energy_label and psd_label_* fields, and how they were made (attributes).
void write_labels(io::MjdWriter& writer, const LabelResult& lab, const SimulateOptions& o,
                  const dsp::ChainConfig& chain) {
  writer.write_field("energy_label", lab.energy_kev);
  writer.write_field("psd_label_low_avse", lab.low_avse);
  writer.write_field("psd_label_high_avse", lab.high_avse);
  writer.write_field("psd_label_dcr", lab.dcr);
  writer.write_field("psd_label_lq", lab.lq);
  writer.set_attribute("labels", std::string("wavelearn DSP chain + calibration analysis (dsp::analyse): low A/E at "
                                             "90 % DEP acceptance, DCR and LQ at 99 %, high A/E symmetric"));
  writer.set_attribute("labels_calibrated_on",
                       separate_calibration(o)
                           ? "a separate calibration run of " + std::to_string(kCalibrationRunEvents) +
                                 " events of the same detectors (generator indices from 2^40), not written"
                           : std::string("this file's own events"));
  writer.set_attribute("dsp_chain_config", dsp::chain_config_json(chain));
  nlohmann::json analysis = dsp::to_json(lab.analysis);
  nlohmann::json taus = nlohmann::json::object();
  for (const auto& [d, tau] : lab.tau_ns_by_detector) taus[std::to_string(d)] = tau;
  analysis["tau_ns_by_detector"] = taus;
  writer.set_attribute("analysis", analysis.dump());
}

// Pass fractions, survival and resolution lines and notes of the labels for the summary.
void summarise_labels(const LabelResult& lab, SimulateSummary& s) {
  s.labelled = true;
  s.pass_low_avse = mean_u8(lab.low_avse);
  s.pass_high_avse = mean_u8(lab.high_avse);
  s.pass_dcr = mean_u8(lab.dcr);
  s.pass_lq = mean_u8(lab.lq);
  char line[256];
  for (const auto& r : lab.analysis.summary.survival) {
    std::snprintf(line, sizeof line, "%-8s %7.1f-%7.1f keV  %8.0f events  low A/E %5.1f %%  high A/E %5.1f %%  DCR %5.1f %%  LQ %5.1f %%",
                  r.region.c_str(), r.lo_kev, r.hi_kev, r.events, 100 * r.low_avse, 100 * r.high_avse, 100 * r.dcr,
                  100 * r.lq);
    s.survival_lines.emplace_back(line);
  }
  for (const auto& r : lab.analysis.summary.resolution) {
    std::snprintf(line, sizeof line, "FWHM at %7.1f keV: %.2f +- %.2f keV (centroid %.2f)", r.energy_kev, r.fwhm_kev,
                  r.fwhm_err_kev, r.centroid_kev);
    s.resolution_lines.emplace_back(line);
  }
  s.notes = lab.analysis.summary.notes;
}

}  // namespace

SimulateSummary simulate_to_file(const SimulateOptions& o) {
  const auto t_start = Clock::now();
  if (o.out_path.empty()) throw core::InputError("simulate: no output path");
  if (o.n_events == 0) throw core::InputError("simulate: --events must be > 0");
  core::refuse_overwrite(o.out_path, o.force);
  if (o.first_event >= kCalibrationFirstIndex - o.n_events)
    throw core::InputError("simulate: --first-event must be below " + std::to_string(kCalibrationFirstIndex - o.n_events) +
                           " (event indices from 2^40 belong to the calibration run)");
  const Generator gen(o.params, o.seed, o.n_events, o.first_event);
  const SimParams& p = gen.params();
  const std::size_t n_samples = static_cast<std::size_t>(p.n_samples);
  const int threads = core::resolve_threads(o.threads);

  io::MjdWriterOptions wo;
  wo.force = o.force;
  io::MjdWriter writer(o.out_path, o.n_events, n_samples, wo);
  TruthColumns cols(o.n_events);
  Labeller labeller(p.sample_period_ns, n_samples, o.label ? o.n_events : 0, threads, dsp::ChainConfig{},
                    label_analysis_config());
  SimulateSummary s;
  s.n_events = o.n_events;
  s.threads = threads;
  s.response = p.response.name;
  generate_all(gen, o, threads, writer, cols, labeller, s);
  cols.write(writer);
  write_attributes(writer, gen, o);
  if (o.label) {
    const LabelResult lab = finish_labels(labeller, gen, o, threads);
    write_labels(writer, lab, o, labeller.chain_config());
    summarise_labels(lab, s);
  }
  stop_if_requested(o, "labelling", o.n_events, o.n_events);
  writer.commit();
  s.total_seconds = seconds_since(t_start);
  return s;
}

std::string format_summary(const SimulateSummary& s, const std::string& out_path) {
  std::ostringstream os;
  char line[256];
  std::snprintf(line, sizeof line, "wrote %zu events to %s in %.2f s (%.0f waveforms/s on %d threads; raw generation %.0f waveforms/s per core)\n",
                s.n_events, out_path.c_str(), s.total_seconds, s.waveforms_per_second(), s.threads,
                s.generation_rate_per_core());
  os << line;
  os << "detector response: " << s.response << "\n";
  os << "event classes (truth_event_class):\n";
  for (int c = 0; c < kNumEventClasses; ++c) {
    const std::size_t n = s.class_counts[static_cast<std::size_t>(c)];
    std::snprintf(line, sizeof line, "  %d %-20s %8zu (%5.2f %%)\n", c, event_class_name(static_cast<EventClass>(c)), n,
                  s.n_events ? 100.0 * static_cast<double>(n) / static_cast<double>(s.n_events) : 0.0);
    os << line;
  }
  if (s.pileup_events) os << "  pile-up events: " << s.pileup_events << "\n";
  if (s.labelled) {
    std::snprintf(line, sizeof line, "label pass fractions: low A/E %.3f  high A/E %.3f  DCR %.3f  LQ %.3f\n",
                  s.pass_low_avse, s.pass_high_avse, s.pass_dcr, s.pass_lq);
    os << line;
    for (const auto& l : s.survival_lines) os << "  " << l << "\n";
    for (const auto& l : s.resolution_lines) os << "  " << l << "\n";
    for (const auto& l : s.notes) os << "  note: " << l << "\n";
  } else {
    os << "no labels (--no-labels)\n";
  }
  return os.str();
}

}  // namespace wl::sim
