#pragma once
// Where neural networks run: `--device cpu|cuda[:N]` and the `train.device` key. Parsing is
// torch-free (core); whether the device exists is asked of libtorch in train/device.hpp.
#include <string>

namespace wl::core {

struct DeviceSpec {
  bool cuda = false;
  int index = -1;  // cuda:N; -1: the current CUDA device (plain "cuda")
  std::string text() const;  // "cpu", "cuda" or "cuda:N"
};

// "cpu", "cuda" or "cuda:N" (N from 0 to 63). Anything else is an InputError naming `what`
// (the option or key the text came from) and the accepted forms.
DeviceSpec parse_device(const std::string& text, const std::string& what);

// The device of one rank of a data-parallel run: a plain "cuda" becomes cuda:LOCAL_RANK, so
// the ranks of one machine each take their own GPU (torchrun's convention); an explicit
// cuda:N or cpu is kept.
DeviceSpec device_for_local_rank(DeviceSpec d, int local_rank);

}  // namespace wl::core
