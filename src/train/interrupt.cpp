#include "wavelearn/train/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace wl::train {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int signal_number) {
  if (g_interrupted.exchange(true)) {
    std::signal(signal_number, SIG_DFL);  // the second signal: its default action
    std::raise(signal_number);
  }
}
}  // namespace

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }
void install_interrupt_and_terminate_handler() {
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
}
bool interrupt_requested() { return g_interrupted.load(std::memory_order_relaxed); }
void clear_interrupt() { g_interrupted.store(false); }
void request_interrupt() { g_interrupted.store(true); }

}  // namespace wl::train
