// `wavelearn evaluate` end to end on a simulated file (truth fields, A/E labels): a short
// seed-fcnet run and a short energy regression are trained with the CLI, then evaluated.
// The metrics must agree with wl::eval recomputed from the per-event scores written, the
// report and model card must be complete, with every image they reference on disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cli/run_cli.hpp"
#include "test_paths.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/io/table.hpp"
#include "wavelearn/train/evaluate.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

class Evaluate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(fs::exists(WL_CLI_PATH)) << "build the wavelearn target first: " << WL_CLI_PATH;
    dir_ = fs::temp_directory_path() / ("wl_test_evaluate_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    data_ = (dir_ / "sim.h5").string();
    const auto s = run_cli("-q --threads 2 simulate --events 3000 --seed 7 --out " + data_);
    ASSERT_EQ(s.status, 0) << s.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Short, small training: the numbers are not the point, their consistency is.
  static std::string train(const std::string& preset, const fs::path& run, const std::string& extra) {
    return "-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/" + preset +
           ".toml --data " + data_ + " --out " + run.string() +
           " --set data.energy_threshold_kev=500 --set model.hidden=[32,8] " + extra;
  }
  static inline fs::path dir_;
  static inline std::string data_;
};

// Paths referenced by `<img src="...">` / `<a href="...">` of report.html and `![..](...)`
// of MODEL_CARD.md that are local files.
std::set<std::string> referenced_files(const std::string& text) {
  std::set<std::string> out;
  const std::regex re(R"((?:src|href)=\"([^\"#:]+)\"|\]\(([^)#:]+)\))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1].matched ? (*it)[1].str() : (*it)[2].str());
  return out;
}

TEST_F(Evaluate, BinaryRunReportMatchesRecomputedMetrics) {
  const auto run = dir_ / "fcnet";
  const auto t = run_cli(train("seed-fcnet", run, "--set train.epochs=2"));
  ASSERT_EQ(t.status, 0) << t.err;

  // --force: `wavelearn train` may already have written the report at its end.
  const auto r = run_cli("-q --threads 2 evaluate --force --model " + run.string() + " --data " + data_);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("auc"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("report.html"), std::string::npos) << r.out;

  const auto m = nlohmann::json::parse(read_all(run / "metrics.json"));
  // The trainer's numbers are kept, the evaluation added.
  EXPECT_TRUE(m.contains("val_auc")) << m.dump();
  const auto& ev = m.at("evaluation");
  EXPECT_EQ(ev.at("events"), "validation");
  const double auc = ev.at("binary").at("auc").at("auc").get<double>();
  EXPECT_GE(auc, 0.0);
  EXPECT_LE(auc, 1.0);
  const double lo = ev.at("binary").at("auc").at("lower").get<double>();
  const double hi = ev.at("binary").at("auc").at("upper").get<double>();
  EXPECT_LE(lo, auc);
  EXPECT_GE(hi, auc);

  // AUC recomputed from the written per-event scores.
  const auto table = wl::io::read_table_h5((run / "evaluation.h5").string());
  const auto& score = table.column("score");
  const auto& label = table.column("true_psd_label_low_avse");
  std::vector<uint8_t> y(label.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = label[i] > 0.5 ? 1 : 0;
  EXPECT_EQ(table.n_rows(), ev.at("n_events").get<std::size_t>());
  EXPECT_NEAR(wl::eval::roc_auc(score, y), auc, 1e-9);
  // Same validation events as the trainer's predictions, and the same AUC (the split is
  // rebuilt from the run's seed, the model is the exported one).
  const auto pred = wl::io::read_table_h5((run / "predictions.h5").string());
  ASSERT_EQ(pred.n_rows(), table.n_rows());
  std::vector<uint8_t> py(pred.n_rows());
  for (std::size_t i = 0; i < py.size(); ++i) py[i] = pred.column("label")[i] > 0.5 ? 1 : 0;
  EXPECT_NEAR(wl::eval::roc_auc(pred.column("score"), py), auc, 1e-6);

  // Every required number is there.
  const auto& lab = ev.at("labels").at("psd_label_low_avse");
  for (const char* k : {"confusion_at_0.5", "confusion_at_90pct_signal_efficiency", "overtraining"})
    EXPECT_TRUE(lab.contains(k)) << k;
  EXPECT_EQ(ev.at("binary").at("efficiency_at_rejection").size(), 2u);
  EXPECT_GT(ev.at("n_train_scored").get<std::size_t>(), 0u);
  // Simulated file: truth-level table with the model and the A/E cut side by side.
  ASSERT_EQ(ev.at("truth").size(), 2u) << ev.dump();
  EXPECT_EQ(ev.at("truth")[1].at("cut"), "A/E cut (psd_label_low_avse)");

  // Report and model card, with every referenced image on disk.
  const auto html = read_all(run / "report.html");
  const auto card = read_all(run / "MODEL_CARD.md");
  ASSERT_FALSE(html.empty());
  ASSERT_FALSE(card.empty());
  std::size_t images = 0;
  for (const auto* text : {&html, &card})
    for (const auto& f : referenced_files(*text)) {
      EXPECT_TRUE(fs::exists(run / f)) << f;
      images += f.find(".png") != std::string::npos;
    }
  EXPECT_GE(images, 5u);  // loss, ROC, confusion, scores, spectrum, waveforms
  for (const char* f : {"plots/roc.png", "plots/scores.svg", "plots/spectrum_avse.png", "plots/waveforms.png"})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  for (const char* section :
       {"## Model details", "## Intended use", "## Factors", "## Metrics", "## Evaluation data",
        "## Training data", "## Quantitative analyses", "## Ethical considerations",
        "## Caveats and recommendations"})
    EXPECT_NE(card.find(section), std::string::npos) << section;
  EXPECT_NE(card.find("fcnet"), std::string::npos);
  EXPECT_NE(card.find("fingerprint"), std::string::npos);

  // An existing report is not overwritten without --force; with it, it is.
  const auto again = run_cli("-q evaluate --model " + run.string() + " --data " + data_);
  EXPECT_EQ(again.status, 2) << again.err;
  EXPECT_EQ(wl::test::count_lines(again.err), 1) << again.err;
  // Elsewhere (--out), via the library: the same AUC, the trainer's metrics nested.
  wl::train::EvaluateOptions o;
  o.out = dir_ / "elsewhere";
  o.quiet = true;
  o.threads = 2;
  o.bootstrap_replicas = 20;
  const auto s = wl::train::evaluate_run(run, data_, o);
  EXPECT_NEAR(s.metrics.at("evaluation").at("binary").at("auc").at("auc").get<double>(), auc, 1e-12);
  EXPECT_TRUE(s.metrics.at("trainer").contains("val_auc"));
  EXPECT_TRUE(fs::exists(o.out / "report.html"));
}

TEST_F(Evaluate, RegressionRunGivesResolution) {
  const auto run = dir_ / "energy";
  const auto t = run_cli(train("energy-regression", run, "--set train.epochs=1"));
  ASSERT_EQ(t.status, 0) << t.err;
  wl::train::EvaluateOptions o;
  o.quiet = true;
  o.threads = 2;
  o.force = true;  // train may have written a report already
  const auto s = wl::train::evaluate_run(run, "", o);
  const auto& reg = s.metrics.at("evaluation").at("regression");
  EXPECT_GT(reg.at("mae").get<double>(), 0.0);
  EXPECT_TRUE(reg.contains("resolution_at_peaks"));
  EXPECT_TRUE(reg.contains("resolution_vs_energy"));
  EXPECT_TRUE(fs::exists(run / "plots" / "residuals.png"));
  EXPECT_TRUE(fs::exists(run / "plots" / "resolution.png"));
  const auto card = read_all(run / "MODEL_CARD.md");
  EXPECT_NE(card.find("Resolution"), std::string::npos);
  bool rmse = false;
  for (const auto& [k, v] : s.key_numbers) rmse |= k == "rmse" && std::isfinite(v) && v > 0;
  EXPECT_TRUE(rmse);
}

}  // namespace
