// ChainConfig from TOML and its conversion to samples.
#include <gtest/gtest.h>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/dsp/chain_config_toml.hpp"

using namespace wl::dsp;
using wl::core::InputError;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_chain_config(text, "cfg.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ChainConfig, ParsesADspTable) {
  const auto c = parse_chain_config(R"(
[dsp]
trap_rise_ns = 3000
trap_flat_ns = 2000.5
current_passes = 2
tau_ns = 65000
[dsp.tau_ns_by_detector]
632 = 70000
"1172" = 55000.0
)", "cfg.toml");
  EXPECT_DOUBLE_EQ(c.trap_rise_ns, 3000);
  EXPECT_DOUBLE_EQ(c.trap_flat_ns, 2000.5);
  EXPECT_EQ(c.current_passes, 2);
  EXPECT_DOUBLE_EQ(c.tau_for(632), 70000);
  EXPECT_DOUBLE_EQ(c.tau_for(1172), 55000);
  EXPECT_DOUBLE_EQ(c.tau_for(5), 65000);
  EXPECT_DOUBLE_EQ(c.lq_fraction, ChainConfig{}.lq_fraction);  // untouched keys keep defaults
  const auto top = parse_chain_config("dcr_gap_ns = 8000\n", "x.toml");
  EXPECT_DOUBLE_EQ(top.dcr_gap_ns, 8000);
}

TEST(ChainConfig, BadKeysAndValuesAreNamed) {
  EXPECT_NE(error_of("[dsp]\ntrap_rise = 4000\n").find("dsp.trap_rise"), std::string::npos);
  EXPECT_NE(error_of("[dsp]\ntrap_rise_ns = \"long\"\n").find("trap_rise_ns"), std::string::npos);
  EXPECT_NE(error_of("[dsp]\ntrap_rise_ns = -1\n").find("trap_rise_ns"), std::string::npos);
  EXPECT_NE(error_of("[dsp]\ncurrent_passes = 1.5\n").find("current_passes"), std::string::npos);
  EXPECT_NE(error_of("[dsp]\n[dsp.tau_ns_by_detector]\nabc = 5\n").find("abc"), std::string::npos);
  EXPECT_NE(error_of("[dsp]\n[other]\n").find("other"), std::string::npos);
  EXPECT_NE(error_of("[dsp\n").find("cfg.toml"), std::string::npos);
  EXPECT_THROW(load_chain_config("/nonexistent/dsp.toml"), InputError);
}

TEST(ChainConfig, ConvertsNsToSamplesWithTheSamplingPeriod) {
  ChainConfig c;
  const auto s10 = to_samples(c, 10.0);
  const auto s16 = to_samples(c, 16.0);
  EXPECT_EQ(s10.trap_rise, 400u);
  EXPECT_EQ(s16.trap_rise, 250u);
  EXPECT_EQ(s10.dcr_gap, 1000u);
  EXPECT_EQ(s16.dcr_gap, 625u);
  EXPECT_GE(s16.saturation_plateau, 3u);
  EXPECT_THROW(to_samples(c, 0.0), InputError);
  EXPECT_NE(chain_config_json(c).find("\"trap_rise_ns\":4000"), std::string::npos);
}

TEST(ChainConfig, CommandLineOverridesAndEmbeddedTables) {
  ChainConfig c = parse_chain_config("[dsp]\ntrap_rise_ns = 3000\n", "cfg.toml");
  apply_chain_overrides(c, {"trap_flat_ns=1000", "dsp.tau_ns_by_detector.632=70000", "current_passes=2"});
  EXPECT_DOUBLE_EQ(c.trap_rise_ns, 3000);
  EXPECT_DOUBLE_EQ(c.trap_flat_ns, 1000);
  EXPECT_DOUBLE_EQ(c.tau_for(632), 70000);
  EXPECT_EQ(c.current_passes, 2);
  EXPECT_THROW(apply_chain_overrides(c, {"trap_flat"}), InputError);
  try {
    apply_chain_overrides(c, {"no_such_key=1"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_key"), std::string::npos);
  }
  EXPECT_THROW(apply_chain_overrides(c, {"trap_rise_ns=-5"}), InputError);
  EXPECT_THROW(apply_chain_overrides(c, {"trap_rise_ns=abc"}), InputError);

  const toml::table doc = toml::parse("[train]\nepochs = 3\n[dsp]\nlq_window_ns = 1500\n");
  ChainConfig d;
  apply_chain_config(d, *doc["dsp"].as_table(), "preset.toml");
  EXPECT_DOUBLE_EQ(d.lq_window_ns, 1500);
}
