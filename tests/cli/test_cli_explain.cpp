// `wavelearn explain` end to end: a CNN on a file whose signal lies in the rising edge (one
// step against two), and a BDT on a feature table with an informative, a weak and a noise
// feature, whose importances must come out in that order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

// wl_cli_explain_<name>_<pid>
struct Scratch : wl::test::ScratchDir {
  explicit Scratch(const std::string& name) : ScratchDir("wl_cli_explain_" + name) {}
};

void must(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

std::string preset(const std::string& name) { return std::string(WL_SOURCE_DIR) + "/configs/" + name + ".toml"; }

}  // namespace

TEST(CliExplain, SmoothCnnIsCompleteAndLooksAtTheRisingEdge) {
  Scratch dir("cnn");
  must("/usr/bin/python3 " + std::string(WL_SOURCE_DIR) + "/tests/interop/make_toy_mjd.py " + dir / "toy.h5" +
       " --events 1500 --seed 4");
  auto r = run_cli("-q --threads 2 train --config " + preset("cnn") + " --data " + dir / "toy.h5" + " --out " +
                   dir / "run" + " --set data.energy_threshold_kev=500 --set train.epochs=4 "
                   "--set model.activation='\"gelu\"' --set model.pool_type='\"avg\"' --set eval.bootstrap_replicas=10");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("--threads 2 explain --model " + dir / "run" + " --out " + dir / "explain" + " --max-events 200");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* f : {"attributions.h5", "explain.json", "explain.html", "plots/explain_integrated_gradients.png"})
    EXPECT_TRUE(fs::exists(fs::path(dir / "explain") / f)) << f;
  const auto j = nlohmann::json::parse(read_all(dir / "explain/explain.json"));
  EXPECT_EQ(j.at("n_events"), 200);
  EXPECT_EQ(j.at("methods").size(), 4u) << j.at("methods").dump();  // no attention maps in a CNN
  // A smooth network: 32 Gauss-Legendre steps give the completeness the issue asks for.
  EXPECT_LE(j.at("completeness_max_rel_error").get<double>(), 0.01);
  // The label is in the rising edge, and so is the network's attention.
  const double uniform = j.at("rising_edge").at("uniform_fraction");
  for (const char* m : {"integrated_gradients", "occlusion"})
    EXPECT_GT(j.at("rising_edge").at("fraction").at(m).at("all").get<double>(), 2.0 * uniform) << m;
  const auto page = read_all(dir / "explain/explain.html");
  EXPECT_NE(page.find("Where the network looks"), std::string::npos);
  // Refused: tabular methods on a network, and an existing explanation without --force.
  r = run_cli("explain --model " + dir / "run" + " --out " + dir / "x2" + " --methods tree_shap");
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(fs::exists(dir / "x2"));
  EXPECT_EQ(run_cli("explain --model " + dir / "run" + " --out " + dir / "explain").status, 2);
}

TEST(CliExplain, BdtImportancesRankInformativeBeforeWeakBeforeNoise) {
  Scratch dir("bdt");
  must("/usr/bin/python3 " + std::string(WL_SOURCE_DIR) + "/tests/tabular/make_feature_table.py " +
       dir / "features.h5 1200 21");
  auto r = run_cli("-q --threads 1 train --config " + preset("bdt") + " --out " + dir / "bdt" + " --data " +
                   dir / "features.h5" + " --set 'features.names=[\"informative\", \"weak\", \"noise1\"]' "
                   "--set task.label=psd_label_test --set eval.bootstrap_replicas=10 --set model.n_trees=30");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("--threads 1 explain --model " + dir / "bdt" + " --out " + dir / "explain");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(read_all(dir / "explain/explain.json"));
  const auto& imp = j.at("importance");
  ASSERT_EQ(imp.size(), 3u);
  EXPECT_EQ(imp[0].at("feature"), "informative");
  EXPECT_EQ(imp[1].at("feature"), "weak");
  EXPECT_EQ(imp[2].at("feature"), "noise1");
  EXPECT_GT(imp[0].at("permutation_auc_drop").get<double>(), 0.05);
  EXPECT_LT(std::abs(imp[2].at("permutation_auc_drop").get<double>()), 0.02);
  EXPECT_GT(imp[0].at("mean_abs_shap").get<double>(), imp[2].at("mean_abs_shap").get<double>());
  EXPECT_TRUE(fs::exists(fs::path(dir / "explain") / "plots/explain_permutation.png"));
}
