// `wavelearn translate`: a simulated file through a CycleGAN run's source -> target
// translator, written in the MJD release layout with every per-event field of the input.
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "gen_run.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/io/field_copy.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::gen {

using core::InputError;

namespace {

constexpr std::size_t kChunk = 2048;  // events prepared, translated and written at a time
constexpr int64_t kBatch = 512;       // shapes per translator call

struct Translator {
  RenderModel source, target;
  detail::GeneratorInfo info;
  std::unique_ptr<GeneratorModel> model;
};

Translator open_translator(const std::filesystem::path& run_dir) {
  const auto dir = run::RunDir::open_existing(run_dir);
  const auto rec = run::read_run_record(dir);
  if (rec.family != "generator" || rec.model_type != "cyclegan")
    throw InputError(run_dir.string() + " is a " + rec.family + " run (model.type = " + rec.model_type +
                     "), not a translation run: train one with --config configs/cyclegan.toml");
  Translator t;
  t.info = detail::read_generator_info(run_dir);
  t.source = load_render_model(run_dir);
  t.target = load_render_model(run_dir / "target");
  t.model = make_generator(t.info.spec);
  t.model->load_state(detail::load_state_file(run_dir / "model.pt").tensors);
  return t;
}

// The input must be on the grid the run was trained on (the window is cut in samples).
void check_input(io::WaveformReader& r, const RenderModel& m) {
  const double p = r.sample_period_ns();
  if (static_cast<int64_t>(r.n_samples()) != m.trace_samples ||
      std::fabs(p - m.sample_period_ns) > 1e-9 * std::max(p, m.sample_period_ns))
    throw InputError("translate: " + r.path() + " has " + std::to_string(r.n_samples()) + " samples of " +
                     std::to_string(p) + " ns; the run was trained on " + std::to_string(m.trace_samples) +
                     " samples of " + std::to_string(m.sample_period_ns) + " ns");
  if (r.fields().energy.empty() || !r.has_field(r.fields().energy))
    throw InputError("translate: " + r.path() + ": no energy field ('" + r.fields().energy +
                     "'): shapes are scaled by energy x gain");
}

torch::Tensor translate_shapes(GeneratorModel& model, const PreparedShapes& p, int64_t L, int64_t C) {
  const auto t = detail::to_tensors(p, L, C);
  std::vector<torch::Tensor> out;
  for (int64_t b = 0; b < t.x.size(0); b += kBatch) {
    const int64_t len = std::min(kBatch, t.x.size(0) - b);
    out.push_back(model.translate(t.x.narrow(0, b, len), t.c.narrow(0, b, len)));
  }
  return out.empty() ? torch::zeros({0, L}) : torch::cat(out).contiguous();
}

// The window's preamplifier decay from the source detector's constant to the target's, from
// the rise on: the render continues the tail with the target's constant, and a window that
// kept the source's slower decay would meet it with a kink that the DSP's pole-zero
// correction (fitted on the tail) turns into a rising plateau.
void swap_decay(float* shape, int64_t L, int64_t pre, double tau_source, double tau_target) {
  const double rate = (std::isfinite(tau_source) ? 1.0 / tau_source : 0.0) -
                      (std::isfinite(tau_target) ? 1.0 / tau_target : 0.0);
  for (int64_t i = pre + 1; i < L; ++i) shape[i] = static_cast<float>(shape[i] * std::exp(static_cast<double>(i - pre) * rate));
}

// Events [first, first + count): the raw traces, the modelled ones re-rendered from their
// translated window with the target's baseline level, tail and noise. Returns how many
// were translated.
std::size_t translate_chunk(Translator& t, io::WaveformReader& r, const TranslateOptions& o, std::size_t first,
                            std::size_t count, const std::vector<double>& det, std::vector<float>& out) {
  const auto n = static_cast<std::size_t>(t.source.trace_samples), L = static_cast<std::size_t>(t.source.window_samples);
  out.resize(count * n);
  r.read_window(first, count, 0, n, out.data());
  std::vector<std::size_t> events(count);
  for (std::size_t k = 0; k < count; ++k) events[k] = first + k;
  const auto p = prepare_shapes(r, events, t.source);
  if (p.size() == 0) return 0;
  const auto shapes = translate_shapes(*t.model, p, t.source.window_samples, t.source.conditions());
  const auto tp0 = event_tp0(r, p.events);
  const auto e = r.read_scalar(r.fields().energy, first, count);
  std::vector<uint8_t> done(p.size(), 0);
  float* s = shapes.data_ptr<float>();
  core::parallel_for(p.size(), core::resolve_threads(o.threads), [&](std::size_t b, std::size_t end, int) {
    for (std::size_t k = b; k < end; ++k) {
      const std::size_t i = p.events[k];
      const int slot = det.empty() ? 0 : t.target.detector_slot(std::llround(det[i]));
      if (slot < 0 || t.target.detectors.empty()) continue;  // a detector the target did not hold
      core::Rng rng(o.seed, i);
      RenderRequest q;
      q.energy_kev = e[i - first];
      q.slot = slot;
      q.tp0 = tp0[k];
      const auto& target = t.target.detectors[static_cast<std::size_t>(slot)];
      q.baseline_adc = target.baselines_adc[rng.below(target.baselines_adc.size())];
      q.window_noise = t.info.noise == "library";
      const int src = t.source.detector_slot(det.empty() ? t.source.detectors.front().detector : std::llround(det[i]));
      swap_decay(s + k * L, t.source.window_samples, t.source.pre_samples,
                 t.source.detectors[static_cast<std::size_t>(src)].tau_samples, target.tau_samples);
      render_trace(t.target, s + k * L, q, rng, out.data() + (i - first) * n);
      done[k] = 1;
    }
  });
  return static_cast<std::size_t>(std::count(done.begin(), done.end(), uint8_t{1}));
}

void write_fields(io::MjdWriter& w, io::WaveformReader& r, const Translator& t, const TranslateOptions& o,
                  std::size_t translated) {
  io::copy_fields(w, r);
  w.set_attribute("generator", std::string("wavelearn-translate"));
  w.set_attribute("translation_run", std::filesystem::absolute(o.model).lexically_normal().string());
  w.set_attribute("translation_model", t.info.spec.type);
  w.set_attribute("translated_from", std::filesystem::absolute(o.data).lexically_normal().string());
  w.set_attribute("translated_events", static_cast<int64_t>(translated));
  w.set_attribute("seed", static_cast<int64_t>(o.seed));
  w.set_attribute("n_events", static_cast<int64_t>(r.n_events()));
  w.set_attribute("sample_period_ns", t.source.sample_period_ns);
}

}  // namespace

