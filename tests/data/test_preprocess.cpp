#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>

#include "synthetic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/preprocess.hpp"

using namespace wl::data;
using wl::core::InputError;

namespace {

std::vector<float> ramp_record(std::size_t n, float offset) {
  std::vector<float> r(n);
  wl::core::Rng rng(3);
  for (std::size_t i = 0; i < n; ++i) r[i] = offset + static_cast<float>(i) * 0.5f + static_cast<float>(rng.normal());
  return r;
}

PreprocessConfig no_scaling() {
  PreprocessConfig c;
  c.normalization = Normalization::None;
  return c;
}

}  // namespace

TEST(Preprocess, DefaultWindowIsTheLecturesSliceAt10ns) {
  const auto record = ramp_record(3800, 1000.0f);
  Preprocessor pre(no_scaling(), 10.0, 3800);
  ASSERT_EQ(pre.window_length_samples(), 1000u);
  EXPECT_EQ(pre.window_start_for(0.0), 500u);
  std::vector<float> out(1000);
  pre.transform(record.data(), 0, pre.window_start_for(0.0), out.data());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), record.begin() + 500));
}

TEST(Preprocess, WindowIsConvertedWithTheSamplingPeriod) {
  Preprocessor pre(no_scaling(), 16.0, 8192);
  EXPECT_EQ(pre.window_length_samples(), 625u);     // 10000 ns / 16 ns
  EXPECT_EQ(pre.state().window_start_samples, 313u);  // round(5000 / 16)
  PreprocessConfig c = no_scaling();
  c.window_start_ns = 30000;  // 3000 samples at 10 ns + 1000 > 3800
  EXPECT_THROW(Preprocessor(c, 10.0, 3800), InputError);
  c.window_start_ns = 0;
  c.window_length_ns = 0;
  EXPECT_THROW(Preprocessor(c, 10.0, 3800), InputError);
}

TEST(Preprocess, Tp0AlignedWindow) {
  PreprocessConfig c = no_scaling();
  c.window = WindowMode::Tp0;
  c.window_length_ns = 2000;  // 200 samples
  c.tp0_offset_ns = 300;      // 30 samples before tp0
  Preprocessor pre(c, 10.0, 1000);
  EXPECT_EQ(pre.window_start_for(400.0), 370u);
  EXPECT_EQ(pre.window_start_for(10.0), 0u);       // clamped at the record start
  EXPECT_EQ(pre.window_start_for(990.0), 800u);    // clamped at the record end
  EXPECT_EQ(pre.window_start_for(std::nan("")), pre.state().window_start_samples);
  EXPECT_EQ(pre.window_start_for(-1.0), pre.state().window_start_samples);
  // The window content is the record from tp0 - offset on.
  const auto record = ramp_record(1000, 0.0f);
  std::vector<float> out(200);
  const std::size_t start = pre.window_start_for(400.0);
  pre.transform(record.data(), 0, start, out.data());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), record.begin() + 370));
  // Reading from a span that begins later gives the same window.
  pre.transform(record.data() + 100, 100, start, out.data());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), record.begin() + 370));
}

TEST(Preprocess, MinMaxEqualsTheLecturesFormula) {
  PreprocessConfig c;  // default: min-max
  Preprocessor pre(c, 10.0, 3800);
  const auto record = ramp_record(3800, 5000.0f);
  std::vector<float> out(1000);
  pre.transform(record.data(), 0, 500, out.data());
  // wf_norm = (wf - wf.min()) / (wf.max() - wf.min()) on wf = raw[500:1500]
  const auto [mn, mx] = std::minmax_element(record.begin() + 500, record.begin() + 1500);
  for (std::size_t i = 0; i < 1000; ++i) {
    const double expected = (record[500 + i] - *mn) / static_cast<double>(*mx - *mn);
    ASSERT_NEAR(out[i], expected, 1e-6) << i;
  }
  EXPECT_FLOAT_EQ(*std::min_element(out.begin(), out.end()), 0.0f);
  EXPECT_FLOAT_EQ(*std::max_element(out.begin(), out.end()), 1.0f);
  // A flat trace gives zeros, not NaN.
  std::vector<float> flat(3800, 7.0f);
  pre.transform(flat.data(), 0, 500, out.data());
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](float v) { return v == 0.0f; }));
}

