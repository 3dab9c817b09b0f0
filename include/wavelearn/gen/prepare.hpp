#pragma once
// Data preparation for the waveform generators, and its inverse (docs/generative.md).
//
// Models learn normalised shapes: per event, the baseline level (mean of the pre-trigger
// samples) is subtracted and the trace divided by energy x gain (the detector's ADC per keV,
// fitted on the training events), over a window of L samples that starts `pre_samples`
// before tp0. A shape's plateau is then ~1 for every energy, and a generated shape comes
// back at the right ADC amplitude for a requested energy by the same product.
//
// What the models do not learn is kept in the RenderModel and added back when a shape is
// turned into a full ADC trace: the baseline level (drawn from the training events' levels
// of the detector), the tail beyond the window (the shape's last value decaying with the
// detector's fitted constant), and the electronics noise: zero-mean pre-trigger segments of
// recorded training events (a noise library, as detector simulations add noise), so noise is
// exactly as in the file. No libtorch here.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/core/split.hpp"

namespace wl::io {
class WaveformReader;
}

namespace wl::gen {

struct PrepSpec {
  int64_t window_samples = 256;   // L (a multiple of 8: three stride-2 levels)
  int64_t pre_samples = 32;       // window samples before tp0
  double energy_min_kev = 50.0;   // events below are not modelled
  std::string topology_field;     // "" (none) or a 0/1 field, e.g. truth_is_single_site
  bool condition_detector = true; // one-hot detector columns in the conditions
  int64_t noise_segments = 256;   // library segments kept per detector
  int64_t fit_events = 4000;      // training events read whole for gains, tails, library
};

// What turns a shape of one detector back into its ADC trace.
struct DetectorRender {
  int64_t detector = 0;
  double gain_adc_per_kev = 0.0;
  double tau_samples = 0.0;          // decay of the tail beyond the window (inf: flat)
  std::vector<float> baselines_adc;  // pre-trigger levels of training events (drawn from)
  std::vector<float> noise;          // n_segments x segment_samples, each zero-mean
  int64_t n_segments = 0;
  int64_t fit_events = 0;            // training events of the fit (the detector's weight)
};

// Rms of a detector's noise library (ADC): the noise every rendered trace gets.
double noise_rms_adc(const DetectorRender& d);

struct RenderModel {
  int64_t trace_samples = 0, window_samples = 0, pre_samples = 0, segment_samples = 0;
  double sample_period_ns = 10.0;
  double energy_scale_kev = 1.0;                  // condition column 0 = E / energy_scale_kev
  double energy_min_kev = 0.0, energy_max_kev = 0.0;  // the trained range
  std::string topology_field;
  bool condition_detector = true;
  std::vector<float> tp0_samples;                 // training tp0 values (drawn from)
  std::vector<float> energy_samples_kev;          // training energies (drawn from by default)
  std::vector<double> single_site_fraction;       // per energy bin over the trained range
  std::vector<DetectorRender> detectors;

  int64_t conditions() const;
  // Index into detectors; -1 when the detector was not in the training events.
  int detector_slot(int64_t detector) const;
  // Condition row for one event (conditions() values).
  std::vector<float> condition_row(double energy_kev, int slot, int topology) const;
  // Single-site probability at an energy (the training fraction in its bin).
  double single_site_probability(double energy_kev) const;
};

// Split parts of every file event (core::assign_parts on the event id, detector or run),
// so the generator's test events are the ones every other run of the file holds out.
std::vector<uint8_t> file_parts(io::WaveformReader& reader, const core::PartFractions& fractions, uint64_t seed,
                                core::GroupBy by);

// Window start of each event: tp0 - pre_samples, from the tp0 field or, without one, the DSP
// estimate of the rise. InputError naming the file when a window does not fit the record.
std::vector<int64_t> event_tp0(io::WaveformReader& reader, const std::vector<std::size_t>& events);

// Fits gains, tail constants, baseline levels, tp0 values and the noise library on (a
// spread-out subset of) the training events. InputError naming file and field when the file
// has no energy or no usable event.
RenderModel fit_render_model(io::WaveformReader& reader, const std::vector<std::size_t>& train_events,
                             const PrepSpec& spec);

struct PreparedShapes {
  std::vector<float> shapes;      // n x window_samples
  std::vector<float> conditions;  // n x conditions()
  std::vector<std::size_t> events;  // file events kept (energy in range, known detector)
  std::size_t size() const { return events.size(); }
};
PreparedShapes prepare_shapes(io::WaveformReader& reader, const std::vector<std::size_t>& events,
                              const RenderModel& model);

// One trace to render: the shape's energy, detector slot, rise start and baseline level.
struct RenderRequest {
  double energy_kev = 0.0;
  int slot = 0;
  int64_t tp0 = 0;
  double baseline_adc = 0.0;
  bool add_noise = true;
  // false: the model generates the window's noise itself (generate.noise = "model"); the
  // library noise then goes only outside the window.
  bool window_noise = true;
};
// out: trace_samples floats = baseline + gain E shape (+ tail) + library noise.
void render_trace(const RenderModel& model, const float* shape, const RenderRequest& r, core::Rng& rng, float* out);
// A generated window's pre-trigger part (its first pre_samples - 4 samples: before the pulse,
// whatever tp0's jitter) moved onto the baseline, the whole window by the same offset. A
// generator's window can sit a few per mille off it, and rendered on the file's baseline
// that offset is a step at the window's start, which the DSP takes for the pulse's start
// (tp0 up to pre_samples early, the drift time as much too long).
void restore_baseline(float* shape, int64_t window_samples, int64_t pre_samples);
// The inverse without noise: the normalised window of a trace (baseline from its pre-trigger).
void shape_from_trace(const RenderModel& model, const float* trace, double energy_kev, int slot, int64_t tp0,
                      float* shape);

// render.json (everything but the noise) and noise.f32 (the library, float32 rows) in dir.
void save_render_model(const RenderModel& model, const std::filesystem::path& dir);
RenderModel load_render_model(const std::filesystem::path& dir);
nlohmann::json render_summary(const RenderModel& model);  // gains, tails, counts (metrics.json)

}  // namespace wl::gen
