// `wavelearn inspect` end to end, and every bad-input path of the io module as a user sees
// it: exit status 2 and exactly one `error: ...` line naming the file and dataset.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cli/run_cli.hpp"
#include "test_paths.hpp"

using wl::test::run_cli;

namespace {

class InspectCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("wl_cli_io_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Writes a fixture file with the io test helper (plain HDF5 C API) and returns its path.
  std::string fixture(const std::string& kind) {
    const std::string path = (dir_ / (kind + ".h5")).string();
    const std::string cmd = std::string(WL_BINARY_DIR) + "/tests/io/io_tool fixture " + kind + " " + path;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    return path;
  }
  static void expect_one_line_error(const wl::test::CliResult& r, const std::vector<std::string>& needles) {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "'" << n << "' not in: " << r.err;
  }
  std::filesystem::path dir_;
};

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

}  // namespace

TEST_F(InspectCli, MjdFileShowsLayoutFieldsLabelsAndEnergy) {
  const auto path = fixture("mjd");
  const auto r = run_cli("inspect " + path);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "format: mjd"));
  EXPECT_TRUE(contains(r.out, "events: 300"));
  EXPECT_TRUE(contains(r.out, "64 samples x 10 ns"));
  EXPECT_TRUE(contains(r.out, "/raw_waveform"));
  EXPECT_TRUE(contains(r.out, "(300, 64)"));
  EXPECT_TRUE(contains(r.out, "int16"));
  EXPECT_TRUE(contains(r.out, "psd_label_high_avse"));
  EXPECT_TRUE(contains(r.out, "DEP"));
}

TEST_F(InspectCli, JsonReportsExactStatistics) {
  const auto path = fixture("mjd");
  const auto r = run_cli("inspect " + path + " --json --min-energy 1000 --window 10:20");
  ASSERT_EQ(r.status, 0) << r.err;
  // energy_label = 100 + 7 i for i < 300: 171 events above 1000 keV, mean 1146.5, max 2193.
  EXPECT_TRUE(contains(r.out, "\"n_events\": 171")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"mean\": 1146.5")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"max\": 2193.0")) << r.out;
  // psd_label_low_avse passes unless i % 10 == 0: 270 of 300.
  EXPECT_TRUE(contains(r.out, "\"pass_fraction\": 0.9")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"begin\": 10")) << r.out;
}

TEST_F(InspectCli, NpmlFileHasNoLabels) {
  const auto r = run_cli("inspect " + fixture("npml"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "labels: none"));
  EXPECT_TRUE(contains(r.out, "events: 50"));
}

TEST_F(InspectCli, Lh5FixedVariableAndMicroseconds) {
  auto r = run_cli("inspect " + fixture("lh5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "format: lh5"));
  EXPECT_TRUE(contains(r.out, "96 samples x 16 ns"));
  EXPECT_TRUE(contains(r.out, "/ch1027201/raw/waveform/values"));
  EXPECT_TRUE(contains(r.out, "array_of_equalsized_arrays"));
  r = run_cli("inspect " + fixture("lh5-us") + " --channel geds");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "x 16 ns")) << r.out;
  r = run_cli("inspect " + fixture("lh5-var") + " --window 0:40");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "40 samples x 16 ns"));
  EXPECT_TRUE(contains(r.out, "over 6 events"));
}

TEST_F(InspectCli, GenericMapping) {
  const auto path = fixture("generic");
  const auto r = run_cli("inspect " + path + " --waveform pulses --label label --energy amplitude --dt-ns 1e6");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "format: generic"));
  EXPECT_TRUE(contains(r.out, "100 samples x 1e+06 ns"));
  EXPECT_TRUE(contains(r.out, "label"));
  EXPECT_TRUE(contains(r.out, "0.5000"));
}

TEST_F(InspectCli, MissingFile) {
  expect_one_line_error(run_cli("inspect " + (dir_ / "nope.h5").string()), {"nope.h5", "no such file"});
}

TEST_F(InspectCli, NotHdf5) {
  expect_one_line_error(run_cli("inspect " + fixture("not-hdf5")), {"not-hdf5.h5", "not an HDF5 file"});
}

TEST_F(InspectCli, MissingWaveformDataset) {
  expect_one_line_error(run_cli("inspect " + fixture("no-waveform")), {"no-waveform.h5", "raw_waveform"});
}

TEST_F(InspectCli, OneDimensionalWaveform) {
  expect_one_line_error(run_cli("inspect " + fixture("waveform-1d")), {"waveform-1d.h5", "raw_waveform", "(5,)"});
}

TEST_F(InspectCli, LabelOfWrongLength) {
  expect_one_line_error(run_cli("inspect " + fixture("label-length")), {"label-length.h5", "psd_label_dcr"});
}

TEST_F(InspectCli, StringLabel) {
  expect_one_line_error(run_cli("inspect " + fixture("label-string")), {"label-string.h5", "psd_label_lq", "string"});
}

TEST_F(InspectCli, ZeroEventsAfterEnergySelection) {
  expect_one_line_error(run_cli("inspect " + fixture("mjd") + " --min-energy 9000"), {"mjd.h5", "energy_label"});
}

TEST_F(InspectCli, WindowOutsideWaveform) {
  expect_one_line_error(run_cli("inspect " + fixture("mjd") + " --window 50:80"), {"mjd.h5", "raw_waveform", "[50, 80)"});
}

TEST_F(InspectCli, UnknownLh5Channel) {
  expect_one_line_error(run_cli("inspect " + fixture("lh5") + " --channel ch9"), {"lh5.h5", "ch9"});
}