TEST(Preprocess, BaselineSubtraction) {
  std::vector<float> record(400, 123.0f);
  for (std::size_t i = 250; i < 400; ++i) record[i] = 623.0f;
  PreprocessConfig c = no_scaling();
  c.window_start_ns = 1000;   // samples [100, 300)
  c.window_length_ns = 2000;
  c.baseline = BaselineMode::Window;
  c.baseline_length_ns = 500;  // first 50 samples of the window
  Preprocessor pre(c, 10.0, 400);
  std::vector<float> out(200);
  pre.transform(record.data(), 0, 100, out.data());
  EXPECT_FLOAT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[199], 500.0f);

  c.baseline = BaselineMode::Pretrigger;
  c.pretrigger_start_ns = 0;
  c.pretrigger_length_ns = 500;
  for (std::size_t i = 0; i < 50; ++i) record[i] = 23.0f;  // pre-trigger baseline differs
  Preprocessor pre2(c, 10.0, 400);
  const std::size_t start = 100;
  const auto span = pre2.span_for(&start, 1);
  EXPECT_EQ(span.begin, 0u);  // the span reaches back to the pre-trigger region
  EXPECT_EQ(span.length, 300u);
  pre2.transform(record.data(), 0, start, out.data());
  EXPECT_FLOAT_EQ(out[0], 100.0f);
  EXPECT_FLOAT_EQ(out[199], 600.0f);
}

// A name in preprocess.amplitude_targets that is not a target of the run (a typo) is
// refused, naming the key, the name and the run's targets ("energy" means the energy field).
TEST(Preprocess, AmplitudeTargetsMustBeTargetsOfTheRun) {
  PreprocessConfig c;
  c.normalization = Normalization::Amplitude;
  c.amplitude_targets = {"energy_lable"};
  try {
    check_targets_compatible(c, {"psd_label_low_avse", "energy_label"}, "energy_label");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("preprocess.amplitude_targets"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'energy_lable'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("psd_label_low_avse, energy_label"), std::string::npos) << msg;
  }
  c.amplitude_targets = {"energy"};
  EXPECT_NO_THROW(check_targets_compatible(c, {"energy_label"}, "energy_label"));
  c.amplitude_targets = {"pulse_height"};
  EXPECT_NO_THROW(check_targets_compatible(c, {"pulse_height"}, "energy_label"));
}

TEST(Preprocess, EnergyTargetWithMinMaxIsRefused) {
  PreprocessConfig c;  // min-max
  try {
    check_targets_compatible(c, {"psd_label_low_avse", "energy_label"}, "energy_label");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("energy_label"), std::string::npos) << msg;
    EXPECT_NE(msg.find("amplitude"), std::string::npos) << msg;
  }
  EXPECT_THROW(check_targets_compatible(c, {"truth_energy_kev"}, "energy_label"), InputError);
  c.amplitude_targets = {"pulse_height"};
  EXPECT_THROW(check_targets_compatible(c, {"pulse_height"}, "energy_label"), InputError);
  c.amplitude_targets = {};
  EXPECT_NO_THROW(check_targets_compatible(c, {"psd_label_low_avse", "psd_label_dcr"}, "energy_label"));
  c.normalization = Normalization::Amplitude;
  EXPECT_NO_THROW(check_targets_compatible(c, {"energy_label"}, "energy_label"));
  c.normalization = Normalization::None;
  EXPECT_NO_THROW(check_targets_compatible(c, {"energy_label"}, "energy_label"));
}

TEST(Preprocess, AmplitudeScalingKeepsRelativeHeights) {
  PreprocessConfig c;
  c.normalization = Normalization::Amplitude;
  c.baseline = BaselineMode::Window;
  c.window_start_ns = 0;
  c.window_length_ns = 1000;
  c.baseline_length_ns = 200;
  Preprocessor pre(c, 10.0, 100);
  EXPECT_TRUE(pre.needs_fit());
  // Two pulses of height 100 and 300 on different baselines.
  std::vector<float> a(100, 50.0f), b(100, 80.0f), wa(100), wb(100);
  for (std::size_t i = 50; i < 100; ++i) {
    a[i] += 100.0f;
    b[i] += 300.0f;
  }
  Preprocessor::Fitter fitter(pre);
  pre.transform_unscaled(a.data(), 0, 0, wa.data());
  fitter.add(wa.data());
  pre.transform_unscaled(b.data(), 0, 0, wb.data());
  fitter.add(wb.data());
  fitter.finish(pre);
  EXPECT_DOUBLE_EQ(pre.state().amplitude_scale, 200.0);  // mean peak height
  pre.transform(a.data(), 0, 0, wa.data());
  pre.transform(b.data(), 0, 0, wb.data());
  EXPECT_FLOAT_EQ(wa[99], 0.5f);
  EXPECT_FLOAT_EQ(wb[99], 1.5f);
  EXPECT_FLOAT_EQ(wb[99] / wa[99], 3.0f);
  EXPECT_FLOAT_EQ(wa[0], 0.0f);
}

