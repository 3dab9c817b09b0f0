#pragma once
// Data-parallel training over PyTorch's own collectives (c10d::ProcessGroupGloo with a
// c10d::TCPStore rendezvous). A rank learns its place from torchrun's environment contract
// (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK), so torchrun, srun or
// `wavelearn train --nproc N` can start it. No libtorch or c10d here: tensors are only
// declared, the c10d code lives in distributed.cpp.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace at {
class Tensor;
}

namespace wl::train {

struct DistEnv {
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  int world_size = 1;
  int rank = 0;
  int local_rank = 0;
  // How long a rank waits for the others: the rendezvous and every collective. A rank that
  // dies closes its sockets and is noticed at once; this bounds a rank that hangs.
  double timeout_s = 300.0;
  bool active() const { return world_size > 1; }
};

// torchrun's variables; world_size 1 (no process group) when WORLD_SIZE is unset. Throws
// InputError naming the variable when one is malformed or missing.
DistEnv dist_env_from_environment();
// rank < world_size, port 1..65535, timeout > 0: InputError naming the bad value.
void check_dist_env(const DistEnv& env);

class ProcessGroup {
 public:
  // Joins the group (blocks until every rank arrived). InputError when the rendezvous at
  // MASTER_ADDR:MASTER_PORT is not reached within env.timeout_s.
  explicit ProcessGroup(const DistEnv& env);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const;
  int world_size() const;
  // In place: the mean over ranks of each float32 tensor, in one collective (the tensors
  // are packed into one buffer, like DDP's gradient buckets).
  void all_reduce_mean(const std::vector<at::Tensor>& tensors);
  // In place: rank 0's values in every rank's tensors.
  void broadcast(const std::vector<at::Tensor>& tensors);
  // Seconds spent in all_reduce_mean (packing, collective, unpacking) and the call count.
  double all_reduce_seconds() const;
  std::size_t all_reduce_calls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wl::train
