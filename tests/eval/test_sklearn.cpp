// Compares ROC/AUC, PR AUC (average precision) and the KS test with scikit-learn and SciPy
// on the same numbers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_paths.hpp"
#include "wavelearn/core/rng.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/pr.hpp"
#include "wavelearn/eval/roc.hpp"

namespace fs = std::filesystem;

TEST(Sklearn, RocCurveAucPrAucAndKsMatchReference) {
  const fs::path dir =
      fs::temp_directory_path() / ("wl_eval_sklearn_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  wl::core::Rng rng(2024);
  std::vector<double> s(5000), ks_a(700), ks_b(900);
  std::vector<uint8_t> y(s.size());
  std::ofstream sf(dir / "scores.txt");
  sf.precision(17);
  for (std::size_t i = 0; i < s.size(); ++i) {
    y[i] = rng.uniform() < 0.35;
    // Rounded to 1/50: many tied scores, as from a saturated sigmoid.
    s[i] = std::round((rng.normal() + (y[i] ? 1.2 : 0.0)) * 50.0) / 50.0;
    sf << s[i] << ' ' << int(y[i]) << '\n';
  }
  sf.close();
  std::ofstream fa(dir / "a.txt"), fb(dir / "b.txt");
  fa.precision(17);
  fb.precision(17);
  for (auto& v : ks_a) {
    v = rng.normal();
    fa << v << '\n';
  }
  for (auto& v : ks_b) {
    v = rng.normal(0.12, 1.0);
    fb << v << '\n';
  }
  fa.close();
  fb.close();

  const std::string cmd = std::string("/usr/bin/python3 ") + WL_SOURCE_DIR +
                          "/tests/eval/sklearn_reference.py " + (dir / "scores.txt").string() +
                          " " + (dir / "a.txt").string() + " " + (dir / "b.txt").string() + " " +
                          (dir / "ref.json").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "reference script failed: " << cmd;
  std::ifstream rf(dir / "ref.json");
  const auto ref = nlohmann::json::parse(rf);

  const auto curve = wl::eval::roc_curve(s, y);
  EXPECT_NEAR(curve.auc, ref["auc"].get<double>(), 1e-9);
  EXPECT_NEAR(wl::eval::roc_auc(s, y), ref["auc"].get<double>(), 1e-9);
  const auto fpr = ref["fpr"].get<std::vector<double>>();
  const auto tpr = ref["tpr"].get<std::vector<double>>();
  const auto thr = ref["thresholds"].get<std::vector<double>>();
  ASSERT_EQ(curve.points.size(), fpr.size());
  for (std::size_t i = 0; i < fpr.size(); ++i) {
    EXPECT_NEAR(curve.points[i].fpr, fpr[i], 1e-12) << "point " << i;
    EXPECT_NEAR(curve.points[i].tpr, tpr[i], 1e-12) << "point " << i;
    if (i > 0) {
      EXPECT_DOUBLE_EQ(curve.points[i].threshold, thr[i - 1]) << "point " << i;
    }
  }

  EXPECT_NEAR(wl::eval::pr_auc(s, y), ref["average_precision"].get<double>(), 1e-12);
  for (const auto& [m, ap] : ref["average_precision_prefix"].items()) {
    const auto len = static_cast<std::ptrdiff_t>(std::stoul(m));
    const std::vector<double> sp(s.begin(), s.begin() + len);
    const std::vector<uint8_t> yp(y.begin(), y.begin() + len);
    EXPECT_NEAR(wl::eval::pr_auc(sp, yp), ap.get<double>(), 1e-12) << "first " << m;
  }

  const auto ks = wl::eval::ks_two_sample(ks_a, ks_b);
  EXPECT_NEAR(ks.statistic, ref["ks_statistic"].get<double>(), 1e-12);
  EXPECT_NEAR(ks.p_value, ref["ks_p_asymptotic"].get<double>(), 1e-9);
  fs::remove_all(dir);
}
