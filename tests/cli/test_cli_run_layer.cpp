// The run layer end to end on a simulated 228Th file, as `make demo` uses it: a neural
// network on the waveforms and a BDT on the DSP features of the same events, each through
// train -> (predict, evaluate) -> compare on their common held-out test events, and the
// pages rendered in headless Chromium.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli/run_cli.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

class RunLayer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("wl_cli_run_layer_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    sim_ = (dir_ / "sim.h5").string();
    features_ = (dir_ / "features.h5").string();
    auto r = run_cli("-q --threads 2 simulate --events 6000 --seed 3 --out " + sim_);
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_cli("-q --threads 2 dsp " + sim_ + " --out " + features_);
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string cfg = std::string(WL_SOURCE_DIR) + "/configs/";
    r = run_cli("-q --threads 2 train --config " + cfg + "seed-fcnet.toml --data " + sim_ + " --out " +
                (dir_ / "fcnet").string() +
                " --set data.energy_threshold_kev=1000 --set model.hidden=[32,8] --set train.epochs=2"
                " --set eval.bootstrap_replicas=20");
    ASSERT_EQ(r.status, 0) << r.err;
    r = run_cli("-q --threads 2 train --config " + cfg + "bdt.toml --data " + features_ + " --out " +
                (dir_ / "bdt").string() + " --set data.energy_threshold_kev=1000 --set model.n_trees=40"
                " --set eval.bootstrap_replicas=20");
    ASSERT_EQ(r.status, 0) << r.err;
    bdt_err_ = r.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static json metrics(const std::string& run) { return json::parse(read_all(dir_ / run / "metrics.json")); }
  static inline fs::path dir_;
  static inline std::string sim_, features_, bdt_err_;
};

// The contract of every binary classifier's metrics.json, with Clopper-Pearson intervals.
void expect_contract(const json& t) {
  for (const char* k : {"n_events", "auc", "auc_ci95", "pr_auc", "working_point", "truth"})
    ASSERT_TRUE(t.contains(k)) << k << " in " << t.dump();
  const auto& wp = t.at("working_point");
  EXPECT_EQ(wp.at("definition"), "A/E DEP acceptance");
  for (const char* region : {"DEP", "SEP", "FEP", "Compton"}) {
    const auto& s = wp.at("survival").at(region);
    EXPECT_GT(s.at("n").get<int>(), 0) << region;
    EXPECT_LE(s.at("ci95")[0].get<double>(), s.at("value").get<double>()) << region;
    EXPECT_GE(s.at("ci95")[1].get<double>(), s.at("value").get<double>()) << region;
    const auto& tr = t.at("truth").at(region);
    for (const char* k : {"sse_efficiency", "sse_efficiency_ci95", "mse_rejection", "mse_rejection_ci95", "n_sse", "n_mse"})
      EXPECT_TRUE(tr.contains(k)) << region << " " << k;
  }
}

}  // namespace

TEST_F(RunLayer, EveryFamilyWritesTheTestContract) {
  for (const char* run : {"fcnet", "bdt"}) {
    SCOPED_TRACE(run);
    const auto m = metrics(run);
    ASSERT_TRUE(m.contains("test")) << m.dump();
    expect_contract(m.at("test"));
    EXPECT_EQ(m.at("evaluation").at("events"), "test");
    EXPECT_GT(m.at("test").at("n_events").get<int>(), 300);
  }
  // The BDT is fed avse_raw for an A/E label: the page, the card and stderr say so.
  EXPECT_NE(bdt_err_.find("derived from the label's own cut"), std::string::npos) << bdt_err_;
  const auto page = read_all(dir_ / "bdt" / "report.html");
  EXPECT_NE(page.find("derived from the label"), std::string::npos);
  EXPECT_NE(page.find("href=\"shap.html\""), std::string::npos);
  EXPECT_NE(read_all(dir_ / "bdt" / "MODEL_CARD.md").find("derived from the label"), std::string::npos);
  // A BDT's page and card speak of boosting rounds, never of epochs.
  EXPECT_EQ(read_all(dir_ / "bdt" / "MODEL_CARD.md").find("epoch"), std::string::npos);
  EXPECT_EQ(page.find("epoch"), std::string::npos);
}

