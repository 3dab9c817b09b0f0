// `wavelearn translate --fit-response`: read a sample of each file, fit the response, stream
// the source through it chunk by chunk into an MJD-layout file, record the fit.
#include "wavelearn/sim/response_translate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/io/field_copy.hpp"
#include "wavelearn/io/mjd_writer.hpp"

namespace wl::sim {

namespace {

using core::InputError;

constexpr std::size_t kChunk = 2048;  // events read, translated and written at a time

std::unique_ptr<io::WaveformReader> open_file(const std::filesystem::path& p, const char* role) {
  auto r = io::open_reader(p.string());
  if (r->n_events() == 0 || r->n_samples() == 0)
    throw InputError("translate --fit-response: " + std::string(role) + " " + p.string() + " holds no waveforms");
  return r;
}

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// The fitted stage, the channels and the W1 table, as printed.
std::string describe(const ResponseFit& fit, std::size_t n_source, std::size_t n_target) {
  const auto& st = fit.fitted.stage;
  std::string s = "fitted response (" + std::to_string(n_source) + " source, " + std::to_string(n_target) +
                  " target records, " + fmt("%.1f", fit.seconds) + " s):\n";
  for (const auto& [key, value] : response_attributes(st))
    if (key != "decay_tau_min_ns" && key != "decay_tau_max_ns" && key != "trapping_per_us" && key != "pileup_fraction")
      s += "  response." + key + " = " + value + "\n";
  s += "  per detector: decay constant source -> target (us), gain ratio, pedestal shift (ADC)\n";
  for (const auto& [d, c] : fit.fitted.channels)
    s += "    " + std::to_string(d) + ": " + fmt("%.1f", c.tau_source_ns * 1e-3) + " -> " +
         fmt("%.1f", c.tau_target_ns * 1e-3) + ", " + fmt("%.4f", c.gain_ratio) + ", " +
         fmt("%+.1f", c.pedestal_shift_adc) + "\n";
  s += "  W1 to the target on the fit samples, before -> after:\n";
  for (const auto& d : fit.distances)
    s += "    " + d.feature + std::string(d.feature.size() < 26 ? 26 - d.feature.size() : 1, ' ') +
         fmt("%.4g", d.before) + " -> " + fmt("%.4g", d.after) + " " + d.unit + " (" +
         fmt("%.1fx", d.after > 0 ? d.before / d.after : NAN) + ")\n";
  for (const auto& n : fit.notes) s += "  note: " + n + "\n";
  return s;
}

// Events [first, first + count) of the source through the fitted response.
void translate_chunk(io::WaveformReader& r, const ResponseFit& fit, const std::vector<long long>& detector,
                     const FitTranslateOptions& o, std::size_t first, std::size_t count, std::vector<float>& buf) {
  const std::size_t n = r.n_samples();
  buf.resize(count * n);
  r.read_window(first, count, 0, n, buf.data());
  const double dt = r.sample_period_ns();
  core::parallel_for(count, core::resolve_threads(o.threads), [&](std::size_t b, std::size_t e, int) {
    for (std::size_t k = b; k < e; ++k) {
      core::Rng rng(o.seed, first + k);
      apply_fitted_response(fit.fitted, detector[first + k], dt, rng, buf.data() + k * n, n);
    }
  });
}

std::vector<long long> detectors_of(io::WaveformReader& r) {
  std::vector<long long> out(r.n_events(), 0);
  const auto& field = r.fields().detector;
  if (field.empty() || !r.has_field(field)) return out;
  const auto v = r.read_scalar(field);
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = io::detector_number(v[i], r.path(), field, i);
  return out;
}

void write_attributes(io::MjdWriter& w, const FitTranslateOptions& o, const io::WaveformReader& r,
                      const ResponseFit& fit, const std::string& record) {
  w.set_attribute("generator", std::string("wavelearn-translate"));
  w.set_attribute("translation_model", std::string("fitted-response"));
  w.set_attribute("translated_from", std::filesystem::absolute(o.data).lexically_normal().string());
  w.set_attribute("translation_target", std::filesystem::absolute(o.target).lexically_normal().string());
  w.set_attribute("translated_events", static_cast<int64_t>(r.n_events()));
  w.set_attribute("seed", static_cast<int64_t>(o.seed));
  w.set_attribute("n_events", static_cast<int64_t>(r.n_events()));
  w.set_attribute("sample_period_ns", r.sample_period_ns());
  w.set_attribute("response", std::string("fitted"));
  for (const auto& [key, value] : response_attributes(fit.fitted.stage)) w.set_attribute("response_" + key, value);
  w.set_attribute("response_fit", record);
}

}  // namespace

std::filesystem::path fit_record_path(const std::filesystem::path& out) {
  return out.parent_path() / (out.stem().string() + ".response-fit.json");
}

RecordSample read_record_sample(io::WaveformReader& r, std::size_t max_records) {
  RecordSample s;
  s.path = r.path();
  s.dt_ns = r.sample_period_ns();
  s.n_samples = r.n_samples();
  const std::size_t total = r.n_events(), k = std::min(max_records, total);
  for (std::size_t i = 0; i < k; ++i) s.events.push_back(i * total / k);
  s.records.resize(k * s.n_samples);
  io::read_events(r, s.events, 0, s.n_samples, s.records.data());
  const auto all = detectors_of(r);
  for (const auto e : s.events) s.detector.push_back(all[e]);
  const auto& ef = r.fields().energy;
  if (!ef.empty() && r.has_field(ef)) {
    const auto energy = r.read_scalar(ef);
    for (const auto e : s.events) s.energy_kev.push_back(energy[e]);
  }
  return s;
}

FitTranslateSummary translate_with_fitted_response(const FitTranslateOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  FitTranslateSummary sum;
  sum.record = fit_record_path(o.out);
  core::check_output_file(o.out, o.force, {o.data, o.target});
  core::check_output_file(sum.record, o.force, {o.data, o.target});
  auto src = open_file(o.data, "source");
  auto tgt = open_file(o.target, "target");
  FitSettings fs;
  fs.seed = o.seed;
  fs.threads = o.threads;
  sum.fit = fit_response(read_record_sample(*src, o.fit_events), read_record_sample(*tgt, o.fit_events), fs);
  const std::string record = response_fit_json(sum.fit);
  const auto detector = detectors_of(*src);
  io::MjdWriterOptions wo;
  wo.force = o.force;
  io::MjdWriter w(o.out.string(), src->n_events(), src->n_samples(), wo);
  std::vector<float> buf;
  for (std::size_t first = 0; first < src->n_events(); first += kChunk) {
    const std::size_t count = std::min(kChunk, src->n_events() - first);
    translate_chunk(*src, sum.fit, detector, o, first, count, buf);
    w.write_waveforms(first, count, buf.data());
    if (!o.quiet) std::fprintf(stderr, "\rtranslated %zu / %zu", first + count, src->n_events());
  }
  if (!o.quiet) std::fprintf(stderr, "\n");
  io::copy_fields(w, *src);
  write_attributes(w, o, *src, sum.fit, record);
  w.commit();
  core::write_text_atomically(sum.record, record, o.force);
  sum.events = static_cast<std::int64_t>(src->n_events());
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sum.text = describe(sum.fit, std::min(o.fit_events, src->n_events()), std::min(o.fit_events, tgt->n_events())) +
             "translated " + std::to_string(sum.events) + " waveforms into " + o.out.string() + " in " +
             fmt("%.1f", sum.seconds) + " s; the fit: " + sum.record.string() + "\n";
  return sum;
}

}  // namespace wl::sim
