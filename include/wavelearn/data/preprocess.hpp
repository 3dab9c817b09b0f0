#pragma once
// Waveform preprocessing as the lectures do it (window [500:1500] at 10 ns, per-waveform
// min-max to [0, 1], optional StandardScaler) plus what an analysis needs: a tp0-aligned
// window, baseline subtraction, pole-zero correction, and amplitude-preserving scaling for
// energy targets.
// Times are configured in ns and converted with the file's sampling period. The fitted
// state is saved as preprocess.json so predict (and Python) apply exactly the same thing.
// No libtorch here.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wl::core {
class Config;
}

namespace wl::data {

enum class WindowMode { Fixed, Tp0 };
// Baseline: none, mean of the first baseline_length_ns of the window, or mean of a fixed
// pre-trigger region of the record.
enum class BaselineMode { None, Window, Pretrigger };
// Per-waveform scaling: none; min-max to [0, 1] (lectures; removes the amplitude);
// amplitude: baseline-subtracted and divided by one global scale fitted on training data
// (or one per detector, amplitude_per_detector, when the detectors' gains differ).
enum class Normalization { None, MinMax, Amplitude };
// Pole-zero correction of the baseline-subtracted window (undoes the preamplifier's decay so
// the flat top stays flat): off; one configured decay constant; or one per detector
// estimated from the tails of training events while fitting.
enum class PoleZeroMode { Off, Fixed, Auto };

struct PreprocessConfig {
  WindowMode window = WindowMode::Fixed;
  double window_start_ns = 5000.0;   // fixed window: first sample time in the record
  double window_length_ns = 10000.0;
  double tp0_offset_ns = 2000.0;     // tp0 window: starts this long before tp0
  BaselineMode baseline = BaselineMode::None;
  double baseline_length_ns = 1000.0;     // BaselineMode::Window
  double pretrigger_start_ns = 0.0;       // BaselineMode::Pretrigger
  double pretrigger_length_ns = 4000.0;
  Normalization normalization = Normalization::MinMax;
  bool standard_scaler = false;  // per-sample-index mean 0 / std 1, fitted on training only
  // Normalization::Amplitude: one scale per detector (the mean pulse height of its training
  // events), so a waveform's scaled height means the same energy on every detector.
  bool amplitude_per_detector = false;
  PoleZeroMode pole_zero = PoleZeroMode::Off;
  double pole_zero_tau_ns = 0.0;  // PoleZeroMode::Fixed
  // Targets (besides the energy field and names containing "energy") whose value depends on
  // the pulse amplitude: these refuse min-max normalisation.
  std::vector<std::string> amplitude_targets;
};

// Reads section [preprocess] (window, window_start_ns, window_length_ns, tp0_offset_ns,
// baseline, baseline_length_ns, pretrigger_start_ns, pretrigger_length_ns, normalization,
// standard_scaler, amplitude_per_detector, amplitude_targets, pole_zero, pole_zero_tau_ns).
// Unknown enum values -> InputError naming the key. pole_zero needs a baseline (its default
// becomes "window"; an explicit "none" is refused).
PreprocessConfig preprocess_config_from(const core::Config& config);

const char* to_string(WindowMode mode);
const char* to_string(BaselineMode mode);
const char* to_string(Normalization mode);
const char* to_string(PoleZeroMode mode);

// The energy trap: min-max removes the amplitude, so an amplitude-dependent target cannot be
// learned from it. Throws InputError naming the target and what to use instead.
// `energy_field` is the file's energy dataset name (a target equal to it is amplitude-dependent).
void check_targets_compatible(const PreprocessConfig& config,
                              const std::vector<std::string>& target_names,
                              const std::string& energy_field);

// Everything needed to apply the preprocessing again: resolved sample windows, the
// configuration it came from, and the fitted statistics.
struct PreprocessState {
  PreprocessConfig config;
  double sample_period_ns = 10.0;
  std::size_t record_length_samples = 0;
  std::size_t window_length_samples = 0;
  std::size_t window_start_samples = 0;        // WindowMode::Fixed
  std::int64_t tp0_offset_samples = 0;         // WindowMode::Tp0
  std::size_t baseline_length_samples = 0;     // BaselineMode::Window
  std::size_t pretrigger_start_samples = 0;    // BaselineMode::Pretrigger
  std::size_t pretrigger_length_samples = 0;
  bool fitted = false;
  double amplitude_scale = 1.0;       // Normalization::Amplitude (ADC)
  // amplitude_per_detector: detector -> scale (ADC); a detector without training events
  // uses amplitude_scale, the mean over all of them.
  std::map<std::int64_t, double> amplitude_scale_by_detector;
  std::vector<float> scaler_mean;     // standard_scaler: one per window sample
  std::vector<float> scaler_std;
  // Pole-zero decay constants (ns): Fixed: the configured one; Auto: the median over all
  // measured training tails, and detector -> its own median (detectors with too few tails
  // use the global one).
  double pole_zero_tau_ns = 0.0;
  std::map<std::int64_t, double> pole_zero_tau_ns_by_detector;
  std::size_t pole_zero_tails = 0;  // Auto: training tails that gave a decay constant
  std::size_t fit_events = 0;
  // Selection and field names, so prediction reads the same thing.
  double energy_threshold_kev = 0.0;
  bool has_energy_threshold = false;
  std::string waveform_field, energy_field, tp0_field, detector_field;
  std::vector<std::string> target_names;
  std::string multiclass = "none";  // Multiclass mode of the "psd_class" target
};

class Preprocessor {
 public:
  // Resolves ns to samples with the file's period and record length. Throws InputError when
  // the window (or baseline region) does not fit in the record or is empty.
  Preprocessor(const PreprocessConfig& config, double sample_period_ns,
               std::size_t record_length_samples);
  explicit Preprocessor(PreprocessState state);  // from a saved state

