// `wavelearn info`: versions and runtime settings, for bug reports and run provenance.
#include <cstdio>

#include "command.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/train/device.hpp"
#include "wavelearn_version.hpp"

namespace {

void setup(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("info", "print versions and runtime settings");
  cmd->callback([] {
    std::printf("wavelearn %s\nthreads: %d\n%s\n", WL_VERSION,
                wl::core::resolve_threads(wl::app::global_options().threads), wl::train::device_summary().c_str());
  });
}

}  // namespace

WL_REGISTER_COMMAND(info, setup);
