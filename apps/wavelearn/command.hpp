#pragma once
// Each subcommand lives in its own file and registers itself here at start-up.
#include <CLI/CLI.hpp>

namespace wl::app {

// Options every subcommand sees (set on the top-level app).
struct GlobalOptions {
  int threads = 0;  // 0 = all cores
  bool quiet = false;
};
GlobalOptions& global_options();

using CommandSetup = void (*)(CLI::App& parent);

// Bounds every subcommand's options share, so a size no machine can hold is refused with a
// readable line before any allocation (CLI11's own numeric checks print 300-digit limits).
inline constexpr long long kMaxBatchEvents = 1 << 16;      // 65536 windows: ~1 GiB at 4096 samples
inline constexpr long long kMaxSamplesPerWaveform = 1 << 20;  // 10 ms at 10 ns
CLI::Validator batch_size_range();      // 1 .. kMaxBatchEvents
CLI::Validator threads_range();         // 0 .. 4 x the cores of this machine
CLI::Validator count_range(long long lo, long long hi);  // readable "lo to hi"
CLI::Validator positive_finite();       // a number > 0 (not NaN, not Inf)
CLI::Validator finite_number();         // any number but NaN and Inf
CLI::Validator sample_period_range();   // 0.1 ns (10 GS/s) .. 1 ms: a period, not a typo
CLI::Validator path_given();            // a non-empty path
CLI::Validator device_name();           // cpu, cuda or cuda:N (device_option.cpp)
// --device on a command that runs networks (train, predict, evaluate, explain).
CLI::Option* add_device_option(CLI::App* cmd, std::string& device);

// Returns a dummy value so registration can run in a static initialiser.
int register_command(const char* name, CommandSetup setup);

}  // namespace wl::app

#define WL_REGISTER_COMMAND(name, setup) \
  static const int wl_command_registered_##name = ::wl::app::register_command(#name, setup)