TEST(Preprocess, StandardScalerStatistics) {
  PreprocessConfig c = no_scaling();
  c.standard_scaler = true;
  c.window_start_ns = 0;
  c.window_length_ns = 40;  // 4 samples
  Preprocessor pre(c, 10.0, 4);
  const std::vector<std::vector<float>> rows = {{1, 2, 3, 5}, {3, 2, 5, 9}, {5, 2, 7, 4}};
  Preprocessor::Fitter fitter(pre);
  for (const auto& r : rows) fitter.add(r.data());
  EXPECT_THROW(pre.transform(rows[0].data(), 0, 0, std::vector<float>(4).data()), InputError);
  fitter.finish(pre);
  const auto& s = pre.state();
  EXPECT_FLOAT_EQ(s.scaler_mean[0], 3.0f);
  EXPECT_FLOAT_EQ(s.scaler_std[0], std::sqrt(8.0f / 3.0f));  // population std like sklearn
  EXPECT_FLOAT_EQ(s.scaler_std[1], 1.0f);                    // constant feature: scale 1
  // Transformed columns have mean 0 and std 1.
  std::vector<double> sum(4, 0.0), sq(4, 0.0);
  std::vector<float> out(4);
  for (const auto& r : rows) {
    pre.transform(r.data(), 0, 0, out.data());
    for (int i = 0; i < 4; ++i) {
      sum[i] += out[i];
      sq[i] += out[i] * out[i];
    }
  }
  for (int i : {0, 2, 3}) {
    EXPECT_NEAR(sum[i] / 3.0, 0.0, 1e-6);
    EXPECT_NEAR(sq[i] / 3.0, 1.0, 1e-5);
  }
  Preprocessor::Fitter empty(pre);
  EXPECT_THROW(empty.finish(pre), InputError);
}

