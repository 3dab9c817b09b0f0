// Shapes back to ADC traces (baseline + gain x energy x shape + tail + library noise), the
// conditions of an event, and the RenderModel's files in a run directory.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/processors.hpp"
#include "wavelearn/gen/prepare.hpp"

namespace wl::gen {

using core::InputError;

int64_t RenderModel::conditions() const {
  return 1 + (topology_field.empty() ? 0 : 1) + (condition_detector ? static_cast<int64_t>(detectors.size()) : 0);
}

int RenderModel::detector_slot(int64_t detector) const {
  for (std::size_t s = 0; s < detectors.size(); ++s)
    if (detectors[s].detector == detector) return static_cast<int>(s);
  return -1;
}

std::vector<float> RenderModel::condition_row(double energy_kev, int slot, int topology) const {
  std::vector<float> c;
  c.push_back(static_cast<float>(energy_kev / energy_scale_kev));
  if (!topology_field.empty()) c.push_back(static_cast<float>(topology));
  if (condition_detector)
    for (std::size_t s = 0; s < detectors.size(); ++s) c.push_back(static_cast<int>(s) == slot ? 1.0f : 0.0f);
  return c;
}

double RenderModel::single_site_probability(double energy_kev) const {
  if (single_site_fraction.empty() || !(energy_max_kev > energy_min_kev)) return 0.5;
  const auto bins = static_cast<double>(single_site_fraction.size());
  const double u = std::clamp((energy_kev - energy_min_kev) / (energy_max_kev - energy_min_kev), 0.0, 1.0);
  return single_site_fraction[std::min(single_site_fraction.size() - 1, static_cast<std::size_t>(u * bins))];
}

namespace {

// Where the tail beyond the window starts: a straight line fitted to the window's last 32
// samples, read at the last one. The last sample alone carries its noise into the whole
// tail: one noise sigma is ~0.1 % of a 1 MeV pulse, enough to put the pulse's maximum in
// the tail and move its 99.9 % point (the drift time's end) by microseconds. The line
// follows the decay within the 32 samples, which their mean would not (0.1 % at tau = 5,000
// samples).
double end_level(const float* shape, int64_t L) {
  const int64_t k = std::min<int64_t>(32, L / 4);
  if (k < 2) return shape[L - 1];
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int64_t i = 0; i < k; ++i) {
    const double x = static_cast<double>(i), y = shape[L - k + i];
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double n = static_cast<double>(k);
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return (sy - slope * sx) / n + slope * (n - 1.0);
}

}  // namespace

void render_trace(const RenderModel& m, const float* shape, const RenderRequest& r, core::Rng& rng, float* out) {
  const auto& d = m.detectors.at(static_cast<std::size_t>(r.slot));
  const double amp = d.gain_adc_per_kev * r.energy_kev;
  const int64_t n = m.trace_samples, L = m.window_samples;
  const int64_t start = r.tp0 - m.pre_samples;
  // Decay per sample of the tail; tau = inf (no fitted decay) keeps the last value.
  const double decay = std::isfinite(d.tau_samples) ? std::exp(-1.0 / d.tau_samples) : 1.0;
  double tail = end_level(shape, L);
  for (int64_t t = 0; t < n; ++t) {
    double s = 0.0;
    if (t >= start && t < start + L) {
      s = shape[t - start];
    } else if (t >= start + L) {
      tail *= decay;
      s = tail;
    }
    out[t] = static_cast<float>(r.baseline_adc + amp * s);
  }
  if (!r.add_noise || d.n_segments == 0) return;
  // Library segments back to back, each from a random event at a random offset.
  const int64_t seg = m.segment_samples;
  for (int64_t t = 0; t < n;) {
    const auto k = static_cast<int64_t>(rng.below(static_cast<uint64_t>(d.n_segments)));
    const float* noise = d.noise.data() + k * seg;
    const int64_t take = std::min(seg, n - t);
    for (int64_t i = 0; i < take; ++i)
      if (r.window_noise || t + i < start || t + i >= start + L) out[t + i] += noise[i];
    t += take;
  }
}

double noise_rms_adc(const DetectorRender& d) {
  double sum = 0.0;
  for (const float v : d.noise) sum += static_cast<double>(v) * v;
  return d.noise.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(d.noise.size()));
}

void restore_baseline(float* shape, int64_t window_samples, int64_t pre_samples) {
  const int64_t n = std::min(window_samples, pre_samples - 4);
  if (n < 4) return;
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += shape[i];
  const auto offset = static_cast<float>(sum / static_cast<double>(n));
  for (int64_t i = 0; i < window_samples; ++i) shape[i] -= offset;
}

void shape_from_trace(const RenderModel& m, const float* trace, double energy_kev, int slot, int64_t tp0,
                      float* shape) {
  const auto& d = m.detectors.at(static_cast<std::size_t>(slot));
  const int64_t start = tp0 - m.pre_samples;
  const double level = dsp::window_mean(trace, 0, static_cast<std::size_t>(start));
  const double inv = 1.0 / (d.gain_adc_per_kev * energy_kev);
  for (int64_t i = 0; i < m.window_samples; ++i) shape[i] = static_cast<float>((trace[start + i] - level) * inv);
}

