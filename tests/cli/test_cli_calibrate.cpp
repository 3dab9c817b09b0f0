// `wavelearn calibrate` end to end on synthetic feature tables written by
// tests/dsp_calib/make_feature_table.py (two detectors, known gains 3.8 and 4.4 ADC/keV).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

class CliCalibrate : public ::testing::Test {
 protected:
  static fs::path dir;
  static fs::path table(const std::string& name) { return dir / (name + ".h5"); }
  static void make(const std::string& name, const std::string& mode) {
    const std::string cmd = "/usr/bin/python3 " + std::string(WL_SOURCE_DIR) + "/tests/dsp_calib/make_feature_table.py " +
                            table(name).string() + " 60000 7 " + mode;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  static void SetUpTestSuite() {
    dir = fs::temp_directory_path() / ("wl_cli_calibrate_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    make("features", "");
    make("flat", "flat");
    make("nodetector", "nodetector");
  }
  static void TearDownTestSuite() { fs::remove_all(dir); }
};
fs::path CliCalibrate::dir;

TEST_F(CliCalibrate, FitsSavesAndPrintsSurvival) {
  const fs::path out = dir / "calib.json";
  const auto r = run_cli("calibrate " + table("features").string() + " --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("DEP"), std::string::npos);
  EXPECT_NE(r.out.find("Compton"), std::string::npos);
  EXPECT_NE(r.out.find("2614.5 keV"), std::string::npos);
  ASSERT_TRUE(fs::exists(out));
  const auto j = nlohmann::json::parse(wl::test::read_all(out));
  const auto& dets = j.at("calibration").at("detectors");
  ASSERT_EQ(dets.size(), 2u);
  const double gains[] = {3.8, 4.4};
  for (std::size_t k = 0; k < 2; ++k) {
    const double c1 = dets[k].at("coeffs")[1].get<double>();
    EXPECT_NEAR(c1 * gains[k], 1.0, 1e-3) << "detector " << dets[k].at("detector");
  }
  const auto& surv = j.at("summary").at("survival");
  ASSERT_EQ(surv.size(), 4u);
  EXPECT_EQ(surv[0].at("region"), "DEP");
  EXPECT_NEAR(surv[0].at("low_avse").get<double>(), 0.90, 0.03);
  EXPECT_LT(surv[1].at("low_avse").get<double>(), 0.6);  // SEP
  // The saved file is not replaced without --force.
  const auto again = run_cli("calibrate " + table("features").string() + " --out " + out.string());
  EXPECT_EQ(again.status, 2);
  EXPECT_EQ(wl::test::count_lines(again.err), 1) << again.err;
  EXPECT_NE(again.err.find("calib.json"), std::string::npos) << again.err;
  EXPECT_EQ(run_cli("calibrate " + table("features").string() + " --out " + out.string() + " --force").status, 0);
}

TEST_F(CliCalibrate, ApplyingSavedParametersReproducesTheSummary) {
  const fs::path out = dir / "params.json";
  const auto fit = run_cli("calibrate " + table("features").string() + " --json --out " + out.string());
  ASSERT_EQ(fit.status, 0) << fit.err;
  const auto applied = run_cli("calibrate " + table("features").string() + " --json --apply " + out.string());
  ASSERT_EQ(applied.status, 0) << applied.err;
  const auto a = nlohmann::json::parse(fit.out), b = nlohmann::json::parse(applied.out);
  EXPECT_EQ(a.at("summary").at("survival"), b.at("summary").at("survival"));
  EXPECT_EQ(a.at("cuts"), b.at("cuts"));
}

TEST_F(CliCalibrate, BadInputsGiveOneLineErrors) {
  const auto flat = run_cli("calibrate " + table("flat").string() + " --out " + (dir / "flat.json").string());
  EXPECT_EQ(flat.status, 2);
  EXPECT_EQ(wl::test::count_lines(flat.err), 1) << flat.err;
  EXPECT_NE(flat.err.find("2614.5"), std::string::npos) << flat.err;
  EXPECT_FALSE(fs::exists(dir / "flat.json"));

  const auto nodet = run_cli("calibrate " + table("nodetector").string() + " --out " + (dir / "nd.json").string());
  EXPECT_EQ(nodet.status, 2);
  EXPECT_EQ(wl::test::count_lines(nodet.err), 1) << nodet.err;
  EXPECT_NE(nodet.err.find("detector"), std::string::npos) << nodet.err;

  const auto missing = run_cli("calibrate " + (dir / "absent.h5").string());
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(wl::test::count_lines(missing.err), 1) << missing.err;

  const auto garbage = dir / "garbage.json";
  {
    std::ofstream(garbage) << "{\"calibration\": 3}";
  }
  const auto bad_apply = run_cli("calibrate " + table("features").string() + " --apply " + garbage.string());
  EXPECT_EQ(bad_apply.status, 2);
  EXPECT_EQ(wl::test::count_lines(bad_apply.err), 1) << bad_apply.err;
}

// Saved parameters of other detectors, or of another format version, are refused rather
// than applied: a detector the file never saw would get the pooled gain (energies off by
// the gain ratio), and version 99 may mean other formulas under the same keys.
TEST_F(CliCalibrate, ApplyRefusesOtherDetectorsAndUnknownVersions) {
  const fs::path fitted = dir / "apply_params.json";
  ASSERT_EQ(run_cli("calibrate " + table("features").string() + " --out " + fitted.string()).status, 0);
  const auto params = nlohmann::json::parse(wl::test::read_all(fitted));
  auto refused = [&](const nlohmann::json& j, const std::string& name, const std::string& needle) {
    const fs::path p = dir / name;
    std::ofstream(p) << j.dump();
    const fs::path labels = dir / (name + ".labels.h5");
    const auto r = run_cli("calibrate " + table("features").string() + " --apply " + p.string() + " --labels " +
                           labels.string());
    EXPECT_EQ(r.status, 2) << name << ": " << r.out;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(labels));
  };
  auto one_detector = params;
  const auto dropped = params.at("calibration").at("detectors")[1].at("detector").get<int>();
  for (const char* part : {"calibration", "cuts"}) one_detector[part]["detectors"].erase(1);
  refused(one_detector, "one_detector.json", "detector(s) " + std::to_string(dropped));
  auto cuts_only = params;
  cuts_only["cuts"]["detectors"].erase(1);
  refused(cuts_only, "cuts_only.json", "detector(s) " + std::to_string(dropped));
  auto v99 = params;
  v99["version"] = 99;
  refused(v99, "v99.json", "'version' is 99");
  auto unversioned = params;
  unversioned.erase("version");
  refused(unversioned, "unversioned.json", "'version' is missing");
}

}  // namespace
