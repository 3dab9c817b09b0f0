#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <vector>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/core/rng.hpp"

namespace fs = std::filesystem;

TEST(Rng, SameSeedAndStreamGiveSameSequence) {
  wl::core::Rng a(42, 7), b(42, 7), c(42, 8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs |= (x != c.next());
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, NormalHasUnitMoments) {
  wl::core::Rng r(1);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    sum += x;
    sum2 += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.01);
}

TEST(Parallel, CoversRangeOnceWithAnyThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    std::vector<int> hits(1001, 0);
    wl::core::parallel_for(hits.size(), threads, [&](size_t b, size_t e, int) {
      for (size_t i = b; i < e; ++i) hits[i]++;
    });
    for (int h : hits) ASSERT_EQ(h, 1);
  }
}

TEST(Parallel, RethrowsWorkerException) {
  EXPECT_THROW(wl::core::parallel_for(10, 2, [](size_t b, size_t, int) {
                 if (b > 0) throw std::runtime_error("boom");
               }),
               std::runtime_error);
}

TEST(AtomicFile, RefusesOverwriteWithoutForceAndLeavesNoTemp) {
  const fs::path dir = fs::temp_directory_path() / "wl_test_atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path target = dir / "out.txt";
  wl::core::write_text_atomically(target, "one", false);
  EXPECT_THROW(wl::core::write_text_atomically(target, "two", false), wl::core::InputError);
  std::ifstream in(target);
  std::string s;
  in >> s;
  EXPECT_EQ(s, "one");
  // A failing writer leaves neither the target changed nor a temporary behind.
  EXPECT_THROW(wl::core::write_atomically(target, true,
                                          [](const fs::path& tmp) {
                                            std::ofstream(tmp) << "partial";
                                            throw std::runtime_error("fail");
                                          }),
               std::runtime_error);
  int files = 0;
  for (auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  wl::core::write_text_atomically(target, "three", true);
  std::ifstream in2(target);
  in2 >> s;
  EXPECT_EQ(s, "three");
  fs::remove_all(dir);
}
