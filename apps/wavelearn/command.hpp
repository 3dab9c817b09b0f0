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

// Returns a dummy value so registration can run in a static initialiser.
int register_command(const char* name, CommandSetup setup);

}  // namespace wl::app

#define WL_REGISTER_COMMAND(name, setup) \
  static const int wl_command_registered_##name = ::wl::app::register_command(#name, setup)