TEST_F(RunLayer, PredictAndEvaluateAcceptATabularRun) {
  auto r = run_cli("-q predict --model " + (dir_ / "bdt").string() + " --data " + features_ + " --out " +
                   (dir_ / "bdt_scores.h5").string());
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("-q evaluate --model " + (dir_ / "bdt").string() + " --out " + (dir_ / "bdt_again").string() +
              " --bootstrap 20");
  ASSERT_EQ(r.status, 0) << r.err;
  // The same held-out events and model: the same figures as the run's own evaluation.
  const auto a = metrics("bdt").at("test"), b = metrics("bdt_again").at("test");
  EXPECT_EQ(a.at("n_events"), b.at("n_events"));
  EXPECT_DOUBLE_EQ(a.at("auc").get<double>(), b.at("auc").get<double>());
  EXPECT_EQ(a.at("working_point").at("threshold"), b.at("working_point").at("threshold"));
}

TEST_F(RunLayer, CompareUsesTheCommonTestEventsAtOneWorkingPoint) {
  const auto out = dir_ / "cmp";
  const auto r = run_cli("-q compare " + (dir_ / "fcnet").string() + " " + (dir_ / "bdt").string() +
                         " --features " + features_ + " --bootstrap 20 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.err;
  const auto c = json::parse(read_all(out / "compare.json"));
  // Both runs split by event id with the same seed: their test events coincide (the BDT
  // only loses the few events the DSP flags).
  const auto n_fcnet = metrics("fcnet").at("test").at("n_events").get<int>();
  EXPECT_GT(c.at("n_common").get<int>(), 0.9 * n_fcnet) << c.dump();
  EXPECT_EQ(c.at("working_point_definition"), "A/E DEP acceptance");
  ASSERT_EQ(c.at("entries").size(), 3u);
  for (const auto& e : c.at("entries")) expect_contract(e);
  EXPECT_TRUE(fs::exists(out / "plots" / "roc.png"));
  EXPECT_TRUE(fs::exists(out / "plots" / "survival_vs_energy.png"));
}

TEST_F(RunLayer, PagesRenderInChromiumWithEveryImage) {
  ASSERT_TRUE(fs::exists("/usr/bin/chromium")) << "scripts/install-deps installs chromium";
  const auto r = run_cli("-q compare " + (dir_ / "fcnet").string() + " " + (dir_ / "bdt").string() + " --features " +
                         features_ + " --bootstrap 10 --out " + (dir_ / "cmp_pages").string());
  ASSERT_EQ(r.status, 0) << r.err;
  for (const auto& page : {dir_ / "fcnet" / "report.html", dir_ / "bdt" / "report.html",
                           dir_ / "cmp_pages" / "compare.html"}) {
    const auto dom = dir_ / "dom.html";
    const std::string cmd =
        "/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
        "--disable-component-update --disable-sync --no-first-run --disable-dev-shm-usage "
        "--allow-file-access-from-files --virtual-time-budget=5000 --user-data-dir=" +
        (dir_ / "profile").string() + " --dump-dom file://" + page.string() + " > " + dom.string() + " 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const auto html = read_all(dom);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(html, m, std::regex("data-images-loaded=\"(\\d+)\" data-images-total=\"(\\d+)\"")))
        << page;
    EXPECT_GE(std::stoi(m[2]), 2) << page;
    EXPECT_EQ(m[1], m[2]) << page << ": some images did not load";
    EXPECT_NE(html.find("A/E DEP acceptance"), std::string::npos) << page;
    if (page.filename() == "report.html") {
      EXPECT_GE(std::stoi(m[2]), 5) << page;
      EXPECT_NE(html.find("held-out test events"), std::string::npos) << page;
    }
  }
}
