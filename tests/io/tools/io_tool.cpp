// Test helper for the io module: writes fixture files (for the CLI tests), large synthetic
// files and window reads with peak-memory figures (for scripts/rss-window-check), and dumps
// gathered windows (for the h5py interoperability test).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "../fixtures.hpp"
#include "../l200_fixtures.hpp"
#include "../mutations.hpp"
#include "../synthetic.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/reader.hpp"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: io_tool fixture KIND PATH\n"
               "       io_tool mutate KIND BASE.h5 OUT.h5   (kinds: tests/io/mutations.hpp)\n"
               "       io_tool write-synthetic PATH N_EVENTS N_SAMPLES\n"
               "       io_tool read-windows PATH BEGIN N [CHUNK_EVENTS]\n"
               "       io_tool gather PATH BATCH N_SAMPLES N_BATCHES\n"
               "       io_tool dump PATH THRESHOLD_KEV BEGIN N OUT.f32\n"
               "       io_tool dump-stream PATH CHANNEL STREAM OUT.f32   (every sample of an LH5 stream)\n");
  return 2;
}

std::size_t num(const char* s) { return std::strtoull(s, nullptr, 10); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  try {
    if (mode == "mutate" && argc == 5) {
      return wl::test::write_mutation(argv[2], argv[3], argv[4]) ? 0 : usage();
    }
    if (mode == "fixture" && argc == 4) {
      return wl::test::write_fixture(argv[2], argv[3]) || wl::test::write_l200_fixture(argv[2], argv[3]) ? 0 : usage();
    }
    if (mode == "dump-stream" && argc == 6) {
      wl::io::OpenOptions opt;
      opt.format = wl::io::Format::Lh5;
      opt.lh5_channel = argv[3];
      opt.lh5_stream = argv[4];
      auto reader = wl::io::open_reader(argv[2], opt);
      std::vector<float> out(reader->n_events() * reader->n_samples());
      reader->read_window(0, reader->n_events(), 0, reader->n_samples(), out.data());
      std::ofstream(argv[5], std::ios::binary)
          .write(reinterpret_cast<const char*>(out.data()), std::streamsize(out.size() * sizeof(float)));
      return 0;
    }
    if (mode == "write-synthetic" && argc == 5) {
      wl::test::write_synthetic_mjd(argv[2], num(argv[3]), num(argv[4]));
      return 0;
    }
    if (mode == "read-windows" && (argc == 5 || argc == 6)) {
      const std::size_t begin = num(argv[3]), n = num(argv[4]);
      const std::size_t before = wl::test::peak_rss_bytes();
      wl::io::OpenOptions opt;
      if (argc == 6) opt.chunk_events = num(argv[5]);
      const auto t0 = std::chrono::steady_clock::now();
      auto reader = wl::io::open_reader(argv[2], opt);
      std::vector<float> chunk(opt.chunk_events * n);
      double sum = 0;
      for (std::size_t first = 0; first < reader->n_events(); first += opt.chunk_events) {
        const std::size_t count = std::min(opt.chunk_events, reader->n_events() - first);
        reader->read_window(first, count, begin, n, chunk.data());
        sum += chunk[0];
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double mb = double(reader->n_events() * n * sizeof(float)) / 1e6;
      std::printf("events %zu window [%zu, %zu) read %.1f MB in %.3f s (%.0f MB/s); peak RSS %.1f MB "
                  "(%.1f MB before opening), checksum %g\n",
                  reader->n_events(), begin, begin + n, mb, s, mb / s, double(wl::test::peak_rss_bytes()) / 1e6,
                  double(before) / 1e6, sum);
      return 0;
    }
    if (mode == "gather" && argc == 6) {
      // Shuffled mini-batches as a training loader asks for them: read_events per batch.
      auto reader = wl::io::open_reader(argv[2]);
      const std::size_t batch = num(argv[3]), n = num(argv[4]), n_batches = num(argv[5]);
      std::vector<std::size_t> order(reader->n_events());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      uint64_t state = 12345;
      for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates with a fixed LCG
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        std::swap(order[i - 1], order[(state >> 33) % i]);
      }
      std::vector<float> out(batch * n);
      const auto t0 = std::chrono::steady_clock::now();
      std::size_t done = 0;
      for (std::size_t b = 0; b < n_batches && (b + 1) * batch <= order.size(); ++b, ++done) {
        const std::vector<std::size_t> ids(order.begin() + b * batch, order.begin() + (b + 1) * batch);
        wl::io::read_events(*reader, ids, 500, n, out.data());
      }
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("%zu shuffled batches of %zu events, window %zu samples: %.0f events/s (%.1f us/event)\n", done,
                  batch, n, double(done * batch) / s, 1e6 * s / double(done * batch));
      return 0;
    }
    if (mode == "dump" && argc == 7) {
      auto reader = wl::io::open_reader(argv[2]);
      const auto events = wl::io::select_by_energy(*reader, std::strtod(argv[3], nullptr));
      const std::size_t begin = num(argv[4]), n = num(argv[5]);
      std::vector<float> out(events.size() * n);
      wl::io::read_events(*reader, events, begin, n, out.data());
      std::ofstream(argv[6], std::ios::binary)
          .write(reinterpret_cast<const char*>(out.data()), std::streamsize(out.size() * sizeof(float)));
      std::printf("%zu\n", events.size());
      return 0;
    }
  } catch (const wl::core::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return usage();
}
