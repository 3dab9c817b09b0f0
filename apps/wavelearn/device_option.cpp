// --device: the syntax is checked while parsing; whether the machine has the device is asked
// where the network is placed (train/device.hpp), as a one-line error with exit status 2.
#include <string>

#include "command.hpp"
#include "wavelearn/core/device.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::app {

CLI::Validator device_name() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          core::parse_device(text, "--device");
          return "";
        } catch (const core::InputError&) {
          return "unknown device '" + text + "' (cpu, cuda or cuda:N)";
        }
      },
      "cpu|cuda[:N]");
}

CLI::Option* add_device_option(CLI::App* cmd, std::string& device) {
  return cmd->add_option("--device", device,
                         "where networks run: cpu (default), cuda or cuda:N (a libtorch with CUDA and a GPU)")
      ->check(device_name());
}

}  // namespace wl::app
