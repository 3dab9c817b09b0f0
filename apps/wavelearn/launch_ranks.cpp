// The local launcher of data-parallel training: fork/exec of this binary per rank, then a
// watch over the children so that one rank's death never leaves the others waiting.
#include "launch_ranks.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/loopback_port.hpp"

namespace wl::app {

namespace {

std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  std::string::size_type start = 0;
  while (start < raw.size()) {
    const auto end = raw.find('\0', start);
    args.push_back(raw.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (args.empty()) throw core::InputError("train --nproc: cannot read this process's command line");
  return args;
}

// The ranks run the same command without --nproc (and with their thread count).
std::vector<std::string> rank_command_line(int threads_per_rank) {
  const auto args = own_command_line();
  std::vector<std::string> out{args.front()};
  if (threads_per_rank > 0) out.insert(out.end(), {"--threads", std::to_string(threads_per_rank)});
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--nproc") {
      ++i;  // and its value
      continue;
    }
    if (args[i].rfind("--nproc=", 0) == 0) continue;
    out.push_back(args[i]);
  }
  return out;
}

pid_t start_rank(const std::vector<std::string>& args, int rank, int nproc, int port) {
  const pid_t pid = ::fork();
  if (pid < 0) throw core::InputError(std::string("train --nproc: cannot start a rank: ") + std::strerror(errno));
  if (pid > 0) return pid;
  ::setenv("MASTER_ADDR", "127.0.0.1", 1);
  ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  ::setenv("RANK", std::to_string(rank).c_str(), 1);
  ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  std::_Exit(127);
}

std::string describe(int rank, int status) {
  const std::string who = "rank " + std::to_string(rank);
  if (WIFSIGNALED(status))
    return who + " was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return who + " failed with exit status " + std::to_string(WEXITSTATUS(status));
}

bool failed(int status) { return !(WIFEXITED(status) && WEXITSTATUS(status) == 0); }

// The other ranks are stopped. A peer's death makes them fail within milliseconds with their
// own error line, so they get 2 s for it; then SIGTERM, and SIGKILL for one that outlives 5 s.
void stop_ranks(std::map<pid_t, int>& running) {
  const auto t0 = std::chrono::steady_clock::now();
  bool termed = false, killed = false;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      running.erase(pid);
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    const auto waited = std::chrono::steady_clock::now() - t0;
    if (!termed && waited > std::chrono::seconds(2)) {
      for (const auto& [p, r] : running) ::kill(p, SIGTERM);
      termed = true;
    }
    if (!killed && waited > std::chrono::seconds(7)) {
      for (const auto& [p, r] : running) ::kill(p, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

void launch_local_ranks(int nproc, int threads_per_rank) {
  const auto args = rank_command_line(threads_per_rank);
  const int port = core::free_loopback_port("train --nproc");
  std::map<pid_t, int> running;
  for (int r = 0; r < nproc; ++r) running[start_rank(args, r, nproc, port)] = r;
  // Ctrl-C reaches every rank (one process group): they save and stop; this one waits.
  auto* previous = std::signal(SIGINT, SIG_IGN);
  std::string failure;
  bool interrupted = false;
  while (!running.empty()) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const int rank = it->second;
    running.erase(it);
    if (!failed(status)) continue;
    interrupted = WIFEXITED(status) && WEXITSTATUS(status) == 130;
    failure = describe(rank, status);
    // A peer's death makes the others fail too: the first to go is the cause.
    stop_ranks(running);
  }
  std::signal(SIGINT, previous);
  if (interrupted) throw core::Interrupted("train --nproc " + std::to_string(nproc) + ": interrupted (" + failure + ")");
  if (!failure.empty())
    throw core::InputError("train --nproc " + std::to_string(nproc) + ": " + failure +
                           "; the other ranks were stopped");
}

}  // namespace wl::app
