#pragma once
// One small labelled simulated file per test binary (1 detector: labelling needs a few
// thousand events per detector), made with the CLI as a user would.
#include <gtest/gtest.h>

#include <string>

#include "cli/run_cli.hpp"

namespace wl::test {

inline const std::string& gen_sim_file() {
  static ScratchDir dir("wl_gen_sim");
  static const std::string path = dir / "sim.h5";
  static const bool made = [] {
    const auto r = run_cli("-q --threads 2 simulate --events 2000 --detectors 1 --samples 2500 --seed 3 --out " + path);
    EXPECT_EQ(r.status, 0) << r.err;
    return true;
  }();
  (void)made;
  return path;
}

}  // namespace wl::test