TEST(Preprocess, JsonRoundTrip) {
  wl::test::TempDir dir("wl_test_pre_json");
  PreprocessConfig c;
  c.window = WindowMode::Tp0;
  c.baseline = BaselineMode::Pretrigger;
  c.normalization = Normalization::Amplitude;
  c.standard_scaler = true;
  c.amplitude_targets = {"x"};
  Preprocessor pre(c, 10.0, 3800);
  auto& s = pre.mutable_state();
  s.amplitude_scale = 1234.5678;
  s.scaler_mean.resize(1000);
  s.scaler_std.resize(1000);
  for (std::size_t i = 0; i < 1000; ++i) {
    s.scaler_mean[i] = 0.1f * static_cast<float>(i) + 1e-7f;
    s.scaler_std[i] = 1.0f / (1.0f + static_cast<float>(i));
  }
  s.fitted = true;
  s.fit_events = 77;
  s.has_energy_threshold = true;
  s.energy_threshold_kev = 1500.0;
  s.waveform_field = "raw_waveform";
  s.energy_field = "energy_label";
  s.tp0_field = "tp0";
  s.target_names = {"psd_label_low_avse", "psd_class"};
  s.multiclass = "first_fail";
  const auto path = dir / "preprocess.json";
  pre.save(path, false);
  EXPECT_THROW(pre.save(path, false), InputError);
  const auto back = Preprocessor::load(path);
  const auto& t = back.state();
  EXPECT_EQ(t.config.window, WindowMode::Tp0);
  EXPECT_EQ(t.config.baseline, BaselineMode::Pretrigger);
  EXPECT_EQ(t.config.normalization, Normalization::Amplitude);
  EXPECT_TRUE(t.config.standard_scaler);
  EXPECT_EQ(t.config.amplitude_targets, c.amplitude_targets);
  EXPECT_EQ(t.window_length_samples, s.window_length_samples);
  EXPECT_EQ(t.tp0_offset_samples, s.tp0_offset_samples);
  EXPECT_EQ(t.pretrigger_length_samples, s.pretrigger_length_samples);
  EXPECT_EQ(t.amplitude_scale, s.amplitude_scale);
  EXPECT_EQ(t.scaler_mean, s.scaler_mean);  // bit-exact floats
  EXPECT_EQ(t.scaler_std, s.scaler_std);
  EXPECT_EQ(t.fit_events, 77u);
  EXPECT_TRUE(t.has_energy_threshold);
  EXPECT_EQ(t.energy_threshold_kev, 1500.0);
  EXPECT_EQ(t.target_names, s.target_names);
  EXPECT_EQ(t.multiclass, "first_fail");
  // The same transform on the same record.
  const auto record = ramp_record(3800, 300.0f);
  std::vector<float> a(1000), b(1000);
  pre.transform(record.data(), 0, pre.window_start_for(1200.0), a.data());
  back.transform(record.data(), 0, back.window_start_for(1200.0), b.data());
  EXPECT_EQ(a, b);
  // Broken files are input errors naming the file.
  std::ofstream(dir / "bad.json") << "{\"format\": \"something else\"}";
  try {
    Preprocessor::load(dir / "bad.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
  }
  std::ofstream(dir / "trunc.json") << pre.to_json().substr(0, 200);
  EXPECT_THROW(Preprocessor::load(dir / "trunc.json"), InputError);
  EXPECT_THROW(Preprocessor::load(dir / "absent.json"), InputError);
}

TEST(Preprocess, ConfigSection) {
  auto config = wl::core::Config::parse(R"(
[preprocess]
window = "tp0"
tp0_offset_ns = 500
normalization = "amplitude"
standard_scaler = true
)");
  const auto c = preprocess_config_from(config);
  EXPECT_EQ(c.window, WindowMode::Tp0);
  EXPECT_EQ(c.tp0_offset_ns, 500.0);
  EXPECT_EQ(c.normalization, Normalization::Amplitude);
  EXPECT_EQ(c.baseline, BaselineMode::Window);  // amplitude implies baseline subtraction
  EXPECT_TRUE(c.standard_scaler);
  EXPECT_NO_THROW(config.check_all_used());
  auto bad = wl::core::Config::parse("[preprocess]\nnormalization = \"minmux\"\n");
  EXPECT_THROW(preprocess_config_from(bad), InputError);
}

TEST(Preprocess, AmplitudePerDetectorEqualisesGains) {
  PreprocessConfig c;
  c.normalization = Normalization::Amplitude;
  c.amplitude_per_detector = true;
  c.baseline = BaselineMode::Window;
  c.window_start_ns = 0;
  c.window_length_ns = 1000;
  c.baseline_length_ns = 200;
  Preprocessor pre(c, 10.0, 100);
  // The same two energies (heights 1 and 3) seen by detector 7 (gain 100) and 9 (gain 130).
  auto pulse = [](float baseline, float height) {
    std::vector<float> r(100, baseline);
    for (std::size_t i = 50; i < 100; ++i) r[i] += height;
    return r;
  };
  const std::vector<std::pair<std::int64_t, std::vector<float>>> events = {
      {7, pulse(20, 100)}, {7, pulse(20, 300)}, {9, pulse(-5, 130)}, {9, pulse(-5, 390)}};
  Preprocessor::Fitter fitter(pre);
  std::vector<float> w(100);
  for (const auto& [det, rec] : events) {
    pre.transform_unscaled(rec.data(), 0, 0, w.data());
    fitter.add(w.data(), det);
  }
  fitter.finish(pre);
  EXPECT_DOUBLE_EQ(pre.amplitude_scale_for(7), 200.0);
  EXPECT_DOUBLE_EQ(pre.amplitude_scale_for(9), 260.0);
  EXPECT_DOUBLE_EQ(pre.amplitude_scale_for(4), 230.0);  // unseen detector: the global mean
  // The same energy gives the same scaled height on both detectors.
  std::vector<float> a(100), b(100);
  pre.transform(events[1].second.data(), 0, 0, a.data(), 7);
  pre.transform(events[3].second.data(), 0, 0, b.data(), 9);
  EXPECT_FLOAT_EQ(a[99], 1.5f);
  EXPECT_FLOAT_EQ(b[99], 1.5f);
  // ... and the scales survive preprocess.json.
  const auto back = Preprocessor::from_json(pre.to_json());
  EXPECT_TRUE(back.state().config.amplitude_per_detector);
  EXPECT_DOUBLE_EQ(back.amplitude_scale_for(9), 260.0);
  EXPECT_DOUBLE_EQ(back.amplitude_scale_for(4), 230.0);
  // Without the option every detector shares one scale.
  PreprocessConfig g = c;
  g.amplitude_per_detector = false;
  Preprocessor global(g, 10.0, 100);
  Preprocessor::Fitter gf(global);
  for (const auto& [det, rec] : events) {
    global.transform_unscaled(rec.data(), 0, 0, w.data());
    gf.add(w.data(), det);
  }
  gf.finish(global);
  EXPECT_DOUBLE_EQ(global.amplitude_scale_for(9), 230.0);
}

TEST(Preprocess, AmplitudePerDetectorNeedsAmplitudeNormalisation) {
  auto bad = wl::core::Config::parse("[preprocess]\nnormalization = \"minmax\"\namplitude_per_detector = true\n");
  try {
    preprocess_config_from(bad);
    FAIL() << "accepted amplitude_per_detector with min-max";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("amplitude_per_detector"), std::string::npos) << e.what();
  }
}
