// `wavelearn generate`: a generator run -> a waveform file in the MJD release layout, so
// that inspect, dsp, train and evaluate read it as they read real files.
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "gen_run.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/run/record.hpp"
#include "wavelearn/run/run_dir.hpp"

namespace wl::gen {

using core::InputError;

namespace {

constexpr int64_t kChunk = 1024;                   // events sampled and written at a time
constexpr double kMaxOutputBytes = 64.0 * (1ull << 30);  // a file no disk here holds
constexpr uint64_t kRenderStream = 1ull << 40;     // render draws, apart from the plan's

struct Loaded {
  RenderModel render;
  std::vector<double> noise_rms_adc;  // per detector slot: its library's rms
  detail::GeneratorInfo info;
  std::unique_ptr<GeneratorModel> model;
};

Loaded open_generator(const std::filesystem::path& run_dir) {
  const auto dir = run::RunDir::open_existing(run_dir);
  const auto rec = run::read_run_record(dir);
  if (rec.family != "generator")
    throw InputError(run_dir.string() + " is a " + rec.family + " run (model.type = " + rec.model_type +
                     "), not a generator: train one with e.g. --config configs/vae.toml");
  if (rec.model_type == "cyclegan")
    throw InputError(run_dir.string() + " is a translation run (model.type = cyclegan): use `wavelearn translate " +
                     "--model RUN --data FILE --out OUT`");
  Loaded l;
  l.info = detail::read_generator_info(run_dir);
  l.render = load_render_model(run_dir);
  for (const auto& d : l.render.detectors) l.noise_rms_adc.push_back(noise_rms_adc(d));
  l.model = make_generator(l.info.spec);
  l.model->load_state(detail::load_state_file(run_dir / "model.pt").tensors);
  return l;
}

// What each generated event is: its energy, detector slot, topology, rise start, id, run.
struct Plan {
  std::vector<double> energy_kev;
  std::vector<int> slot, topology;
  std::vector<int64_t> tp0, id, run;
  int64_t clamped = 0;  // energies outside the trained range, conditioned at its edge
  std::size_t size() const { return energy_kev.size(); }
};

int draw_slot(const RenderModel& m, core::Rng& rng) {
  int64_t total = 0;
  for (const auto& d : m.detectors) total += d.fit_events;
  auto u = static_cast<int64_t>(rng.below(static_cast<uint64_t>(std::max<int64_t>(1, total))));
  for (std::size_t s = 0; s < m.detectors.size(); ++s)
    if ((u -= m.detectors[s].fit_events) < 0) return static_cast<int>(s);
  return 0;
}

int requested_slot(const RenderModel& m, int64_t detector) {
  const int s = m.detector_slot(detector);
  if (s < 0) {
    std::string known;
    for (const auto& d : m.detectors) known += (known.empty() ? "" : ", ") + std::to_string(d.detector);
    throw InputError("--detector " + std::to_string(detector) + ": not a detector of the training events (" + known +
                     ")");
  }
  return s;
}

// Energies from --energy-kev or the training spectrum; detectors and topology drawn.
void plan_drawn(const GenerateOptions& o, const RenderModel& m, Plan& p) {
  if (std::isfinite(o.energy_kev) && (o.energy_kev < m.energy_min_kev || o.energy_kev > m.energy_max_kev))
    throw InputError("--energy-kev " + std::to_string(o.energy_kev) + ": outside the trained range " +
                     std::to_string(m.energy_min_kev) + " to " + std::to_string(m.energy_max_kev) + " keV");
  const int fixed_slot = o.detector >= 0 ? requested_slot(m, o.detector) : -1;
  for (int64_t i = 0; i < o.events; ++i) {
    core::Rng rng(o.seed, static_cast<uint64_t>(i));
    const double e = std::isfinite(o.energy_kev)
                         ? o.energy_kev
                         : m.energy_samples_kev[rng.below(m.energy_samples_kev.size())];
    p.energy_kev.push_back(e);
    p.slot.push_back(fixed_slot >= 0 ? fixed_slot : draw_slot(m, rng));
    p.topology.push_back(rng.uniform() < m.single_site_probability(e) ? 1 : 0);
    p.tp0.push_back(-1);
    p.id.push_back(i);
    p.run.push_back(0);
  }
}

std::vector<double> field_or_empty(io::WaveformReader& r, const std::string& name) {
  return !name.empty() && r.has_field(name) ? r.read_scalar(name) : std::vector<double>{};
}

// Event i of the reference file -> event i of the output: its energy, detector, topology,
// tp0, id and run (each where the file has it, else drawn as without a reference).
void plan_reference(const GenerateOptions& o, const RenderModel& m, Plan& p) {
  auto r = io::open_reader(o.energy_from);
  const auto& f = r->fields();
  if (f.energy.empty() || !r->has_field(f.energy))
    throw InputError(o.energy_from + ": no energy field ('" + f.energy + "') to draw energies from (--energy-from)");
  const int64_t n = o.events > 0 ? o.events : static_cast<int64_t>(r->n_events());
  if (n > static_cast<int64_t>(r->n_events()) || n == 0)
    throw InputError("--events " + std::to_string(n) + ": --energy-from " + o.energy_from + " has " +
                     std::to_string(r->n_events()) + " events");
  const auto e = r->read_scalar(f.energy);
  const auto det = field_or_empty(*r, f.detector), tp0 = field_or_empty(*r, f.tp0);
  const auto ids = field_or_empty(*r, f.id), runs = field_or_empty(*r, f.run);
  const auto topo = field_or_empty(*r, m.topology_field);
  for (int64_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    core::Rng rng(o.seed, static_cast<uint64_t>(i));
    if (!std::isfinite(e[k]) || e[k] <= 0)
      throw InputError(o.energy_from + ": " + f.energy + " of event " + std::to_string(i) + " is not a positive energy");
    p.energy_kev.push_back(e[k]);
    p.clamped += e[k] < m.energy_min_kev || e[k] > m.energy_max_kev ? 1 : 0;
    const int s = det.empty() ? -1 : m.detector_slot(std::llround(det[k]));
    p.slot.push_back(o.detector >= 0 ? requested_slot(m, o.detector) : (s >= 0 ? s : draw_slot(m, rng)));
    const bool ss = topo.empty() ? rng.uniform() < m.single_site_probability(e[k]) : topo[k] > 0.5;
    p.topology.push_back(ss ? 1 : 0);
    p.tp0.push_back(tp0.empty() ? -1 : std::llround(tp0[k]));
    p.id.push_back(ids.empty() ? i : std::llround(ids[k]));
    p.run.push_back(runs.empty() ? 0 : std::llround(runs[k]));
  }
}

// Rise start and baseline level of event i (the plan's tp0 where it fits the window).
RenderRequest request_for(const RenderModel& m, const Plan& p, std::size_t i, core::Rng& rng) {
  RenderRequest r;
  r.energy_kev = p.energy_kev[i];
  r.slot = p.slot[i];
  const int64_t lo = m.pre_samples + 64, hi = m.trace_samples - m.window_samples + m.pre_samples;
  r.tp0 = p.tp0[i] >= lo && p.tp0[i] <= hi ? p.tp0[i]
                                           : std::llround(m.tp0_samples[rng.below(m.tp0_samples.size())]);
  const auto& levels = m.detectors[static_cast<std::size_t>(r.slot)].baselines_adc;
  r.baseline_adc = levels[rng.below(levels.size())];
  return r;
}

// Each event's library noise rms over its pulse height (gain x energy): the noise of its
// normalised shape, which the denoising sampler removes (generate.noise = "denoised").
torch::Tensor noise_in_shape_units(const Loaded& l, const Plan& p, std::size_t first, std::size_t count) {
  const auto& m = l.render;
  auto sigma = torch::empty({static_cast<int64_t>(count)}, torch::kFloat);
  auto a = sigma.accessor<float, 1>();
  for (std::size_t k = 0; k < count; ++k) {
    const auto slot = static_cast<std::size_t>(p.slot[first + k]);
    const double e = std::clamp(p.energy_kev[first + k], m.energy_min_kev, m.energy_max_kev);
    a[static_cast<int64_t>(k)] = static_cast<float>(l.noise_rms_adc[slot] / (m.detectors[slot].gain_adc_per_kev * e));
  }
  return sigma;
}

// Samples and renders events [first, first + count) into out (count x trace_samples).
void generate_chunk(Loaded& l, const Plan& p, const GenerateOptions& o, std::size_t first, std::size_t count,
                    std::vector<float>& out, std::vector<int32_t>& tp0_out) {
  const auto& m = l.render;
  std::vector<float> cond;
  for (std::size_t i = first; i < first + count; ++i) {
    const double e = std::clamp(p.energy_kev[i], m.energy_min_kev, m.energy_max_kev);
    const auto c = m.condition_row(e, p.slot[i], p.topology[i]);
    cond.insert(cond.end(), c.begin(), c.end());
  }
  const auto C = m.conditions();
  const auto ct = torch::from_blob(cond.data(), {static_cast<int64_t>(count), C}, torch::kFloat);
  const auto seed = detail::step_seed(o.seed, -2, static_cast<int64_t>(first));
  const bool denoised = l.info.noise == "denoised";
  const auto shapes = (denoised ? l.model->sample_denoised(ct, noise_in_shape_units(l, p, first, count), seed)
                                : l.model->sample(ct, seed))
                          .contiguous();
  const float* s = shapes.data_ptr<float>();
  const auto n = static_cast<std::size_t>(m.trace_samples), L = static_cast<std::size_t>(m.window_samples);
  out.resize(count * n);
  core::parallel_for(count, core::resolve_threads(o.threads), [&](std::size_t b, std::size_t e, int) {
    std::vector<float> shape(L);
    for (std::size_t k = b; k < e; ++k) {
      core::Rng rng(o.seed + kRenderStream, first + k);
      auto r = request_for(m, p, first + k, rng);
      r.window_noise = l.info.noise != "model";
      tp0_out[first + k] = static_cast<int32_t>(r.tp0);
      std::copy(s + k * L, s + (k + 1) * L, shape.begin());
      restore_baseline(shape.data(), m.window_samples, m.pre_samples);
      render_trace(m, shape.data(), r, rng, out.data() + k * n);
    }
  });
}

template <class T, class U>
std::vector<T> as(const std::vector<U>& v) {
  return std::vector<T>(v.begin(), v.end());
}

// The release's per-event fields, and the attributes that say where the file came from.
// No psd_label_*: those are the cuts' verdicts on real pulses; truth_is_single_site is the
// topology each pulse was conditioned on (when the run conditions on one).
void write_fields(io::MjdWriter& w, const Loaded& l, const Plan& p, const std::vector<int32_t>& tp0,
                  const GenerateOptions& o) {
  w.write_field("energy_label", as<float>(p.energy_kev));
  w.write_field("tp0", tp0);
  std::vector<int32_t> det;
  for (auto s : p.slot) det.push_back(static_cast<int32_t>(l.render.detectors[static_cast<std::size_t>(s)].detector));
  w.write_field("detector", det);
  w.write_field("run_number", as<int32_t>(p.run));
  w.write_field("id", p.id);
  if (!l.render.topology_field.empty()) w.write_field("truth_is_single_site", as<uint8_t>(p.topology));
  w.set_attribute("generator", std::string("wavelearn-generate"));
  w.set_attribute("generator_run", std::filesystem::absolute(o.model).lexically_normal().string());
  w.set_attribute("generator_model", l.info.spec.type);
  w.set_attribute("generator_noise", l.info.noise);
  w.set_attribute("seed", static_cast<int64_t>(o.seed));
  w.set_attribute("n_events", static_cast<int64_t>(p.size()));
  w.set_attribute("sample_period_ns", l.render.sample_period_ns);
  if (!o.energy_from.empty()) w.set_attribute("energy_from", o.energy_from);
}

}  // namespace

GenerateSummary generate_file(const GenerateOptions& o) {
  at::set_num_threads(core::resolve_threads(o.threads));
  auto l = open_generator(o.model);
  if (!o.noise.empty()) {
    detail::check_noise_choice(l.info.spec.type, o.noise, "--noise");
    l.info.noise = o.noise;
  }
  Plan p;
  if (o.energy_from.empty())
    plan_drawn(o, l.render, p);
  else
    plan_reference(o, l.render, p);
  const auto n = static_cast<std::size_t>(l.render.trace_samples);
  if (static_cast<double>(p.size()) * static_cast<double>(n) * 4.0 > kMaxOutputBytes)
    throw InputError("--events " + std::to_string(p.size()) + ": the file would exceed 64 GiB");
  io::MjdWriterOptions wo;
  wo.force = o.force;
  io::MjdWriter w(o.out.string(), p.size(), n, wo);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<float> buf;
  std::vector<int32_t> tp0(p.size());
  for (std::size_t first = 0; first < p.size(); first += kChunk) {
    const std::size_t count = std::min<std::size_t>(kChunk, p.size() - first);
    generate_chunk(l, p, o, first, count, buf, tp0);
    w.write_waveforms(first, count, buf.data());
    if (!o.quiet) std::fprintf(stderr, "\rgenerated %zu / %zu", first + count, p.size());
  }
  if (!o.quiet) std::fprintf(stderr, "\n");
  write_fields(w, l, p, tp0, o);
  w.commit();
  GenerateSummary s;
  s.events = static_cast<int64_t>(p.size());
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.waveforms_per_s = s.seconds > 0 ? static_cast<double>(p.size()) / s.seconds : 0.0;
  char buf2[512];
  std::snprintf(buf2, sizeof buf2, "generated %zu waveforms (%s, %lld samples) into %s in %.2f s (%.0f waveforms/s)\n",
                p.size(), l.info.spec.type.c_str(), static_cast<long long>(n), o.out.string().c_str(), s.seconds,
                s.waveforms_per_s);
  s.text = buf2;
  if (p.clamped > 0)
    s.text += "note: " + std::to_string(p.clamped) + " reference energies lie outside the trained range; their " +
              "shapes are conditioned on its nearest edge\n";
  return s;
}

}  // namespace wl::gen
