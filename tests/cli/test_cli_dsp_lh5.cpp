// `dsp --out X.lh5`: the LEGEND dsp tier (lgdo tables at <channel>/dsp, or dsp/ for a flat
// file) and the dspeed naming; checked through wl_io's layout description.
#include <gtest/gtest.h>

#include <filesystem>

#include "run_cli.hpp"
#include "wavelearn/io/layout.hpp"
#include "wavelearn/io/table.hpp"

using wl::test::run_cli;
using wl::test::ScratchDir;

namespace {
const std::string kL200 = std::string(WL_SOURCE_DIR) + "/tests/io/data/l200-p14-r004-cal-raw.lh5";

// The attribute `name` of the dataset at `path`; "" when absent.
std::string attr(const wl::io::FileLayout& layout, const std::string& path, const std::string& name) {
  for (const auto& d : layout.datasets) {
    if (d.path != path) continue;
    for (const auto& [k, v] : d.attributes) {
      if (k == name) return v;
    }
  }
  return "";
}

std::vector<std::uint64_t> shape(const wl::io::FileLayout& layout, const std::string& path) {
  for (const auto& d : layout.datasets) {
    if (d.path == path) return d.shape;
  }
  return {};
}
}  // namespace

TEST(CliDspLh5, EveryLegendChannelKeepsItsNameUnderDspeedNames) {
  ScratchDir dir("wl_cli_dsp_lh5");
  const auto out = dir / "tier.lh5";
  auto r = run_cli("-q dsp " + kL200 + " --out " + out + " --naming dspeed");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto layout = wl::io::describe_layout(out);
  for (const char* ch : {"ch1105600", "ch1105604", "ch1107202", "ch1113600", "ch1115200", "ch1115205"}) {
    const std::string g = std::string("/") + ch + "/dsp/";
    EXPECT_EQ(attr(layout, g + "trapEmax", "units"), "ADC") << ch;
    EXPECT_EQ(attr(layout, g + "tp_0_est", "units"), "ns") << ch;
    EXPECT_EQ(attr(layout, g + "lq80", "datatype"), "array<1>{real}") << ch;
    EXPECT_TRUE(shape(layout, g + "energy_trap_max_adc").empty()) << "renamed to trapEmax";
    EXPECT_EQ(attr(layout, g + "dcr_raw", "units"), "1/us") << "no dspeed counterpart: the project's name";
  }
  EXPECT_EQ(shape(layout, "/ch1107202/dsp/bl_std"), (std::vector<std::uint64_t>{2}));
  // An existing output is refused without --force, and left as it was.
  const auto before = std::filesystem::last_write_time(out);
  r = run_cli("-q dsp " + kL200 + " --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("tier.lh5"), std::string::npos) << r.err;
  EXPECT_EQ(std::filesystem::last_write_time(out), before);
  // --channel: that channel only; --naming wavelearn keeps the project's names.
  r = run_cli("-q dsp " + kL200 + " --channel ch1107202 --out " + out + " --force");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto one = wl::io::describe_layout(out);
  EXPECT_EQ(shape(one, "/ch1107202/dsp/energy_trap_max_adc"), (std::vector<std::uint64_t>{2}));
  EXPECT_TRUE(shape(one, "/ch1105600/dsp/energy_trap_max_adc").empty());
}

TEST(CliDspLh5, FlatFileGoesToOneDspTableAndDspeedNamesWorkInHdf5) {
  ScratchDir dir("wl_cli_dsp_lh5_flat");
  const auto base = dir / "sim.h5";
  ASSERT_EQ(run_cli("-q simulate --events 40 --seed 3 --out " + base).status, 0);
  const auto out = dir / "f.out";
  auto r = run_cli("-q dsp " + base + " --out " + out + " --out-format lh5 --naming dspeed");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto layout = wl::io::describe_layout(out);
  EXPECT_EQ(shape(layout, "/dsp/trapEmax"), (std::vector<std::uint64_t>{40}));
  EXPECT_EQ(attr(layout, "/dsp/A_max", "units"), "ADC/sample");
  const auto h5 = dir / "f.h5";
  r = run_cli("-q dsp " + base + " --out " + h5 + " --naming dspeed");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto table = wl::io::read_table_h5(h5);
  EXPECT_TRUE(table.has("trapEmax"));
  EXPECT_TRUE(table.has("avse_raw"));
  EXPECT_FALSE(table.has("tp0_ns"));
}

TEST(CliDspLh5, PredictWritesAnLh5Table) {
  ScratchDir dir("wl_cli_predict_lh5");
  const auto base = dir / "sim.h5", feats = dir / "f.h5", run = dir / "run", out = dir / "p.lh5";
  ASSERT_EQ(run_cli("-q simulate --events 300 --seed 5 --out " + base).status, 0);
  ASSERT_EQ(run_cli("-q dsp " + base + " --out " + feats).status, 0);
  const auto t = run_cli("-q train --config " + std::string(WL_SOURCE_DIR) + "/configs/bdt.toml --data " + feats +
                         " --set model.n_trees=5 --out " + run);
  ASSERT_EQ(t.status, 0) << t.err;
  auto r = run_cli("-q predict --model " + run + " --data " + feats + " --out " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto layout = wl::io::describe_layout(out);
  EXPECT_EQ(shape(layout, "/predictions/score"), (std::vector<std::uint64_t>{300}));
  EXPECT_EQ(attr(layout, "/predictions/score", "datatype"), "array<1>{real}");
  EXPECT_EQ(attr(layout, "/predictions/energy_kev", "units"), "keV");
  r = run_cli("-q predict --model " + run + " --data " + feats + " --out " + out);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("p.lh5"), std::string::npos) << r.err;
}
