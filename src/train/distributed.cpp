// The process group of a data-parallel run: c10d's TCPStore for the rendezvous and
// ProcessGroupGloo for the collectives, both from the installed libtorch.
#include "wavelearn/train/distributed.hpp"

#include <glog/logging.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>

#include "wavelearn/core/error.hpp"

namespace wl::train {

using core::InputError;

namespace {

// An integer environment variable; `fallback` when unset.
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v) return fallback;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*v == '\0' || *end != '\0' || x < 0 || x > 1000000)
    throw InputError(std::string("environment variable ") + name + "='" + v + "': expected a whole number >= 0");
  return static_cast<int>(x);
}

// c10d and gloo messages carry backtraces and file positions over several lines.
std::string first_line(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  std::string s = c10 ? c10->what_without_backtrace() : e.what();
  const auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

// c10d logs each failed connection attempt through glog on stderr; the error that ends the
// rendezvous is ours, in one line.
class QuietGlog {
 public:
  QuietGlog() : saved_(FLAGS_minloglevel) { FLAGS_minloglevel = google::GLOG_FATAL; }
  ~QuietGlog() { FLAGS_minloglevel = saved_; }
  QuietGlog(const QuietGlog&) = delete;
  QuietGlog& operator=(const QuietGlog&) = delete;

 private:
  int saved_;
};

bool is_loopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

// Loopback jobs talk over lo; otherwise GLOO_SOCKET_IFNAME names the interface, or the
// host name's address is used (PyTorch's rule).
std::shared_ptr<::gloo::transport::Device> make_device(const std::string& master_addr) {
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"))
    return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (is_loopback(master_addr)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

}  // namespace

DistEnv dist_env_from_environment() {
  DistEnv env;
  env.world_size = env_int("WORLD_SIZE", 1);
  if (env.world_size <= 1) return env;
  if (!std::getenv("MASTER_ADDR") || !std::getenv("MASTER_PORT") || !std::getenv("RANK"))
    throw InputError("WORLD_SIZE=" + std::to_string(env.world_size) +
                     " is set but MASTER_ADDR, MASTER_PORT or RANK is not (torchrun sets all four)");
  env.master_addr = std::getenv("MASTER_ADDR");
  env.master_port = env_int("MASTER_PORT", env.master_port);
  env.rank = env_int("RANK", 0);
  env.local_rank = env_int("LOCAL_RANK", 0);
  return env;
}

void check_dist_env(const DistEnv& env) {
  if (env.world_size < 1) throw InputError("world size " + std::to_string(env.world_size) + ": expected 1 or more");
  if (env.rank < 0 || env.rank >= env.world_size)
    throw InputError("rank " + std::to_string(env.rank) + " is outside the world of " +
                     std::to_string(env.world_size) + " ranks (RANK must be 0 to WORLD_SIZE-1)");
  if (env.world_size > 1 && (env.master_port < 1 || env.master_port > 65535))
    throw InputError("MASTER_PORT " + std::to_string(env.master_port) + ": expected 1 to 65535");
  if (env.world_size > 1 && env.master_addr.empty()) throw InputError("MASTER_ADDR is empty");
  if (!(env.timeout_s > 0) || !std::isfinite(env.timeout_s))
    throw InputError("--dist-timeout must be a number of seconds > 0");
}

struct ProcessGroup::Impl {
  DistEnv env;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;  // after store: destroyed before it
  double all_reduce_s = 0.0;
  std::size_t all_reduce_calls = 0;

  // A collective's failure is a peer that died or stalled: one line naming the operation.
  void run(const char* what, const std::function<void()>& op) const {
    try {
      op();
    } catch (const std::exception& e) {
      throw InputError("distributed training: rank " + std::to_string(env.rank) + " of " +
                       std::to_string(env.world_size) + " lost the other ranks during " + what +
                       " (a rank died, or stalled past --dist-timeout " + std::to_string(std::lround(env.timeout_s)) +
                       " s): " + first_line(e));
    }
  }
};

ProcessGroup::ProcessGroup(const DistEnv& env) : impl_(std::make_unique<Impl>()) {
  check_dist_env(env);
  impl_->env = env;
  const std::chrono::milliseconds timeout(static_cast<int64_t>(env.timeout_s * 1000.0));
  const std::string where = env.master_addr + ":" + std::to_string(env.master_port);
  const QuietGlog quiet;
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(env.master_port);
    so.isServer = env.rank == 0;
    so.numWorkers = static_cast<std::size_t>(env.world_size);
    so.waitWorkers = true;
    so.timeout = timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, so);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(make_device(env.master_addr));
    options->threads = 2;
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank, env.world_size, options);
  } catch (const std::exception& e) {
    throw InputError("distributed training: rank " + std::to_string(env.rank) + " of " +
                     std::to_string(env.world_size) + " could not join the group at " + where + " within " +
                     std::to_string(std::lround(env.timeout_s)) + " s (MASTER_ADDR, MASTER_PORT; --dist-timeout): " +
                     first_line(e));
  }
}

ProcessGroup::~ProcessGroup() = default;

int ProcessGroup::rank() const { return impl_->env.rank; }
int ProcessGroup::world_size() const { return impl_->env.world_size; }
double ProcessGroup::all_reduce_seconds() const { return impl_->all_reduce_s; }
std::size_t ProcessGroup::all_reduce_calls() const { return impl_->all_reduce_calls; }

void ProcessGroup::all_reduce_mean(const std::vector<at::Tensor>& tensors) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<at::Tensor> flat_views;
  flat_views.reserve(tensors.size());
  for (const auto& t : tensors) flat_views.push_back(t.reshape({-1}));
  std::vector<at::Tensor> buffer{torch::cat(flat_views)};
  impl_->run("all-reduce", [&] { impl_->group->allreduce(buffer)->wait(); });
  buffer[0].div_(static_cast<double>(impl_->env.world_size));
  int64_t offset = 0;
  for (const auto& t : tensors) {
    const int64_t n = t.numel();
    at::Tensor(t).copy_(buffer[0].narrow(0, offset, n).view(t.sizes()));
    offset += n;
  }
  impl_->all_reduce_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++impl_->all_reduce_calls;
}

void ProcessGroup::broadcast(const std::vector<at::Tensor>& tensors) {
  for (const auto& t : tensors) {
    std::vector<at::Tensor> one{t};
    c10d::BroadcastOptions options;
    options.rootRank = 0;
    impl_->run("broadcast", [&] { impl_->group->broadcast(one, options)->wait(); });
  }
}

}  // namespace wl::train
