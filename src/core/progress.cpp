#include "wavelearn/core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace wl::core {

Progress::Progress(std::string label, std::size_t total, bool quiet)
    : label_(std::move(label)),
      total_(total),
      quiet_(quiet),
      tty_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void Progress::update(std::size_t done, const std::string& extra) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since_last = std::chrono::duration<double>(now - last_).count();
  // A terminal is redrawn ~10x per second; a log gets a line every 10 s.
  if (since_last < (tty_ ? 0.1 : 10.0)) return;
  last_ = now;
  draw(done, extra, false);
}

void Progress::finish(const std::string& extra) {
  if (quiet_) return;
  draw(total_, extra, true);
}

void Progress::draw(std::size_t done, const std::string& extra, bool final) {
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0.0;
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %zu/%zu %.0f/s %.1fs %s\033[K%s", label_.c_str(), bar.c_str(), done,
                 total_, rate, elapsed_s, extra.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s: %zu/%zu (%.0f%%) %.0f/s %.1fs %s\n", label_.c_str(), done, total_,
                 100.0 * frac, rate, elapsed_s, extra.c_str());
  }
  std::fflush(stderr);
}

}  // namespace wl::core
