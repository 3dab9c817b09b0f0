// Data preparation of the generators: shape -> ADC trace -> shape, and the fit on a file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim_file.hpp"
#include "wavelearn/core/split.hpp"
#include "wavelearn/gen/prepare.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::gen {
namespace {

RenderModel hand_model() {
  RenderModel m;
  m.trace_samples = 512;
  m.window_samples = 64;
  m.pre_samples = 8;
  m.segment_samples = 100;
  m.energy_min_kev = 100;
  m.energy_max_kev = 3000;
  m.energy_scale_kev = 3000;
  DetectorRender d;
  d.detector = 7;
  d.gain_adc_per_kev = 3.2;
  d.tau_samples = 6000;
  d.baselines_adc = {1000.0f};
  m.detectors.push_back(d);
  return m;
}

std::vector<float> ramp(int64_t L, int64_t pre) {
  std::vector<float> s(static_cast<std::size_t>(L), 0.0f);
  for (int64_t i = pre; i < L; ++i) s[static_cast<std::size_t>(i)] = std::min(1.0f, 0.05f * static_cast<float>(i - pre));
  return s;
}

TEST(GenPrepare, ShapeToAdcToShapeRoundTrip) {
  const auto m = hand_model();
  const auto shape = ramp(m.window_samples, m.pre_samples);
  std::vector<float> trace(static_cast<std::size_t>(m.trace_samples));
  core::Rng rng(1);
  RenderRequest r{1592.5, 0, 300, 1000.0, false};
  render_trace(m, shape.data(), r, rng, trace.data());
  // ADC units: the baseline before the window, baseline + gain x E on the plateau.
  EXPECT_FLOAT_EQ(trace[10], 1000.0f);
  EXPECT_NEAR(trace[300 - 8 + 63], 1000.0 + 3.2 * 1592.5, 1e-2);
  // The tail decays with the detector's constant beyond the window.
  EXPECT_NEAR(trace[511], 1000.0 + 3.2 * 1592.5 * std::exp(-(511.0 - 355.0) / 6000.0), 0.05);
  std::vector<float> back(shape.size());
  shape_from_trace(m, trace.data(), 1592.5, 0, 300, back.data());
  for (std::size_t i = 0; i < shape.size(); ++i) EXPECT_NEAR(back[i], shape[i], 2e-5) << i;
}

// The tail starts from the trend of the window's end, not from its last (noisy) sample.
TEST(GenPrepare, TheTailStartsFromTheWindowsTrendNotItsLastSample) {
  const auto m = hand_model();
  const int64_t L = m.window_samples;
  const double decay = std::exp(-1.0 / m.detectors[0].tau_samples);
  auto shape = ramp(L, m.pre_samples);
  for (int64_t i = L - 32; i < L; ++i) {
    const auto u = static_cast<std::size_t>(i);
    shape[u] = static_cast<float>(std::pow(decay, static_cast<double>(i - (L - 32))));
    shape[u] += (i % 2 == 0 ? 0.01f : -0.01f) + (i == L - 1 ? 0.03f : 0.0f);  // noise, a high last sample
  }
  std::vector<float> trace(static_cast<std::size_t>(m.trace_samples));
  core::Rng rng(1);
  render_trace(m, shape.data(), {1000.0, 0, 300, 0.0, false}, rng, trace.data());
  const int64_t end = 300 - m.pre_samples + L;  // first sample after the window
  const double expected = 3.2 * 1000.0 * std::pow(decay, 32.0);
  // The last sample is 2 % above the trend; the tail starts within 1 % of it (0.5 %).
  EXPECT_NEAR(trace[static_cast<std::size_t>(end)], expected, 0.01 * expected);
}

TEST(GenPrepare, LibraryNoiseIsAddedAndZeroMean) {
  auto m = hand_model();
  auto& d = m.detectors[0];
  d.n_segments = 2;
  for (int k = 0; k < 200; ++k) d.noise.push_back((k % 2 == 0 ? 1.0f : -1.0f) * 5.0f);
  const auto shape = ramp(m.window_samples, m.pre_samples);
  std::vector<float> quiet(512), noisy(512);
  core::Rng a(3), b(3);
  render_trace(m, shape.data(), {500, 0, 300, 1000.0, false}, a, quiet.data());
  render_trace(m, shape.data(), {500, 0, 300, 1000.0, true}, b, noisy.data());
  double diff2 = 0, sum = 0;
  for (int i = 0; i < 512; ++i) diff2 += std::pow(noisy[i] - quiet[i], 2), sum += noisy[i] - quiet[i];
  EXPECT_NEAR(std::sqrt(diff2 / 512), 5.0, 1e-3);
  EXPECT_NEAR(sum / 512, 0.0, 0.1);
}

TEST(GenPrepare, FitOnAFileGivesUnitPlateausAndInvertsRendering) {
  auto reader = io::open_reader(test::gen_sim_file());
  const auto parts = file_parts(*reader, {0.6, 0.2, 0.2}, 42, core::GroupBy::kEvent);
  std::vector<std::size_t> train;
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (parts[i] == core::kTrainPart) train.push_back(i);
  PrepSpec spec;
  spec.window_samples = 256;  // 2.2 us after tp0: past the longest rise
  spec.topology_field = "truth_is_single_site";
  spec.fit_events = 500;
  const auto m = fit_render_model(*reader, train, spec);
  ASSERT_EQ(m.detectors.size(), 1u);
  // The simulator's gains are 2.8-3.8 ADC/keV.
  EXPECT_GT(m.detectors[0].gain_adc_per_kev, 2.5);
  EXPECT_LT(m.detectors[0].gain_adc_per_kev, 4.0);
  EXPECT_EQ(m.conditions(), 3);  // energy, topology, one detector
  EXPECT_GE(m.segment_samples, 900);  // the pre-trigger before tp0 ~ 1000 - 32
  const auto p = prepare_shapes(*reader, train, m);
  ASSERT_GT(p.size(), train.size() * 9 / 10);
  std::vector<double> plateaus;
  for (std::size_t k = 0; k < p.size(); ++k) plateaus.push_back(p.shapes[k * 256 + 255]);
  std::nth_element(plateaus.begin(), plateaus.begin() + plateaus.size() / 2, plateaus.end());
  EXPECT_NEAR(plateaus[plateaus.size() / 2], 1.0, 0.03);
  // A prepared shape rendered back at its energy and re-prepared is the same shape.
  std::vector<float> trace(static_cast<std::size_t>(m.trace_samples)), back(256);
  core::Rng rng(5);
  const double e = reader->read_scalar("energy_label")[p.events[0]];
  render_trace(m, p.shapes.data(), {e, 0, 1000, 900.0, false}, rng, trace.data());
  shape_from_trace(m, trace.data(), e, 0, 1000, back.data());
  for (int i = 0; i < 256; ++i) EXPECT_NEAR(back[i], p.shapes[i], 1e-4);
  // Split parts are the project's: the same as core::assign_parts of the event ids.
  const auto ids = reader->read_scalar("id");
  std::vector<int64_t> keys(ids.begin(), ids.end());
  EXPECT_EQ(parts, core::assign_parts(keys, {0.6, 0.2, 0.2}, 42, core::GroupBy::kEvent));
}

}  // namespace
}  // namespace wl::gen
