#pragma once
// Progress for long work: a redrawn bar on a terminal, a plain line every few seconds
// otherwise (logs, CI). Writes to stderr so stdout stays machine-readable.
#include <chrono>
#include <cstddef>
#include <string>

namespace wl::core {

class Progress {
 public:
  Progress(std::string label, std::size_t total, bool quiet = false);
  // Sets the number of completed items; `extra` is appended (e.g. "loss 0.312").
  void update(std::size_t done, const std::string& extra = "");
  // Prints the final state and a newline.
  void finish(const std::string& extra = "");

 private:
  void draw(std::size_t done, const std::string& extra, bool final);
  std::string label_;
  std::size_t total_;
  bool quiet_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace wl::core
