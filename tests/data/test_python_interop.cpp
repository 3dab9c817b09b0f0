// preprocess.json is a contract with Python: tests/data/apply_preprocess.py (h5py + NumPy)
// must produce the windows the loader produces.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "synthetic_file.hpp"
#include "test_paths.hpp"
#include "wavelearn/data/window_source.hpp"

using namespace wl::data;

namespace {

void compare_with_python(const PreprocessConfig& config, const std::string& name) {
  wl::test::TempDir dir("wl_test_pyinterop_" + name);
  const auto file = dir / "mjd.h5";
  wl::test::SyntheticSpec spec;
  spec.n_events = 60;
  spec.n_samples = 2000;
  spec.tp0_min = 900;
  spec.tp0_max = 1000;
  const auto raw = wl::test::write_synthetic(file, spec);

  DatasetConfig dc;
  dc.path = file.string();
  dc.has_threshold = false;
  Dataset ds(dc);
  Preprocessor pre(config, ds.sample_period_ns(), ds.record_length_samples());
  pre.mutable_state().waveform_field = "raw_waveform";
  pre.mutable_state().tp0_field = "tp0";
  pre.mutable_state().detector_field = "detector";
  std::vector<std::size_t> train;
  for (std::size_t r = 0; r < 40; ++r) train.push_back(r);
  fit_preprocessor(ds, ds.reader(), pre, train);
  const auto json = dir / "preprocess.json";
  pre.save(json, false);

  const std::vector<std::size_t> events = {0, 7, 41, 59};
  const auto out = dir / "py.f32";
  std::string cmd = "/usr/bin/python3 " + std::string(WL_SOURCE_DIR) +
                    "/tests/data/apply_preprocess.py " + file.string() + " " + json.string() + " " +
                    out.string();
  for (auto e : events) cmd += " " + std::to_string(e);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  const std::size_t l = pre.window_length_samples();
  std::vector<float> py(events.size() * l);
  std::ifstream in(out, std::ios::binary);
  in.read(reinterpret_cast<char*>(py.data()), static_cast<std::streamsize>(py.size() * sizeof(float)));
  ASSERT_TRUE(in.good());

  // The loader's windows of the same events (streaming source, as predict uses).
  auto source = make_stream_source(ds, ds.open_another_reader(), pre);
  std::vector<float> cpp(events.size() * l);
  source->gather(events.data(), events.size(), cpp.data());  // rows == events: no threshold
  for (std::size_t i = 0; i < cpp.size(); ++i) {
    ASSERT_NEAR(cpp[i], py[i], 1e-5f * std::max(1.0f, std::fabs(cpp[i]))) << name << " at " << i;
  }
  (void)raw;
}

}  // namespace

TEST(PythonInterop, LectureWindowAndMinMax) { compare_with_python(PreprocessConfig{}, "lecture"); }

TEST(PythonInterop, Tp0PretriggerAmplitudeAndScaler) {
  PreprocessConfig c;
  c.window = WindowMode::Tp0;
  c.tp0_offset_ns = 1500;
  c.baseline = BaselineMode::Pretrigger;
  c.pretrigger_start_ns = 0;
  c.pretrigger_length_ns = 3000;
  c.normalization = Normalization::Amplitude;
  c.standard_scaler = true;
  compare_with_python(c, "tp0");
}

TEST(PythonInterop, AmplitudePerDetectorAndScaler) {
  PreprocessConfig c;
  c.baseline = BaselineMode::Pretrigger;
  c.pretrigger_start_ns = 0;
  c.pretrigger_length_ns = 3000;
  c.normalization = Normalization::Amplitude;
  c.amplitude_per_detector = true;
  c.standard_scaler = true;
  compare_with_python(c, "per-detector");
}

TEST(PythonInterop, PoleZeroBeforeMinMax) {
  PreprocessConfig c;
  c.window = WindowMode::Tp0;
  c.tp0_offset_ns = 1500;
  c.baseline = BaselineMode::Window;
  c.pole_zero = PoleZeroMode::Fixed;
  c.pole_zero_tau_ns = 3000;  // short beside the window, so a wrong recursion shows
  compare_with_python(c, "pole-zero");
}
