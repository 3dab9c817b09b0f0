#pragma once
// `wavelearn train --nproc N`: this machine's ranks of a data-parallel run, started the way
// torchrun starts them (the same command line once per rank, with MASTER_ADDR, MASTER_PORT,
// WORLD_SIZE, RANK and LOCAL_RANK set), and watched: a rank that fails stops the others.

namespace wl::app {

// Runs the current command line (/proc/self/cmdline, less its --nproc option) as `nproc`
// ranks on 127.0.0.1 and a free port, each with `threads_per_rank` threads (0: as given),
// and waits for them. Throws core::InputError naming the rank that failed (its own error is
// on stderr above), core::Interrupted when the ranks were interrupted (SIGINT).
void launch_local_ranks(int nproc, int threads_per_rank);

}  // namespace wl::app