namespace {

double finite_or(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

}  // namespace

nlohmann::json render_summary(const RenderModel& m) {
  nlohmann::json dets = nlohmann::json::array();
  for (const auto& d : m.detectors)
    dets.push_back({{"detector", d.detector},
                    {"gain_adc_per_kev", d.gain_adc_per_kev},
                    {"tail_tau_ns", std::isfinite(d.tau_samples) ? nlohmann::json(d.tau_samples * m.sample_period_ns)
                                                                 : nlohmann::json(nullptr)},
                    {"noise_segments", d.n_segments},
                    {"fit_events", d.fit_events},
                    {"baseline_levels", d.baselines_adc.size()}});
  return {{"trace_samples", m.trace_samples},     {"window_samples", m.window_samples},
          {"pre_samples", m.pre_samples},         {"segment_samples", m.segment_samples},
          {"sample_period_ns", m.sample_period_ns}, {"energy_min_kev", m.energy_min_kev},
          {"energy_max_kev", m.energy_max_kev},   {"energy_scale_kev", m.energy_scale_kev},
          {"topology_field", m.topology_field},   {"condition_detector", m.condition_detector},
          {"conditions", m.conditions()},         {"detectors", dets}};
}

void save_render_model(const RenderModel& m, const std::filesystem::path& dir) {
  auto j = render_summary(m);
  j["format"] = "wavelearn-generator-render";
  j["version"] = 1;
  j["tp0_samples"] = m.tp0_samples;
  j["single_site_fraction"] = m.single_site_fraction;
  j["energy_samples_kev"] = m.energy_samples_kev;
  for (std::size_t s = 0; s < m.detectors.size(); ++s) {
    j["detectors"][s]["baselines_adc"] = m.detectors[s].baselines_adc;
    j["detectors"][s]["tail_tau_samples"] = finite_or(m.detectors[s].tau_samples, -1.0);
  }
  core::write_text_atomically(dir / "render.json", j.dump(1));
  core::write_atomically(dir / "noise.f32", true, [&](const std::filesystem::path& tmp) {
    std::ofstream f(tmp, std::ios::binary);
    for (const auto& d : m.detectors)
      f.write(reinterpret_cast<const char*>(d.noise.data()), static_cast<std::streamsize>(d.noise.size() * 4));
    if (!f) throw InputError(tmp.string() + ": cannot write the noise library");
  });
}

namespace {

RenderModel render_from_json(const nlohmann::json& j) {
  RenderModel m;
  m.trace_samples = j.at("trace_samples");
  m.window_samples = j.at("window_samples");
  m.pre_samples = j.at("pre_samples");
  m.segment_samples = j.at("segment_samples");
  m.sample_period_ns = j.at("sample_period_ns");
  m.energy_min_kev = j.at("energy_min_kev");
  m.energy_max_kev = j.at("energy_max_kev");
  m.energy_scale_kev = j.at("energy_scale_kev");
  m.topology_field = j.at("topology_field");
  m.condition_detector = j.at("condition_detector");
  m.tp0_samples = j.at("tp0_samples").get<std::vector<float>>();
  m.single_site_fraction = j.at("single_site_fraction").get<std::vector<double>>();
  m.energy_samples_kev = j.at("energy_samples_kev").get<std::vector<float>>();
  for (const auto& dj : j.at("detectors")) {
    DetectorRender d;
    d.detector = dj.at("detector");
    d.gain_adc_per_kev = dj.at("gain_adc_per_kev");
    const double tau = dj.at("tail_tau_samples");
    d.tau_samples = tau > 0 ? tau : std::numeric_limits<double>::infinity();
    d.baselines_adc = dj.at("baselines_adc").get<std::vector<float>>();
    d.n_segments = dj.at("noise_segments");
    d.fit_events = dj.at("fit_events");
    m.detectors.push_back(std::move(d));
  }
  return m;
}

}  // namespace

RenderModel load_render_model(const std::filesystem::path& dir) {
  const auto path = dir / "render.json";
  std::ifstream in(path);
  if (!in) throw InputError(path.string() + ": missing (not a generator run, or an unfinished one)");
  RenderModel m;
  try {
    m = render_from_json(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": " + e.what());
  }
  std::ifstream f(dir / "noise.f32", std::ios::binary);
  for (auto& d : m.detectors) {
    d.noise.resize(static_cast<std::size_t>(d.n_segments * m.segment_samples));
    f.read(reinterpret_cast<char*>(d.noise.data()), static_cast<std::streamsize>(d.noise.size() * 4));
    if (!f) throw InputError((dir / "noise.f32").string() + ": missing or shorter than render.json records");
  }
  return m;
}

}  // namespace wl::gen
