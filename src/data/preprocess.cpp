// Window resolution and the per-waveform transforms. The transforms run once per event in
// the loader's hot path: they write into caller buffers and allocate nothing.
#include "wavelearn/data/preprocess.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::data {

using core::InputError;

namespace {

std::string fmt_ns(double ns) {
  std::ostringstream s;
  s << ns << " ns";
  return s.str();
}

std::size_t ns_to_samples(double ns, double period_ns, const char* what) {
  if (!std::isfinite(ns) || ns < 0.0) {
    throw InputError(std::string("preprocess.") + what + " = " + fmt_ns(ns) + " must be >= 0");
  }
  return static_cast<std::size_t>(std::llround(ns / period_ns));
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const char* to_string(WindowMode mode) { return mode == WindowMode::Tp0 ? "tp0" : "fixed"; }

const char* to_string(BaselineMode mode) {
  switch (mode) {
    case BaselineMode::Window: return "window";
    case BaselineMode::Pretrigger: return "pretrigger";
    default: return "none";
  }
}

const char* to_string(Normalization mode) {
  switch (mode) {
    case Normalization::MinMax: return "minmax";
    case Normalization::Amplitude: return "amplitude";
    default: return "none";
  }
}

const char* to_string(PoleZeroMode mode) {
  switch (mode) {
    case PoleZeroMode::Fixed: return "fixed";
    case PoleZeroMode::Auto: return "auto";
    default: return "off";
  }
}

namespace {

WindowMode parse_window(const std::string& s, const std::string& key) {
  if (s == "fixed") return WindowMode::Fixed;
  if (s == "tp0") return WindowMode::Tp0;
  throw InputError("config key '" + key + "' = \"" + s + "\": expected \"fixed\" or \"tp0\"");
}

BaselineMode parse_baseline(const std::string& s, const std::string& key) {
  if (s == "none") return BaselineMode::None;
  if (s == "window") return BaselineMode::Window;
  if (s == "pretrigger") return BaselineMode::Pretrigger;
  throw InputError("config key '" + key + "' = \"" + s +
                   "\": expected \"none\", \"window\" or \"pretrigger\"");
}

Normalization parse_normalization(const std::string& s, const std::string& key) {
  if (s == "none") return Normalization::None;
  if (s == "minmax") return Normalization::MinMax;
  if (s == "amplitude") return Normalization::Amplitude;
  throw InputError("config key '" + key + "' = \"" + s +
                   "\": expected \"minmax\", \"amplitude\" or \"none\"");
}

PoleZeroMode parse_pole_zero(const std::string& s, const std::string& key) {
  if (s == "off") return PoleZeroMode::Off;
  if (s == "fixed") return PoleZeroMode::Fixed;
  if (s == "auto") return PoleZeroMode::Auto;
  throw InputError("config key '" + key + "' = \"" + s + "\": expected \"off\", \"fixed\" or \"auto\"");
}

// pole_zero and pole_zero_tau_ns (read with "fixed" only: a decay constant given beside
// "off" or "auto" would otherwise look applied while it is not).
// pole_zero is read only when given: a default written into the resolved config.toml would
// stop a run from before the key existed from resuming (its saved config lacks it).
void read_pole_zero(const core::Config& config, PreprocessConfig& c) {
  if (config.has("preprocess.pole_zero"))
    c.pole_zero = parse_pole_zero(config.get<std::string>("preprocess.pole_zero"), "preprocess.pole_zero");
  const bool has_tau = config.has("preprocess.pole_zero_tau_ns");
  if (c.pole_zero != PoleZeroMode::Fixed) {
    if (has_tau)
      throw InputError("config key 'preprocess.pole_zero_tau_ns' is used only with preprocess.pole_zero = "
                       "\"fixed\" (here \"" + std::string(to_string(c.pole_zero)) + "\")");
    return;
  }
  if (!has_tau)
    throw InputError("config key 'preprocess.pole_zero' = \"fixed\" needs preprocess.pole_zero_tau_ns "
                     "(the preamplifier decay constant in ns)");
  c.pole_zero_tau_ns = config.get<double>("preprocess.pole_zero_tau_ns");
  if (!(c.pole_zero_tau_ns > 0.0) || !std::isfinite(c.pole_zero_tau_ns))
    throw InputError("config key 'preprocess.pole_zero_tau_ns' = " + fmt_ns(c.pole_zero_tau_ns) + " must be > 0");
}

}  // namespace

PreprocessConfig preprocess_config_from(const core::Config& config) {
  PreprocessConfig c;
  c.window = parse_window(config.get<std::string>("preprocess.window", to_string(c.window)),
                          "preprocess.window");
  c.window_start_ns = config.get<double>("preprocess.window_start_ns", c.window_start_ns);
  c.window_length_ns = config.get<double>("preprocess.window_length_ns", c.window_length_ns);
  c.tp0_offset_ns = config.get<double>("preprocess.tp0_offset_ns", c.tp0_offset_ns);
  c.normalization = parse_normalization(
      config.get<std::string>("preprocess.normalization", to_string(c.normalization)),
      "preprocess.normalization");
  read_pole_zero(config, c);
  // Amplitude scaling and pole-zero correction are only meaningful on baseline-subtracted
  // pulses.
  const BaselineMode baseline_default =
      c.normalization == Normalization::Amplitude || c.pole_zero != PoleZeroMode::Off ? BaselineMode::Window
                                                                                        : BaselineMode::None;
  c.baseline = parse_baseline(
      config.get<std::string>("preprocess.baseline", to_string(baseline_default)),
      "preprocess.baseline");
  if (c.pole_zero != PoleZeroMode::Off && c.baseline == BaselineMode::None)
    throw InputError("config key 'preprocess.pole_zero' = \"" + std::string(to_string(c.pole_zero)) +
                     "\" needs preprocess.baseline = \"window\" or \"pretrigger\", not \"none\" (the "
                     "correction assumes a baseline at 0)");
  c.baseline_length_ns = config.get<double>("preprocess.baseline_length_ns", c.baseline_length_ns);
  c.pretrigger_start_ns =
      config.get<double>("preprocess.pretrigger_start_ns", c.pretrigger_start_ns);
  c.pretrigger_length_ns =
      config.get<double>("preprocess.pretrigger_length_ns", c.pretrigger_length_ns);
  c.standard_scaler = config.get<bool>("preprocess.standard_scaler", c.standard_scaler);
  c.amplitude_per_detector =
      config.get<bool>("preprocess.amplitude_per_detector", c.amplitude_per_detector);
  if (c.amplitude_per_detector && c.normalization != Normalization::Amplitude) {
    throw InputError("config key 'preprocess.amplitude_per_detector' needs preprocess.normalization = "
                     "\"amplitude\" (it chooses that normalisation's scale per detector)");
  }
  c.amplitude_targets =
      config.get<std::vector<std::string>>("preprocess.amplitude_targets", c.amplitude_targets);
  return c;
}

void check_targets_compatible(const PreprocessConfig& config,
                              const std::vector<std::string>& target_names,
                              const std::string& energy_field) {
  // A name that is not a target of the run marks nothing: a typo would leave the target it
  // meant unprotected against min-max without a word.
  for (const auto& listed : config.amplitude_targets) {
    const std::string name = listed == "energy" ? energy_field : listed;
    if (std::find(target_names.begin(), target_names.end(), name) != target_names.end()) continue;
    std::string valid;
    for (const auto& t : target_names) valid += (valid.empty() ? "" : ", ") + t;
    throw InputError("config key 'preprocess.amplitude_targets': '" + listed + "' is not a target of this run " +
                     "(data.targets: " + (valid.empty() ? std::string("none") : valid) + ")");
  }
  if (config.normalization != Normalization::MinMax) return;
  for (const auto& name : target_names) {
    const bool amplitude_dependent =
        name == energy_field || lower(name).find("energy") != std::string::npos ||
        std::find(config.amplitude_targets.begin(), config.amplitude_targets.end(), name) !=
            config.amplitude_targets.end();
    if (amplitude_dependent) {
      throw InputError(
          "target '" + name +
          "' depends on the pulse amplitude, but preprocess.normalization = \"minmax\" scales "
          "every waveform to [0, 1] and removes its amplitude, so it cannot be learned; use "
          "preprocess.normalization = \"amplitude\" (baseline-subtracted, divided by one scale "
          "fitted on the training data) or \"none\"");
    }
  }
}

Preprocessor::Preprocessor(const PreprocessConfig& config, double sample_period_ns,
                           std::size_t record_length_samples) {
  if (!(sample_period_ns > 0.0) || !std::isfinite(sample_period_ns)) {
    throw InputError("sampling period " + fmt_ns(sample_period_ns) + " must be > 0");
  }
  auto& s = state_;
  s.config = config;
  s.sample_period_ns = sample_period_ns;
  s.record_length_samples = record_length_samples;
  s.window_length_samples = ns_to_samples(config.window_length_ns, sample_period_ns,
                                          "window_length_ns");
  const std::string record = " records of " + std::to_string(record_length_samples) +
                             " samples at " + fmt_ns(sample_period_ns);
  if (s.window_length_samples == 0 || s.window_length_samples > record_length_samples) {
    throw InputError("preprocess.window_length_ns = " + fmt_ns(config.window_length_ns) + " (" +
                     std::to_string(s.window_length_samples) + " samples) does not fit" + record);
  }
  s.window_start_samples = ns_to_samples(config.window_start_ns, sample_period_ns,
                                         "window_start_ns");
  if (config.window == WindowMode::Fixed) {
    if (s.window_start_samples + s.window_length_samples > record_length_samples) {
      throw InputError("preprocess window [" + fmt_ns(config.window_start_ns) + ", " +
                       fmt_ns(config.window_start_ns + config.window_length_ns) +
                       ") = samples [" + std::to_string(s.window_start_samples) + ", " +
                       std::to_string(s.window_start_samples + s.window_length_samples) +
                       ") does not fit" + record);
    }
  } else {
    // The fixed start is the fallback for events without a valid tp0.
    s.window_start_samples =
        std::min(s.window_start_samples, record_length_samples - s.window_length_samples);
    if (!std::isfinite(config.tp0_offset_ns)) {
      throw InputError("preprocess.tp0_offset_ns must be a finite number");
    }
    s.tp0_offset_samples = std::llround(config.tp0_offset_ns / sample_period_ns);
  }
  if (config.baseline == BaselineMode::Window) {
    s.baseline_length_samples = ns_to_samples(config.baseline_length_ns, sample_period_ns,
                                              "baseline_length_ns");
    if (s.baseline_length_samples == 0 || s.baseline_length_samples > s.window_length_samples) {
      throw InputError("preprocess.baseline_length_ns = " + fmt_ns(config.baseline_length_ns) +
                       " must cover 1 to " + std::to_string(s.window_length_samples) +
                       " samples of the window");
    }
  } else if (config.baseline == BaselineMode::Pretrigger) {
    s.pretrigger_start_samples = ns_to_samples(config.pretrigger_start_ns, sample_period_ns,
                                               "pretrigger_start_ns");
    s.pretrigger_length_samples = ns_to_samples(config.pretrigger_length_ns, sample_period_ns,
                                                "pretrigger_length_ns");
    if (s.pretrigger_length_samples == 0 ||
        s.pretrigger_start_samples + s.pretrigger_length_samples > record_length_samples) {
      throw InputError("preprocess pre-trigger region [" + fmt_ns(config.pretrigger_start_ns) +
                       ", " + fmt_ns(config.pretrigger_start_ns + config.pretrigger_length_ns) +
                       ") is empty or does not fit" + record);
    }
  }
  if (config.pole_zero != PoleZeroMode::Off && config.baseline == BaselineMode::None)
    throw InputError("preprocess.pole_zero needs preprocess.baseline = \"window\" or \"pretrigger\"");
  if (config.pole_zero == PoleZeroMode::Fixed) {
    if (!(config.pole_zero_tau_ns > 0.0) || !std::isfinite(config.pole_zero_tau_ns))
      throw InputError("preprocess.pole_zero_tau_ns = " + fmt_ns(config.pole_zero_tau_ns) + " must be > 0");
    s.pole_zero_tau_ns = config.pole_zero_tau_ns;
  }
  s.fitted = !needs_fit();
}

Preprocessor::Preprocessor(PreprocessState state) : state_(std::move(state)) {}

bool Preprocessor::needs_fit() const {
  return needs_scaling_fit() || state_.config.pole_zero == PoleZeroMode::Auto;
}

bool Preprocessor::needs_scaling_fit() const {
  return state_.config.standard_scaler || state_.config.normalization == Normalization::Amplitude;
}

double Preprocessor::pole_zero_tau_for(std::int64_t detector) const {
  const auto& s = state_;
  if (s.config.pole_zero == PoleZeroMode::Off) return 0.0;
  const auto it = s.pole_zero_tau_ns_by_detector.find(detector);
  return it != s.pole_zero_tau_ns_by_detector.end() ? it->second : s.pole_zero_tau_ns;
}

std::size_t Preprocessor::window_start_for(double tp0_samples) const {
  const auto& s = state_;
  if (s.config.window == WindowMode::Fixed) return s.window_start_samples;
  if (!std::isfinite(tp0_samples) || tp0_samples < 0.0) return s.window_start_samples;
  const auto max_start = static_cast<std::int64_t>(s.record_length_samples - s.window_length_samples);
  const std::int64_t start = std::llround(tp0_samples) - s.tp0_offset_samples;
  return static_cast<std::size_t>(std::clamp<std::int64_t>(start, 0, max_start));
}

Preprocessor::Span Preprocessor::span_for(const std::size_t* window_starts, std::size_t n) const {
  const auto& s = state_;
  std::size_t begin = s.record_length_samples, end = 0;
  for (std::size_t i = 0; i < n; ++i) {
    begin = std::min(begin, window_starts[i]);
    end = std::max(end, window_starts[i] + s.window_length_samples);
  }
  if (n == 0) begin = end = 0;
  if (s.config.baseline == BaselineMode::Pretrigger) {
    begin = std::min(begin, s.pretrigger_start_samples);
    end = std::max(end, s.pretrigger_start_samples + s.pretrigger_length_samples);
  }
  return {begin, end - begin};
}

namespace {

// The DSP's single-pole correction (dsp::pole_zero, z[i] = z[i-1] + x[i] - a x[i-1], z[0] =
// x[0]: the window is taken to start in steady state) done in place, accumulating in double
// as the DSP does.
void pole_zero_in_place(float* x, std::size_t n, double a) {
  if (n == 0) return;
  double acc = x[0], previous = x[0];
  for (std::size_t i = 1; i < n; ++i) {
    const double current = x[i];
    acc += current - a * previous;
    previous = current;
    x[i] = static_cast<float>(acc);
  }
}

}  // namespace

void Preprocessor::transform_unscaled(const float* span_row, std::size_t span_begin,
                                      std::size_t window_start, float* out,
                                      std::int64_t detector) const {
  const auto& s = state_;
  const std::size_t n = s.window_length_samples;
  const float* w = span_row + (window_start - span_begin);
  std::copy(w, w + n, out);

  if (s.config.baseline != BaselineMode::None) {
    const float* b = w;
    std::size_t nb = s.baseline_length_samples;
    if (s.config.baseline == BaselineMode::Pretrigger) {
      b = span_row + (s.pretrigger_start_samples - span_begin);
      nb = s.pretrigger_length_samples;
    }
    double sum = 0.0;
    for (std::size_t i = 0; i < nb; ++i) sum += b[i];
    const auto baseline = static_cast<float>(sum / static_cast<double>(nb));
    for (std::size_t i = 0; i < n; ++i) out[i] -= baseline;
  }

  if (const double tau_ns = pole_zero_tau_for(detector); tau_ns > 0.0)
    pole_zero_in_place(out, n, std::exp(-s.sample_period_ns / tau_ns));

  if (s.config.normalization == Normalization::MinMax) {
    // The lectures' (wf - wf.min()) / (wf.max() - wf.min()); a flat trace becomes zeros.
    const auto [mn_it, mx_it] = std::minmax_element(out, out + n);
    const float mn = *mn_it;
    const float range = *mx_it - mn;
    if (range > 0.0f) {
      for (std::size_t i = 0; i < n; ++i) out[i] = (out[i] - mn) / range;
    } else {
      std::fill(out, out + n, 0.0f);
    }
  }
}

double Preprocessor::amplitude_scale_for(std::int64_t detector) const {
  const auto& s = state_;
  if (s.config.normalization != Normalization::Amplitude) return 1.0;
  if (s.config.amplitude_per_detector) {
    const auto it = s.amplitude_scale_by_detector.find(detector);
    if (it != s.amplitude_scale_by_detector.end()) return it->second;
  }
  return s.amplitude_scale;
}

void Preprocessor::transform(const float* span_row, std::size_t span_begin,
                             std::size_t window_start, float* out, std::int64_t detector) const {
  transform_unscaled(span_row, span_begin, window_start, out, detector);
  const auto& s = state_;
  const std::size_t n = s.window_length_samples;
  if (s.config.normalization == Normalization::Amplitude) {
    const auto scale = static_cast<float>(amplitude_scale_for(detector));
    for (std::size_t i = 0; i < n; ++i) out[i] /= scale;
  }
  if (s.config.standard_scaler) {
    if (s.scaler_mean.size() != n || s.scaler_std.size() != n) {
      throw core::InputError("preprocess: the standard scaler has not been fitted (" +
                             std::to_string(s.scaler_mean.size()) + " statistics for " +
                             std::to_string(n) + " samples)");
    }
    const float* mean = s.scaler_mean.data();
    const float* sd = s.scaler_std.data();
    for (std::size_t i = 0; i < n; ++i) out[i] = (out[i] - mean[i]) / sd[i];
  }
}

Preprocessor::Fitter::Fitter(const Preprocessor& pre)
    : length_(pre.window_length_samples()),
      want_scaler_(pre.state().config.standard_scaler),
      per_detector_(pre.state().config.normalization == Normalization::Amplitude &&
                    pre.state().config.amplitude_per_detector) {}

void Preprocessor::Fitter::add(const float* w, std::int64_t detector) {
  ++n_;
  // The amplitude scale is the mean pulse height (largest |sample|) of the training events.
  float peak = 0.0f;
  for (std::size_t i = 0; i < length_; ++i) peak = std::max(peak, std::fabs(w[i]));
  peak_sum_ += peak;
  Group& g = groups_[per_detector_ ? detector : 0];
  g.peak_sum += peak;
  ++g.n;
  if (!want_scaler_) return;
  if (g.sum.empty()) {
    g.sum.assign(length_, 0.0);
    g.sum_sq.assign(length_, 0.0);
  }
  for (std::size_t i = 0; i < length_; ++i) {
    const double x = w[i];
    g.sum[i] += x;
    g.sum_sq[i] += x * x;
  }
}

void Preprocessor::Fitter::finish(Preprocessor& pre) const {
  auto& s = pre.mutable_state();
  if (n_ == 0) throw InputError("preprocess: no training events to fit the scaling on");
  const double n = static_cast<double>(n_);
  double scale = 1.0;
  if (s.config.normalization == Normalization::Amplitude) {
    scale = peak_sum_ / n;
    if (!(scale > 0.0) || !std::isfinite(scale)) {
      throw InputError("preprocess: the training waveforms have zero amplitude after baseline "
                       "subtraction; amplitude normalisation cannot be fitted");
    }
    s.amplitude_scale = scale;
    s.amplitude_scale_by_detector.clear();
    if (per_detector_) {
      for (const auto& [det, g] : groups_) {
        const double d_scale = g.peak_sum / static_cast<double>(g.n);
        if (d_scale > 0.0 && std::isfinite(d_scale)) s.amplitude_scale_by_detector[det] = d_scale;
      }
    }
  }
  if (want_scaler_) {
    // Statistics of the amplitude-scaled values: mean and std of x / scale, each group by
    // its own scale.
    s.scaler_mean.resize(length_);
    s.scaler_std.resize(length_);
    std::vector<double> m1(length_, 0.0), m2(length_, 0.0);
    for (const auto& [key, g] : groups_) {
      const double k = per_detector_ ? pre.amplitude_scale_for(key) : scale;
      for (std::size_t i = 0; i < length_; ++i) {
        m1[i] += g.sum[i] / k;
        m2[i] += g.sum_sq[i] / (k * k);
      }
    }
    for (std::size_t i = 0; i < length_; ++i) {
      const double mean = m1[i] / n;
      const double var = std::max(0.0, m2[i] / n - mean * mean);
      double sd = std::sqrt(var);
      // Like sklearn: a constant feature keeps scale 1 instead of dividing by zero.
      if (!(sd > 1e-12 * std::max(1.0, std::fabs(mean)))) sd = 1.0;
      s.scaler_mean[i] = static_cast<float>(mean);
      s.scaler_std[i] = static_cast<float>(sd);
    }
  }
  s.fit_events = n_;
  s.fitted = true;
}

}  // namespace wl::data
