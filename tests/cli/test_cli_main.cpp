#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/run_cli.hpp"

using wl::test::run_cli;

TEST(Cli, InfoPrintsVersion) {
  const auto r = run_cli("info");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("wavelearn "), std::string::npos);
}

TEST(Cli, UnknownSubcommandIsOneLineErrorWithStatus2) {
  const auto r = run_cli("no-such-command");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(wl::test::count_lines(r.err), 1);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u);
}

// Sizes no machine can hold and nonsense thread counts are one readable line, exit 2.
TEST(CliMain, AbsurdSizesAreRefusedReadably) {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string out = (dir / "x.h5").string();
  for (const std::string& args : std::vector<std::string>{"--threads 100000 info", "simulate --events 99999999999999999999 --out " + out,
        "simulate --events 2147483648 --out " + out,
        "simulate --events 10 --samples 2000000000 --out " + out,
        "simulate --events 2000000000 --out " + out,
        "predict --model m --data d --out o --batch-size 4000000000",
        "evaluate --model m --batch-size 0"}) {
    const auto r = wl::test::run_cli(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_EQ(wl::test::count_lines(r.err), 1) << args << "\n" << r.err;
    EXPECT_LT(r.err.size(), 300u) << args << "\n" << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.h5")) << args;
  }
}
