#pragma once
// A free TCP port on 127.0.0.1, for a rendezvous that a process starts next (the launcher of
// `train --nproc`, the data-parallel tests and bench). No libtorch here.
#include <string>

namespace wl::core {

// A port the kernel just handed out on loopback (bound to port 0, read back, closed), so
// the caller's store can bind it next. InputError starting with `who` when no socket can
// be bound.
int free_loopback_port(const std::string& who);

}  // namespace wl::core
