// The quantile and gaussian heads from the CLI on a small simulated file: a few epochs of
// configs/energy-quantile.toml (and its gaussian twin) write the per-event interval columns,
// the median or mean serves as the energy estimate, and metrics.json, the page and the model
// card report how often the intervals hold the true energy. The coverage of a 3-epoch toy is
// not the judge's 63-73 % (docs/models.md); here only its plumbing is checked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli/run_cli.hpp"
#include "wavelearn/io/table.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

class CliIntervalHeads : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("wl_cli_interval_heads_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const auto r = run_cli("-q --threads 2 simulate --events 2500 --seed 6 --out " + path("sim.h5"));
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string preset() { return std::string(WL_SOURCE_DIR) + "/configs/energy-quantile.toml"; }
  // A small, quick network: the plumbing, not the resolution, is under test.
  static void train(const std::string& config, const std::string& run) {
    const auto r = run_cli("-q --threads 2 train --config " + config + " --data " + path("sim.h5") + " --out " + run +
                           " --set model.hidden=[64,16] --set train.epochs=3 --set eval.bootstrap_replicas=10");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static std::vector<double> column(const std::string& file, const std::string& name) {
    return wl::io::read_table_h5(file, {name}).columns.at(0);
  }
  static void expect_proportion(const json& value, const json& ci) {
    ASSERT_TRUE(value.is_number() && ci.is_array()) << value << ci;
    EXPECT_GT(value.get<double>(), 0.0);
    EXPECT_LT(value.get<double>(), 1.0);
    EXPECT_LE(ci[0].get<double>(), value.get<double>());
    EXPECT_GE(ci[1].get<double>(), value.get<double>());
  }
  static inline fs::path dir_;
};

TEST_F(CliIntervalHeads, QuantileHeadWritesSortedQuantilesAndTheirCoverage) {
  const auto run = path("quantile");
  train(preset(), run);
  const auto predictions = run + "/predictions.h5";
  const auto q16 = column(predictions, "pred_energy_label_q16"), q50 = column(predictions, "pred_energy_label_q50"),
             q84 = column(predictions, "pred_energy_label_q84");
  ASSERT_FALSE(q50.empty());
  for (std::size_t i = 0; i < q50.size(); ++i) ASSERT_TRUE(q16[i] <= q50[i] && q50[i] <= q84[i]) << i;

  const auto m = json::parse(read_all(run + "/metrics.json"));
  ASSERT_TRUE(m.contains("quantile")) << m.dump();
  const auto& q = m.at("quantile");
  EXPECT_EQ(q.at("levels"), json({0.16, 0.5, 0.84}));
  EXPECT_EQ(q.at("interval_levels"), json({0.16, 0.84}));
  EXPECT_DOUBLE_EQ(q.at("nominal_coverage").get<double>(), 0.68);
  EXPECT_EQ(q.at("n_events").get<std::size_t>(), q50.size());
  expect_proportion(q.at("coverage_68"), q.at("coverage_68_ci95"));
  EXPECT_GT(q.at("mean_interval_kev").get<double>(), 0.0);
  // The median is the regression estimate: the energy metrics are computed on it.
  EXPECT_TRUE(m.at("test").contains("rmse")) << m.at("test").dump();
  EXPECT_NE(read_all(run + "/report.html").find("quantiles [0.16, 0.84]"), std::string::npos);
  EXPECT_NE(read_all(run + "/MODEL_CARD.md").find("quantile interval [0.16, 0.84] held the truth"), std::string::npos);

  // predict writes the same columns from model.pt alone.
  const auto r = run_cli("-q predict --model " + run + " --data " + path("sim.h5") + " --out " + path("q.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(column(path("q.h5"), "pred_energy_label_q84").empty());
}

TEST_F(CliIntervalHeads, GaussianHeadWritesSigmaAndItsCoverage) {
  // The preset with kind = "gaussian" and no quantile levels (an unused key is an error).
  std::string text = read_all(preset());
  text = std::regex_replace(text, std::regex("kind = \"quantile\""), "kind = \"gaussian\"");
  text = std::regex_replace(text, std::regex("\nquantiles = [^\n]*"), "");
  std::ofstream(path("gaussian.toml")) << text;
  const auto run = path("gaussian");
  train(path("gaussian.toml"), run);
  const auto sigma = column(run + "/predictions.h5", "pred_energy_label_sigma");
  ASSERT_FALSE(sigma.empty());
  for (const double s : sigma) ASSERT_GT(s, 0.0);
  const auto m = json::parse(read_all(run + "/metrics.json"));
  ASSERT_TRUE(m.contains("gaussian")) << m.dump();
  const auto& g = m.at("gaussian");
  expect_proportion(g.at("coverage_1sigma"), g.at("coverage_1sigma_ci95"));
  EXPECT_GE(g.at("coverage_2sigma").get<double>(), g.at("coverage_1sigma").get<double>());
  EXPECT_GT(g.at("mean_sigma_kev").get<double>(), 0.0);
  EXPECT_TRUE(m.at("test").contains("rmse"));
}

}  // namespace
