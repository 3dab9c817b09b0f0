#include <gtest/gtest.h>

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
