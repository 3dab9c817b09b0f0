// train_run / predict_run / compare_runs on synthetic feature tables.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "synthetic.hpp"
#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/tabular/compare.hpp"
#include "wavelearn/tabular/run.hpp"

using namespace wl;
using namespace wl::tabular;
namespace fs = std::filesystem;

namespace {

core::Config config(const std::string& type, const std::string& extra = "") {
  return core::Config::parse("seed = 3\n[model]\ntype = \"" + type + "\"\n" + extra +
                             "\n[features]\nnames = [\"informative\", \"weak\", \"noise1\"]\n"
                             "[task]\nlabel = \"psd_label_test\"\nclass_weight = \"balanced\"\n"
                             "[eval]\nbootstrap_replicas = 20\n");
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  nlohmann::json j;
  in >> j;
  return j;
}

struct Fixture {
  test::TempDir dir;
  std::string features;
  Fixture() {
    features = (dir / "features.h5").string();
    io::write_table_h5(features, test::synthetic_table(1500, 11), false);
  }
};

}  // namespace

TEST(TrainRun, BdtWritesRunDirectoryAndPredictReproduces) {
  Fixture f;
  const auto run = (f.dir / "bdt").string();
  ASSERT_EQ(train_run(config("bdt", "n_trees = 40"), f.features, run, false, {1, true}), 0);
  for (const char* file : {"config.toml", "model.json", "preprocess.json", "history.csv", "metrics.json",
                           "predictions.h5", "report.html", "MODEL_CARD.md", "shap.h5", "shap.html",
                           "plots/shap_importance.png", "plots/shap_summary.svg"}) {
    EXPECT_TRUE(fs::exists(fs::path(run) / file)) << file;
  }
  const auto m = read_json(fs::path(run) / "metrics.json");
  EXPECT_GT(m["binary"]["auc"]["auc"].get<double>(), 0.85);
  EXPECT_EQ(m["shap_importance"][0]["feature"], "informative");
  const auto pred = io::read_table_h5((fs::path(run) / "predictions.h5").string());
  EXPECT_EQ(pred.n_rows(), 450u);  // 30 % validation
  const auto score = predict_run(run, f.features);
  const auto table = io::read_table_h5(f.features);
  const auto& ids = table.column("id");
  for (std::size_t i = 0; i < pred.n_rows(); ++i) {
    const std::size_t row = static_cast<std::size_t>(pred.column("id")[i] - ids[0]);
    ASSERT_EQ(score[row], pred.column("score")[i]);
  }
  // An existing run directory is not overwritten without force.
  EXPECT_THROW(train_run(config("bdt", "n_trees = 5"), f.features, run, false, {1, true}), core::InputError);
  EXPECT_EQ(train_run(config("bdt", "n_trees = 5"), f.features, run, true, {1, true}), 0);
}

TEST(TrainRun, ConfigErrorsAreInputErrors) {
  Fixture f;
  EXPECT_THROW(train_run(config("bdt", "n_tress = 5"), f.features, (f.dir / "a").string(), false, {1, true}),
               core::InputError);
  EXPECT_THROW(train_run(config("forest"), f.features, (f.dir / "b").string(), false, {1, true}), core::InputError);
  auto c = config("logistic");
  c.set("features.names=[\"informative\", \"nosie1\"]");
  try {
    train_run(c, f.features, (f.dir / "c").string(), false, {1, true});
    FAIL();
  } catch (const core::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nosie1"), std::string::npos);
  }
  auto k = config("svm");
  k.set("features.missing=keep");
  EXPECT_THROW(train_run(k, f.features, (f.dir / "d").string(), false, {1, true}), core::InputError);
}

TEST(Compare, TwoRunsAgreeWithEval) {
  Fixture f;
  const auto a = (f.dir / "logistic").string();
  const auto b = (f.dir / "svm").string();
  train_run(config("logistic"), f.features, a, false, {1, true});
  train_run(config("svm"), f.features, b, false, {1, true});
  CompareOptions o;
  o.runs = {a, b};
  o.out_dir = (f.dir / "cmp").string();
  o.bootstrap_replicas = 20;
  o.threads = 1;
  const auto r = compare_runs(o);
  EXPECT_EQ(r.n_common, 450u);  // same seed and fractions: the same validation events
  ASSERT_EQ(r.entries.size(), 2u);
  const auto p = io::read_table_h5((fs::path(a) / "predictions.h5").string());
  std::vector<uint8_t> y(p.column("label").begin(), p.column("label").end());
  EXPECT_NEAR(r.entries[0].evaluation.auc.auc, eval::roc_auc(p.column("score"), y), 1e-12);
  for (const char* file : {"compare.json", "compare.html", "roc.png", "roc.svg"}) {
    EXPECT_TRUE(fs::exists(f.dir / "cmp" / file)) << file;
  }
  EXPECT_NE(r.table_text.find("logistic"), std::string::npos);
  EXPECT_NE(r.table_text.find("svm"), std::string::npos);
  const auto j = read_json(f.dir / "cmp" / "compare.json");
  EXPECT_EQ(j["entries"].size(), 2u);
  EXPECT_THROW(compare_runs(o), core::InputError);  // no overwrite without force
  // The A/E-like column of the feature table as a third "model" (here avse_raw = informative).
  auto t = io::read_table_h5(f.features);
  t.add("avse_raw", t.column("informative"));
  const auto with_avse = (f.dir / "with_avse.h5").string();
  io::write_table_h5(with_avse, t, false);
  o.features_path = with_avse;
  o.force = true;
  const auto r3 = compare_runs(o);
  ASSERT_EQ(r3.entries.size(), 3u);
  EXPECT_GT(r3.entries[2].evaluation.auc.auc, 0.85);
}
