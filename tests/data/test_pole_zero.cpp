// preprocess.pole_zero: a decaying step becomes flat with the right decay constant (and not
// with a wrong one), the keys and their refusals, the state through preprocess.json, and
// "auto" recovering the simulator's per-detector constants from a simulated file.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "synthetic_file.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/data/dataset.hpp"
#include "wavelearn/data/preprocess.hpp"
#include "wavelearn/data/window_source.hpp"
#include "wavelearn/sim/params.hpp"
#include "wavelearn/sim/simulate.hpp"

using namespace wl::data;
using wl::core::InputError;

namespace {

constexpr double kDtNs = 10.0;
constexpr double kTauNs = 60000.0;
constexpr std::size_t kRecord = 3000, kStep = 500;
constexpr float kPedestal = 800.0f, kHeight = 2000.0f;

// A pedestal, then a unit charge step through a preamplifier that decays with kTauNs.
std::vector<float> decaying_step() {
  std::vector<float> r(kRecord, kPedestal);
  for (std::size_t i = kStep; i < kRecord; ++i)
    r[i] += kHeight * static_cast<float>(std::exp(-static_cast<double>(i - kStep) * kDtNs / kTauNs));
  return r;
}

PreprocessConfig fixed_pole_zero(double tau_ns) {
  PreprocessConfig c;
  c.window_start_ns = 0.0;
  c.window_length_ns = kRecord * kDtNs;
  c.baseline = BaselineMode::Window;
  c.baseline_length_ns = 2000.0;
  c.normalization = Normalization::None;
  c.pole_zero = PoleZeroMode::Fixed;
  c.pole_zero_tau_ns = tau_ns;
  return c;
}

// Largest |x - kHeight| over the flat top (after the step).
double flat_top_deviation(const std::vector<float>& w) {
  double worst = 0.0;
  for (std::size_t i = kStep; i < w.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(w[i]) - kHeight));
  return worst;
}

std::vector<float> transformed(const Preprocessor& pre, const std::vector<float>& record, std::int64_t det = 0) {
  std::vector<float> out(pre.window_length_samples());
  pre.transform(record.data(), 0, pre.window_start_for(NAN), out.data(), det);
  return out;
}

}  // namespace

TEST(PoleZero, DecayingStepBecomesFlatWithTheRightTau) {
  const auto record = decaying_step();
  PreprocessConfig off = fixed_pole_zero(kTauNs);
  off.pole_zero = PoleZeroMode::Off;
  // Uncorrected, the 30 us top decays by 1 - exp(-25000/60000) = 34 %.
  EXPECT_GT(flat_top_deviation(transformed(Preprocessor(off, kDtNs, kRecord), record)), 0.3 * kHeight);
  const Preprocessor right(fixed_pole_zero(kTauNs), kDtNs, kRecord);
  EXPECT_TRUE(right.state().fitted);  // nothing to fit with a fixed constant
  const auto w = transformed(right, record);
  EXPECT_LT(flat_top_deviation(w), 1e-4 * kHeight);
  for (std::size_t i = 0; i < kStep; ++i) ASSERT_NEAR(w[i], 0.0f, 1e-3f) << i;
  // 10 % off in tau leaves a visible slope (the test can fail).
  EXPECT_GT(flat_top_deviation(transformed(Preprocessor(fixed_pole_zero(1.1 * kTauNs), kDtNs, kRecord), record)),
            0.02 * kHeight);
}

TEST(PoleZero, RunsBeforeMinMax) {
  auto c = fixed_pole_zero(kTauNs);
  c.normalization = Normalization::MinMax;
  const auto w = transformed(Preprocessor(c, kDtNs, kRecord), decaying_step());
  EXPECT_NEAR(w[kStep + 10], 1.0f, 1e-4f);
  EXPECT_NEAR(w.back(), 1.0f, 1e-4f);  // the flat top, not a decayed tail, reaches 1
}

