// The generator run's resume: one epoch, then --resume to two, equals two epochs at once.
#include <gtest/gtest.h>

#include <filesystem>

#include "../../src/gen/state_file.hpp"
#include "sim_file.hpp"

namespace wl::test {
namespace {

namespace fs = std::filesystem;

std::string train_cmd(const std::string& out, int epochs) {
  return "-q --threads 2 train --config " + std::string(WL_SOURCE_DIR) + "/configs/autoencoder.toml --data " +
         gen_sim_file() + " --out " + out +
         " --set data.window_samples=128 --set 'model.channels=[8, 16, 16]' --set model.hidden=32"
         " --set data.fit_events=300 --set train.batch_size=64 --set train.epochs=" + std::to_string(epochs);
}

TEST(GenRun, ResumeGivesTheStateOfAnUninterruptedRun) {
  ScratchDir dir("wl_gen_resume");
  const std::string a = dir / "a", b = dir / "b";
  auto r = run_cli(train_cmd(a, 2));
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(run_cli(train_cmd(b, 1)).status, 0);
  r = run_cli("-q --threads 2 train --out " + b + " --resume --set train.epochs=2");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto sa = gen::detail::load_state_file(fs::path(a) / "model.pt");
  const auto sb = gen::detail::load_state_file(fs::path(b) / "model.pt");
  ASSERT_EQ(sa.tensors.size(), sb.tensors.size());
  ASSERT_GT(sa.tensors.size(), 10u);
  for (const auto& [name, t] : sa.tensors) EXPECT_TRUE(torch::equal(t, sb.tensors.at(name))) << name;
  const auto ha = read_all(fs::path(a) / "history.csv"), hb = read_all(fs::path(b) / "history.csv");
  EXPECT_EQ(std::count(ha.begin(), ha.end(), '\n'), 3);  // header + 2 epochs
  EXPECT_EQ(ha.substr(0, ha.find("\n2,")).substr(ha.find("\n1,") ).substr(0, 20),
            hb.substr(0, hb.find("\n2,")).substr(hb.find("\n1,")).substr(0, 20));  // epoch 1 losses
  // A finished run is not overwritten without --force; with --force it is.
  r = run_cli(train_cmd(a, 1));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(run_cli(train_cmd(a, 1) + " --force").status, 0);
}

}  // namespace
}  // namespace wl::test