  const PreprocessState& state() const { return state_; }
  PreprocessState& mutable_state() { return state_; }
  std::size_t window_length_samples() const { return state_.window_length_samples; }

  // Where event windows start: fixed start, or tp0 - offset, clamped into the record (an
  // invalid tp0, e.g. NaN or negative, uses the fixed start).
  std::size_t window_start_for(double tp0_samples) const;
  // Whether the statistics still have to be fitted (standard scaler, amplitude scale or
  // pole-zero auto).
  bool needs_fit() const;
  // Whether the scaling statistics (standard scaler or amplitude scale) need a Fitter pass.
  bool needs_scaling_fit() const;
  // The pole-zero decay constant (ns) applied to an event of `detector` (0: no correction).
  double pole_zero_tau_for(std::int64_t detector) const;

  // The raw sample span [begin, begin + length) that covers the windows (starting at
  // window_starts) and the baseline region of a set of events.
  struct Span {
    std::size_t begin = 0;
    std::size_t length = 0;
  };
  Span span_for(const std::size_t* window_starts, std::size_t n) const;

  // Extracts the window of one event from its raw span row (starting at span_begin) into
  // out (window_length_samples floats) and applies baseline, pole-zero, normalisation and
  // scaler. Allocates nothing.
  // `detector` selects the pole-zero decay constant and, under amplitude_per_detector, the
  // amplitude scale.
  void transform(const float* span_row, std::size_t span_begin, std::size_t window_start,
                 float* out, std::int64_t detector = 0) const;
  // The amplitude scale applied to an event of `detector` (1 without amplitude scaling).
  double amplitude_scale_for(std::int64_t detector) const;
  // Same, stopping before the standard scaler and the amplitude scale (what fit() sees).
  void transform_unscaled(const float* span_row, std::size_t span_begin,
                          std::size_t window_start, float* out, std::int64_t detector = 0) const;

  // Fitting: accumulate unscaled windows of training events, then finish().
  class Fitter {
   public:
    explicit Fitter(const Preprocessor& pre);
    void add(const float* unscaled_window, std::int64_t detector = 0);  // window_length_samples floats
    void finish(Preprocessor& pre) const;    // throws InputError if nothing was added
   private:
    std::size_t length_ = 0;
    std::size_t n_ = 0;
    double peak_sum_ = 0.0;
    // Sums per scale group: the detector under amplitude_per_detector, else one group 0.
    // Each group's scaler sums are divided by its own amplitude scale at finish().
    struct Group {
      double peak_sum = 0.0;
      std::size_t n = 0;
      std::vector<double> sum, sum_sq;  // standard_scaler only
    };
    std::map<std::int64_t, Group> groups_;
    bool want_scaler_;
    bool per_detector_;
  };

  std::string to_json() const;
  static Preprocessor from_json(const std::string& text, const std::string& source = "<json>");
  void save(const std::filesystem::path& path, bool force) const;  // atomic
  static Preprocessor load(const std::filesystem::path& path);    // InputError naming path

 private:
  PreprocessState state_;
};

}  // namespace wl::data
