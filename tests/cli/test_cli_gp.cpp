// End-to-end: the Gaussian process through the tabular family on features of a simulated
// file (`simulate`, `dsp`, `train --config configs/gp.toml`, `predict`): P(signal) and the
// latent standard deviation in predictions.h5, and predict reproducing them exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

struct Scratch : wl::test::ScratchDir {
  Scratch() : ScratchDir("wl_cli_gp") {}
};

}  // namespace

TEST(CliGp, TrainsOnSimulatedFeaturesAndWritesTheLatentSpread) {
  Scratch dir;
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 3000 --seed 17 --out " + (dir / "sim.h5")).status, 0);
  auto r = run_cli("-q --threads 2 dsp " + (dir / "sim.h5") + " --out " + (dir / "features.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  // Small settings keep the test fast: 300 events, 15 Adam steps on 200 of them.
  r = run_cli("-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/gp.toml --data " +
              (dir / "features.h5") + " --out " + (dir / "gp") +
              " --set model.max_train_events=300 --set model.hyper_events=200 --set model.iterations=15"
              " --set eval.bootstrap_replicas=10");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* f : {"model_gp.json", "predictions.h5", "report.html", "history.csv", "metrics.json"})
    EXPECT_TRUE(fs::exists(fs::path(dir / "gp") / f)) << f;
  r = run_cli("-q --threads 1 predict --model " + (dir / "gp") + " --data " + (dir / "features.h5") + " --out " +
              (dir / "scores.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("score_std"), std::string::npos) << r.out;
  // The run's test scores, their AUC, and predict's scores of the same events (another
  // thread count, other batches) bit for bit.
  const std::string out = wl::test::run_python(dir,
      "import h5py, json, numpy as np\n"
      "e = h5py.File('" + (dir / "gp/predictions.h5") + "', 'r'); p = h5py.File('" + (dir / "scores.h5") + "', 'r')\n"
      "s, sd = e['score'][:], e['score_std'][:]\n"
      "print('range', int(s.min() >= 0 and s.max() <= 1 and sd.min() > 0 and np.isfinite(sd).all()))\n"
      "at = {i: k for k, i in enumerate(p['id'][:])}\n"
      "ix = np.array([at[i] for i in e['id'][:]])\n"
      "print('same', int(np.array_equal(p['score'][:][ix], s) and np.array_equal(p['score_std'][:][ix], sd)))\n"
      "m = json.load(open('" + (dir / "gp/metrics.json") + "'))\n"
      "print('auc_above_0.8', int(m['test']['auc'] > 0.8), m['test']['auc'])\n");
  EXPECT_NE(out.find("range 1"), std::string::npos) << out;
  EXPECT_NE(out.find("same 1"), std::string::npos) << out;
  EXPECT_NE(out.find("auc_above_0.8 1"), std::string::npos) << out;
}

// model.task = "regression" (configs/gp-regression.toml: the deposited energy from the ADC
// energy, the detector and pulse timing): predictions.h5 holds the prediction and its sigma,
// metrics.json the regression metrics and the 1/2-sigma coverage with Clopper-Pearson
// intervals, predict reproduces the run's scores, and an SVM refuses the task naming the key.
TEST(CliGp, RegressionWritesPredictionSigmaAndCoverage) {
  Scratch dir;
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 3000 --seed 19 --out " + (dir / "sim.h5")).status, 0);
  auto r = run_cli("-q --threads 2 dsp " + (dir / "sim.h5") + " --out " + (dir / "features.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  // 400 events, 40 Adam steps on 250 of them: a few seconds.
  r = run_cli("-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/gp-regression.toml --data " +
              (dir / "features.h5") + " --out " + (dir / "gp") +
              " --set model.max_train_events=400 --set model.hyper_events=250 --set model.iterations=40"
              " --set eval.bootstrap_replicas=10");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("-q --threads 1 predict --model " + (dir / "gp") + " --data " + (dir / "features.h5") + " --out " +
              (dir / "scores.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string out = wl::test::run_python(dir,
      "import h5py, json, numpy as np\n"
      "e = h5py.File('" + (dir / "gp/predictions.h5") + "', 'r'); p = h5py.File('" + (dir / "scores.h5") + "', 'r')\n"
      "mu, sd, t = e['pred_truth_energy_kev'][:], e['pred_truth_energy_kev_sigma'][:], e['truth_energy_kev'][:]\n"
      "print('sigma', int(np.isfinite(sd).all() and sd.min() > 0 and np.median(sd) < 20))\n"
      "at = {i: k for k, i in enumerate(p['id'][:])}\n"
      "ix = np.array([at[i] for i in e['id'][:]])\n"
      "print('same', int(np.array_equal(p['pred_truth_energy_kev'][:][ix], mu) and\n"
      "                  np.array_equal(p['pred_truth_energy_kev_sigma'][:][ix], sd)))\n"
      "m = json.load(open('" + (dir / "gp/metrics.json") + "'))\n"
      "print('median_abs_residual_below_20kev', int(np.median(np.abs(mu - t)) < 20), np.median(np.abs(mu - t)))\n"
      "print('rmse', int(m['test']['target'] == 'truth_energy_kev' and m['test']['rmse'] > 0))\n"
      "g = m['gaussian']; lo, hi = g['coverage_1sigma_ci95']\n"
      "print('coverage', int(lo <= g['coverage_1sigma'] <= hi and 0.3 < g['coverage_1sigma'] < 0.95), g['coverage_1sigma'])\n"
      "print('conformal', int('coverage' in m['conformal']))\n"
      "run = json.load(open('" + (dir / "gp/run.json") + "'))\n"
      "print('record', int(run['task'] == 'regression' and run['targets'] == ['truth_energy_kev']))\n");
  for (const char* want : {"sigma 1", "same 1", "median_abs_residual_below_20kev 1", "rmse 1", "coverage 1",
                           "conformal 1", "record 1"})
    EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
  r = run_cli("-q train --config " + std::string(WL_SOURCE_DIR) + "/configs/svm.toml --data " + (dir / "features.h5") +
              " --out " + (dir / "svm") + " --set model.task=regression");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("model.task"), std::string::npos) << r.err;
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir / "svm"));
}