TEST(PoleZero, ConfigKeysAndRefusals) {
  auto auto_cfg = wl::core::Config::parse("[preprocess]\npole_zero = \"auto\"\n");
  const auto a = preprocess_config_from(auto_cfg);
  EXPECT_EQ(a.pole_zero, PoleZeroMode::Auto);
  EXPECT_EQ(a.baseline, BaselineMode::Window);  // the correction implies baseline subtraction
  EXPECT_NO_THROW(auto_cfg.check_all_used());
  const auto f = preprocess_config_from(
      wl::core::Config::parse("[preprocess]\npole_zero = \"fixed\"\npole_zero_tau_ns = 70000\n"));
  EXPECT_EQ(f.pole_zero, PoleZeroMode::Fixed);
  EXPECT_EQ(f.pole_zero_tau_ns, 70000.0);
  EXPECT_EQ(preprocess_config_from(wl::core::Config::parse("")).pole_zero, PoleZeroMode::Off);
  auto refused = [](const std::string& toml, const std::string& needle) {
    try {
      preprocess_config_from(wl::core::Config::parse(toml));
      ADD_FAILURE() << toml;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  refused("[preprocess]\npole_zero = \"auto\"\nbaseline = \"none\"\n", "preprocess.baseline");
  refused("[preprocess]\npole_zero = \"fixed\"\n", "preprocess.pole_zero_tau_ns");
  refused("[preprocess]\npole_zero = \"fixed\"\npole_zero_tau_ns = -5\n", "preprocess.pole_zero_tau_ns");
  refused("[preprocess]\npole_zero = \"auto\"\npole_zero_tau_ns = 5\n", "preprocess.pole_zero_tau_ns");
  refused("[preprocess]\npole_zero = \"on\"\n", "preprocess.pole_zero");
}

TEST(PoleZero, StateRoundTripsThroughJson) {
  auto c = fixed_pole_zero(kTauNs);
  c.pole_zero = PoleZeroMode::Auto;
  Preprocessor pre(c, kDtNs, kRecord);
  EXPECT_TRUE(pre.needs_fit());
  EXPECT_FALSE(pre.needs_scaling_fit());
  auto& s = pre.mutable_state();
  s.pole_zero_tau_ns = 61234.5678;
  s.pole_zero_tau_ns_by_detector = {{3, kTauNs}, {7, 1.5 * kTauNs}};
  s.pole_zero_tails = 321;
  s.fitted = true;
  const std::string text = pre.to_json();
  EXPECT_NE(text.find("\"version\": 2"), std::string::npos);  // older programs refuse it
  const auto back = Preprocessor::from_json(text);
  const auto& t = back.state();
  EXPECT_EQ(t.config.pole_zero, PoleZeroMode::Auto);
  EXPECT_EQ(t.pole_zero_tau_ns, s.pole_zero_tau_ns);
  EXPECT_EQ(t.pole_zero_tau_ns_by_detector, s.pole_zero_tau_ns_by_detector);
  EXPECT_EQ(t.pole_zero_tails, 321u);
  // Detector 3 has its own constant, detector 5 the global one: the same windows after loading.
  const auto record = decaying_step();
  EXPECT_LT(flat_top_deviation(transformed(back, record, 3)), 1e-4 * kHeight);
  EXPECT_EQ(transformed(back, record, 5), transformed(pre, record, 5));
  EXPECT_NE(transformed(back, record, 5), transformed(back, record, 3));
  // Without the correction the file stays version 1; a broken constant is refused.
  EXPECT_NE(Preprocessor(PreprocessConfig{}, kDtNs, kRecord).to_json().find("\"version\": 1"), std::string::npos);
  std::string bad = text;
  bad.replace(bad.find("61234.5678"), 10, "-1.0000000");
  EXPECT_THROW(Preprocessor::from_json(bad), InputError);
}

TEST(PoleZero, AutoRecoversTheSimulatorsDecayConstants) {
  wl::test::TempDir dir("wl_test_pole_zero_auto");
  wl::sim::SimulateOptions o;
  o.n_events = 1500;
  o.seed = 17;
  o.out_path = (dir / "sim.h5").string();
  o.threads = 2;
  o.quiet = true;
  o.label = false;
  wl::sim::simulate_to_file(o);
  DatasetConfig dc;
  dc.path = o.out_path;
  dc.has_threshold = false;
  dc.targets = {"truth_is_single_site"};  // unlabelled file
  Dataset ds(dc);
  PreprocessConfig c;
  c.window = WindowMode::Tp0;
  c.baseline = BaselineMode::Window;
  c.pole_zero = PoleZeroMode::Auto;
  Preprocessor pre(c, ds.sample_period_ns(), ds.record_length_samples());
  std::vector<std::size_t> rows(ds.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  fit_preprocessor(ds, ds.reader(), pre, rows);
  ASSERT_TRUE(pre.state().fitted);
  EXPECT_GT(pre.state().pole_zero_tails, 1000u);
  const auto detectors = wl::sim::make_detectors(wl::sim::with_response_overrides(o.params), o.seed);
  ASSERT_EQ(pre.state().pole_zero_tau_ns_by_detector.size(), detectors.size());
  for (const auto& d : detectors) {
    const double tau = pre.pole_zero_tau_for(d.id);
    EXPECT_NEAR(tau / d.decay_tau_ns, 1.0, 0.03) << "detector " << d.id << ": " << tau << " vs " << d.decay_tau_ns;
  }
}
