// wavelearn: machine learning on digitized detector waveforms.
#include <cstdio>
#include <filesystem>
#include <new>
#include <map>
#include <string>

#include "command.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/runtime.hpp"
#include "wavelearn/nn/cpu_kernels.hpp"
#include "wavelearn_version.hpp"

namespace wl::app {

GlobalOptions& global_options() {
  static GlobalOptions options;
  return options;
}

static std::map<std::string, CommandSetup>& registry() {
  static std::map<std::string, CommandSetup> commands;
  return commands;
}

int register_command(const char* name, CommandSetup setup) {
  registry()[name] = setup;
  return 0;
}

}  // namespace wl::app

int main(int argc, char** argv) {
  wl::core::tune_malloc();
  wl::nn::install_cpu_kernels();
  CLI::App app{"wavelearn: machine learning on digitized detector waveforms (MJD, LEGEND, any HDF5)"};
  app.set_version_flag("--version", std::string("wavelearn ") + WL_VERSION);
  auto& opts = wl::app::global_options();
  app.add_option("--threads", opts.threads, "worker threads (0 = all cores)")->check(wl::app::threads_range());
  app.add_flag("-q,--quiet", opts.quiet, "no progress output");
  app.require_subcommand(1);
  for (const auto& [name, setup] : wl::app::registry()) setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const wl::core::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // A path the user gave that cannot be created or written (read-only, /proc, /sys):
    // their input, so exit 2 and name the path.
    std::fprintf(stderr, "error: %s: %s\n", e.path1().string().c_str(), e.code().message().c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory (a size in the input or options is larger than this machine can "
                 "hold; see --help for the bounds)\n");
    return 2;
  } catch (const wl::core::Interrupted& e) {
    std::fprintf(stderr, "interrupted: %s\n", e.what());
    return 130;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
