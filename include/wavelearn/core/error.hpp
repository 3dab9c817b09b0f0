#pragma once
// Errors carry their context (file, dataset, event, key) in the message. The CLI maps
// InputError to exit status 2 (the user's data or configuration is wrong) and anything
// else to 1 (a failure of ours).
#include <stdexcept>
#include <string>

namespace wl::core {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Thrown where the user stops a run (SIGINT): the CLI exits 130 after saving state.
class Interrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wl::core
