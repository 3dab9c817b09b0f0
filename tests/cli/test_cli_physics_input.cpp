// Physics-aware input end to end (configs/cnn-physics.toml): a tp0 window, baseline,
// pole-zero "auto" and the current as a second channel train, predict and explain on a
// small simulated file; the transformer and the multitask CNN take the channels too; the
// decay constants land in preprocess.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

std::string preset(const std::string& name) { return std::string(WL_SOURCE_DIR) + "/configs/" + name + ".toml"; }

class PhysicsInputCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new wl::test::ScratchDir("wl_cli_physics_input");
    const auto r = run_cli("-q --threads 2 simulate --events 1500 --seed 23 --out " + (*dir_ / "sim.h5"));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string train(const std::string& preset_name, const std::string& out, const std::string& extra) {
    return "-q --threads 2 train --config " + preset(preset_name) + " --data " + (*dir_ / "sim.h5") + " --out " +
           (*dir_ / out) + " --set train.epochs=1 --set data.energy_threshold_kev=0 --set data.max_events=800 "
           "--set eval.bootstrap_replicas=10 " +
           extra;
  }
  static inline wl::test::ScratchDir* dir_ = nullptr;
};

}  // namespace

TEST_F(PhysicsInputCli, CnnPhysicsTrainsPredictsAndExplains) {
  auto r = run_cli(train("cnn-physics", "phys", ""));
  ASSERT_EQ(r.status, 0) << r.err;
  const fs::path run = *dir_ / "phys";
  // The fitted decay constants travel with the run, one per detector of the simulator's 10.
  const auto pre = nlohmann::json::parse(read_all(run / "preprocess.json"));
  EXPECT_EQ(pre.at("version"), 2);
  EXPECT_EQ(pre.at("pole_zero").at("mode"), "auto");
  EXPECT_EQ(pre.at("pole_zero").at("tau_ns_by_detector").size(), 10u) << pre.at("pole_zero").dump();
  const double tau = pre.at("pole_zero").at("tau_ns");
  EXPECT_GT(tau, 50000.0 * 0.97);  // SimParams: 50-80 us per detector
  EXPECT_LT(tau, 80000.0 * 1.03);
  EXPECT_NE(read_all(run / "config.toml").find("current"), std::string::npos);
  // The first conv layer has one more input channel than configs/cnn.toml's: 8 x 9 weights.
  r = run_cli(train("cnn-physics", "phys_wf", "--set 'model.input_channels=[\"waveform\"]'"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto parameters = [&](const std::string& name) {
    return nlohmann::json::parse(read_all(*dir_ / name + "/metrics.json")).at("training").at("parameters").get<int64_t>();
  };
  EXPECT_EQ(parameters("phys") - parameters("phys_wf"), 8 * 9);

  r = run_cli("-q predict --model " + run.string() + " --data " + (*dir_ / "sim.h5") + " --out " + (*dir_ / "pred.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(*dir_ / "pred.h5"));
  r = run_cli("-q --threads 2 explain --model " + run.string() + " --out " + (*dir_ / "explain") +
              " --max-events 10 --methods saliency,integrated_gradients --ig-steps 8");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto ex = nlohmann::json::parse(read_all(fs::path(*dir_ / "explain") / "explain.json"));
  EXPECT_EQ(ex.at("n_events"), 10);
}

TEST_F(PhysicsInputCli, TransformerAndMultitaskTakeTheCurrent) {
  const std::string two = "--set 'model.input_channels=[\"waveform\", \"current\"]' ";
  auto r = run_cli(train("transformer", "tr", two + "--set preprocess.pole_zero=auto"));
  ASSERT_EQ(r.status, 0) << r.err;
  // Amplitude normalisation on a pole-zero corrected, pre-trigger-subtracted window.
  r = run_cli(train("multitask", "mt", two + "--set preprocess.pole_zero=fixed --set preprocess.pole_zero_tau_ns=65000"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto pre = nlohmann::json::parse(read_all(fs::path(*dir_ / "mt") / "preprocess.json"));
  EXPECT_EQ(pre.at("pole_zero").at("tau_ns"), 65000.0);
  EXPECT_TRUE(fs::exists(fs::path(*dir_ / "mt") / "model.pt"));
}

TEST_F(PhysicsInputCli, UnknownChannelIsAOneLineError) {
  const auto r = run_cli(train("cnn-physics", "bad", "--set 'model.input_channels=[\"waveform\", \"voltage\"]'"));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("model.input_channels"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(*dir_ / "bad"));
}
