// End-to-end: configs/energy-resolution.toml on the features of a small simulated file
// (`simulate`, `dsp`, `train`, `predict`): a BDT learns the relative correction to the
// trapezoid energy, and the energy report shows the model and the trapezoid filter side by
// side (peak FWHM and bias at 583, DEP, SEP, FEP; residuals versus drift time).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::run_cli;

namespace {

struct Scratch : wl::test::ScratchDir {
  Scratch() : ScratchDir("wl_cli_energy") {}
};

}  // namespace

TEST(CliEnergy, ResidualModelReportsBothEstimators) {
  Scratch dir;
  ASSERT_EQ(run_cli("-q --threads 2 simulate --events 3000 --seed 23 --out " + (dir / "sim.h5")).status, 0);
  auto r = run_cli("-q --threads 2 dsp " + (dir / "sim.h5") + " --out " + (dir / "features.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/energy-resolution.toml --data " +
              (dir / "features.h5") + " --out " + (dir / "energy") + " --set model.n_trees=40");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_cli("-q --threads 1 predict --model " + (dir / "energy") + " --data " + (dir / "features.h5") + " --out " +
              (dir / "scores.h5"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string page = wl::test::read_all(dir / "energy/report.html");
  for (const char* want : {"trapezoid: bias", "model: bias", "Residuals versus drift time", "trapezoid filter"})
    EXPECT_NE(page.find(want), std::string::npos) << want;
  EXPECT_TRUE(fs::exists(fs::path(dir / "energy") / "plots/residuals_vs_drift_time.png"));
  const std::string out = wl::test::run_python(dir,
      "import h5py, json, numpy as np\n"
      "e = h5py.File('" + (dir / "energy/predictions.h5") + "', 'r'); p = h5py.File('" + (dir / "scores.h5") + "', 'r')\n"
      "f = h5py.File('" + (dir / "features.h5") + "', 'r')\n"
      "mu = e['pred_truth_energy_kev'][:]\n"
      "at = {i: k for k, i in enumerate(p['id'][:])}\n"
      "ix = np.array([at[i] for i in e['id'][:]])\n"
      "print('same', int(np.array_equal(p['pred_truth_energy_kev'][:][ix], mu)))\n"
      "row = {i: k for k, i in enumerate(f['id'][:])}\n"
      "trap = f['energy_label'][:][np.array([row[i] for i in e['id'][:]])]\n"
      // A correction of the trapezoid energy, not a new estimate: per mille, not per cent.
      "print('near_trapezoid', int(np.median(np.abs(mu / trap - 1)) < 2e-3), np.median(np.abs(mu / trap - 1)))\n"
      "m = json.load(open('" + (dir / "energy/metrics.json") + "'))\n"
      "g = m['test']\n"
      "print('peaks', int(len(g['fwhm_at_peaks']) == 4 and g['reference_spectrum'] == 'trapezoid'))\n"
      "print('sides', int(all('bias_kev' in p['model'] and 'bias_kev' in p['trapezoid'] for p in g['fwhm_at_peaks'])))\n"
      "b = g['residuals_vs_drift_time']\n"
      "print('drift', int(b['drift_time_field'] == 'drift_time_ns' and len(b['bins']) >= 4 and\n"
      "                   all(x['trapezoid_median_kev'] is not None for x in b['bins'])))\n"
      "run = json.load(open('" + (dir / "energy/run.json") + "'))\n"
      "pp = json.load(open('" + (dir / "energy/preprocess.json") + "'))\n"
      "print('record', int(run['task'] == 'regression' and pp['residual_of'] == 'energy_label'))\n");
  for (const char* want : {"same 1", "near_trapezoid 1", "peaks 1", "sides 1", "drift 1", "record 1"})
    EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
}
