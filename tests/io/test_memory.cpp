// Reading a window of every event of a large file keeps peak memory near the chunk size,
// not the file size. Each step runs in a forked child so its peak RSS is its own.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "synthetic.hpp"
#include "temp_dir.hpp"
#include "wavelearn/io/reader.hpp"

namespace {

// Runs body in a child process; returns its exit status (0 = success).
template <typename F>
int in_child(F&& body) {
  const pid_t pid = fork();
  if (pid == 0) {
    int rc = 3;
    try {
      rc = body();
    } catch (...) {
      rc = 4;
    }
    _exit(rc);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(MemoryBound, WindowOfAllEventsStaysNearChunkSize) {
  wl::test::TempDir dir;
  const auto path = dir.file("big.h5");
  const std::size_t n_events = 20000, n_samples = 3800;  // ~300 MB of float32
  ASSERT_EQ(in_child([&] {
              wl::test::write_synthetic_mjd(path, n_events, n_samples);
              return 0;
            }),
            0);
  const std::size_t file_bytes = std::filesystem::file_size(path);
  ASSERT_GT(file_bytes, n_events * n_samples * sizeof(float));
  const std::size_t begin = 500, n = 1000;
  const std::size_t window_bytes = n_events * n * sizeof(float);  // what a whole-file read would hold
  const std::size_t limit = file_bytes / 5;
  ASSERT_LT(limit, window_bytes);  // so holding all windows at once would fail the check
  const int rc = in_child([&] {
    const std::size_t before = wl::test::peak_rss_bytes();
    wl::io::OpenOptions opt;
    opt.chunk_events = 1024;
    auto reader = wl::io::open_reader(path, opt);
    std::vector<float> chunk(opt.chunk_events * n);
    double checksum = 0;
    for (std::size_t first = 0; first < n_events; first += opt.chunk_events) {
      const std::size_t count = std::min(opt.chunk_events, n_events - first);
      reader->read_window(first, count, begin, n, chunk.data());
      if (chunk[(count - 1) * n + 7] != wl::test::expected_sample(first + count - 1, begin + 7)) return 5;
      checksum += chunk[0];
    }
    const std::size_t grown = wl::test::peak_rss_bytes() - before;
    std::fprintf(stderr, "peak RSS grew by %.1f MB reading %.1f MB of windows from a %.1f MB file\n",
                 double(grown) / 1e6, double(window_bytes) / 1e6, double(file_bytes) / 1e6);
    return grown < limit && checksum != 0.5 ? 0 : 6;
  });
  EXPECT_EQ(rc, 0) << "5: wrong values, 6: peak RSS grew by more than " << limit << " bytes";
}
