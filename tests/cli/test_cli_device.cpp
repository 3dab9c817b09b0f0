// --device on a machine without CUDA: a one-line refusal with exit status 2 before any work
// (the cuda:63 and unknown-name rows are in tests/bad_input/cases.hpp). `wavelearn info`
// says what libtorch offers; on a machine with a GPU the refusal case is skipped.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli/run_cli.hpp"

namespace {

using wl::test::run_cli;

bool cuda_present() { return run_cli("info").out.find("cuda: not available") == std::string::npos; }

TEST(CliDevice, InfoNamesLibtorchAndCuda) {
  const auto r = run_cli("info");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("libtorch "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cuda: "), std::string::npos) << r.out;
}

TEST(CliDevice, CudaWithoutAGpuIsAOneLineErrorBeforeAnyWork) {
  if (cuda_present()) GTEST_SKIP() << "this libtorch sees a GPU: --device cuda is valid here";
  wl::test::ScratchDir dir("device");
  const auto out = dir / "run";
  // The data file does not exist: the device is refused before anything is read.
  const auto r = run_cli("-q train --config " WL_SOURCE_DIR "/configs/seed-fcnet.toml --data " + (dir / "none.h5") +
                         " --out " + out + " --device cuda");
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("train.device cuda: no CUDA device available"), std::string::npos) << r.err;
  EXPECT_EQ(wl::test::count_lines(r.err), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
