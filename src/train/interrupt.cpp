#include "wavelearn/train/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace wl::train {

namespace {
std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) {
  if (g_interrupted.exchange(true)) {
    std::signal(SIGINT, SIG_DFL);  // second Ctrl-C: default action
    std::raise(SIGINT);
  }
}
}  // namespace

void install_interrupt_handler() { std::signal(SIGINT, on_sigint); }
bool interrupt_requested() { return g_interrupted.load(std::memory_order_relaxed); }
void clear_interrupt() { g_interrupted.store(false); }
void request_interrupt() { g_interrupted.store(true); }

}  // namespace wl::train
