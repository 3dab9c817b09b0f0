// `wavelearn fidelity` end to end on simulated files: a file against itself (its even events
// against its odd ones) must look indistinguishable, and a detector with 2-3x slower
// electronics must be told apart by the C2ST and by the rise-time W1.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/run_cli.hpp"

namespace fs = std::filesystem;
using wl::test::read_all;
using wl::test::run_cli;

namespace {

struct Scratch : wl::test::ScratchDir {
  explicit Scratch(const std::string& name) : ScratchDir("wl_cli_fidelity_" + name) {}
};

void simulate(const std::string& out, const std::string& extra) {
  const auto r = run_cli("-q --threads 2 simulate --events 2000 --seed 3 --out " + out + " " + extra);
  ASSERT_EQ(r.status, 0) << r.err;
}

nlohmann::json fidelity_json(const std::string& dir) { return nlohmann::json::parse(read_all(dir + "/fidelity.json")); }

}  // namespace

TEST(CliFidelity, AFileAgainstItselfIsIndistinguishable) {
  Scratch dir("self");
  simulate(dir / "ref.h5", "");
  // One thread: on a loaded 2-core machine libtorch's two threads wait on each other.
  auto r = run_cli("-q --threads 1 fidelity --reference " + dir / "ref.h5" + " --out " + dir / "out");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("self-split"), std::string::npos) << r.out;
  auto j = fidelity_json(dir / "out");
  EXPECT_EQ(j.at("mode"), "self_split");
  EXPECT_EQ(j.at("n_reference"), 1000);
  EXPECT_EQ(j.at("n_candidate"), 1000);
  const double lo = j.at("c2st_auc_ci95")[0], hi = j.at("c2st_auc_ci95")[1];
  EXPECT_LE(lo, 0.5) << j.at("c2st").dump();
  EXPECT_GE(hi, 0.5) << j.at("c2st").dump();
  EXPECT_LT(hi - lo, 0.15);  // 500 test events per half: a sharp enough test
  EXPECT_GT(hi - lo, 0.02);  // and not one that passes by tying every score
  ASSERT_EQ(j.at("w1_ratio").size(), 8u);
  for (const auto& [name, ratio] : j.at("w1_ratio").items()) {
    ASSERT_TRUE(ratio.is_number()) << name;
    EXPECT_LT(ratio.get<double>(), 3.0) << name;  // noise floor against noise: ~1
  }
  for (const char* f : {"fidelity.html", "plots/fidelity_c2st_roc.png", "plots/fidelity_drift_time_ns.png"})
    EXPECT_TRUE(fs::exists(fs::path(dir / "out") / f)) << f;
  EXPECT_NE(read_all(dir / "out/fidelity.html").find("sanity check"), std::string::npos);
  // An existing output needs --force; with it, the same file under another name is the
  // same self-split (the smallest C2ST allowed: 200 events per half).
  EXPECT_EQ(run_cli("-q fidelity --reference " + dir / "ref.h5" + " --out " + dir / "out").status, 2);
  fs::create_symlink(dir / "ref.h5", dir / "alias.h5");
  r = run_cli("-q --threads 1 fidelity --reference " + dir / "ref.h5" + " --candidate " + dir / "alias.h5" +
              " --out " + dir / "out" + " --force --max-events 200 --epochs 1 --bootstrap 20");
  ASSERT_EQ(r.status, 0) << r.err;
  j = fidelity_json(dir / "out");
  EXPECT_EQ(j.at("mode"), "self_split");
  EXPECT_EQ(j.at("c2st").at("n_per_class"), 200);
}

TEST(CliFidelity, SlowerElectronicsAreToldApart) {
  Scratch dir("shifted");
  simulate(dir / "ref.h5", "");
  simulate(dir / "slow.h5", "--param electronics_tau_min_ns=40 --param electronics_tau_max_ns=60");
  const auto r = run_cli("-q --threads 1 fidelity --reference " + dir / "ref.h5" + " --candidate " + dir / "slow.h5" +
                         " --out " + dir / "out");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = fidelity_json(dir / "out");
  EXPECT_EQ(j.at("mode"), "two_files");
  EXPECT_EQ(j.at("n_reference"), 2000);
  EXPECT_GT(j.at("c2st_auc").get<double>(), 0.9) << j.at("c2st").dump();
  EXPECT_GT(j.at("c2st_auc_ci95")[0].get<double>(), 0.8);
  // The pulse shape follows the electronics (measured: A/E 16.7, drift time 6.5, rise time
  // 4.2 noise floors). The same seed makes the same events, so the energies are paired with
  // the reference's: far below the noise floor of independent samples.
  const auto& ratio = j.at("w1_ratio");
  EXPECT_GT(ratio.at("avse_raw").get<double>(), 8.0) << ratio.dump();
  EXPECT_GT(ratio.at("drift_time_ns").get<double>(), 3.0) << ratio.dump();
  EXPECT_GT(ratio.at("rise_time_ns").get<double>(), 2.5) << ratio.dump();
  EXPECT_LT(ratio.at("energy_trap_adc").get<double>(), 0.1) << ratio.dump();
}