TranslateSummary translate_file(const TranslateOptions& o) {
  at::set_num_threads(core::resolve_threads(o.threads));
  auto t = open_translator(o.model);
  auto r = io::open_reader(o.data.string());
  check_input(*r, t.source);
  const auto& df = r->fields().detector;
  const auto det = !df.empty() && r->has_field(df) ? r->read_scalar(df) : std::vector<double>{};
  io::MjdWriterOptions wo;
  wo.force = o.force;
  io::MjdWriter w(o.out.string(), r->n_events(), r->n_samples(), wo);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<float> buf;
  std::size_t translated = 0;
  for (std::size_t first = 0; first < r->n_events(); first += kChunk) {
    const std::size_t count = std::min(kChunk, r->n_events() - first);
    translated += translate_chunk(t, *r, o, first, count, det, buf);
    w.write_waveforms(first, count, buf.data());
    if (!o.quiet) std::fprintf(stderr, "\rtranslated %zu / %zu", first + count, r->n_events());
  }
  if (!o.quiet) std::fprintf(stderr, "\n");
  write_fields(w, *r, t, o, translated);
  w.commit();
  TranslateSummary s;
  s.events = static_cast<int64_t>(r->n_events());
  s.translated = static_cast<int64_t>(translated);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  char line[512];
  std::snprintf(line, sizeof line, "translated %lld of %lld waveforms into %s in %.2f s\n",
                static_cast<long long>(s.translated), static_cast<long long>(s.events), o.out.string().c_str(),
                s.seconds);
  s.text = line;
  if (s.translated < s.events)
    s.text += "note: " + std::to_string(s.events - s.translated) + " events are copied unchanged (energy outside " +
              "the trained range, no full window, or a detector the target does not hold)\n";
  return s;
}

}  // namespace wl::gen
