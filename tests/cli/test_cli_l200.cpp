// `inspect` and `dsp` on the real compressed LEGEND-200 raw file (tests/io/data): both
// waveform streams listed with their lengths, periods and codecs; dsp runs on either.
#include <gtest/gtest.h>

#include "run_cli.hpp"

using wl::test::run_cli;
using wl::test::ScratchDir;

namespace {
const std::string kL200 = std::string(WL_SOURCE_DIR) + "/tests/io/data/l200-p14-r004-cal-raw.lh5";
}

TEST(CliL200, InspectListsChannelsAndBothStreams) {
  const auto r = run_cli("inspect " + kL200);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("format: lh5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("waveform: 1400 samples x 16 ns"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("* ch1105600    waveform_windowed    1 events x 1400 samples x 16 ns  radware_sigcompress"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("waveform_presummed   1 events x 781 samples x 128 ns  uleb128_zigzag_diff"), std::string::npos);
  EXPECT_NE(r.out.find("ch1115205"), std::string::npos);
  EXPECT_NE(r.out.find("daqenergy"), std::string::npos);  // a zstd-compressed field, summarised
}

TEST(CliL200, InspectPresummedStreamAndJson) {
  const auto r = run_cli("inspect " + kL200 + " --channel ch1115205 --stream presummed --window 0:781 --json");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"n_samples\": 781"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"sample_period_ns\": 128.0"), std::string::npos);
  EXPECT_NE(r.out.find("\"lh5_streams\""), std::string::npos);
  EXPECT_NE(r.out.find("\"min\": 117036.0"), std::string::npos);  // the reference decoder's minimum
}

TEST(CliL200, DspRunsOnEitherStream) {
  ScratchDir dir("wl_cli_l200");
  for (const char* stream : {"", " --stream presummed"}) {
    const auto out = dir / (std::string("f") + (*stream ? "p" : "w") + ".h5");
    const auto r = run_cli("-q dsp " + kL200 + stream + " --out " + out);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(out));
  }
}
