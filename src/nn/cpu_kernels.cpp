// Installs wavelearn's CPU kernels (see wavelearn/nn/cpu_kernels.hpp) in libtorch's
// dispatcher, for the CPU key of the aten operators they implement. A later registration for
// the same key takes precedence over libtorch's own, which stays registered underneath; the
// kernels call it (at::cpu::...) for every case they do not handle.
#include "wavelearn/nn/cpu_kernels.hpp"

#include <torch/library.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "cpu_kernels_impl.hpp"

namespace wl::nn {

namespace {

// libtorch warns on every kernel registered over another ("Overriding a previously
// registered kernel"); here that is the point, so the warning is not passed on.
class SilentWarnings : public c10::WarningHandler {
 public:
  void process(const c10::SourceLocation&, const std::string&, const bool) override {}
};

// The guard's namespace moved in libtorch 2 (the GPU machines' PyTorch).
#if TORCH_VERSION_MAJOR >= 2
using WarningGuard = c10::WarningUtils::WarningHandlerGuard;
#else
using WarningGuard = c10::Warning::WarningHandlerGuard;
#endif

std::unique_ptr<torch::Library> register_kernels() {
  auto lib = std::make_unique<torch::Library>(torch::Library::IMPL, "aten", c10::DispatchKey::CPU, __FILE__,
                                              __LINE__);
#if WL_HAVE_CBLAS
  lib->impl("bmm", TORCH_FN(detail::bmm_cpu));
#endif
  lib->impl("bernoulli_.float", TORCH_FN(detail::bernoulli_scalar_cpu));
  lib->impl("max_pool2d_with_indices", TORCH_FN(detail::max_pool2d_with_indices_cpu));
  lib->impl("max_pool2d_with_indices_backward", TORCH_FN(detail::max_pool2d_with_indices_backward_cpu));
  lib->impl("native_batch_norm", TORCH_FN(detail::native_batch_norm_cpu));
  lib->impl("native_batch_norm_backward", TORCH_FN(detail::native_batch_norm_backward_cpu));
  return lib;
}

}  // namespace

bool install_cpu_kernels() {
  static std::once_flag once;
  static std::unique_ptr<torch::Library> lib;
  static bool installed = false;
  std::call_once(once, [] {
    const char* keep = std::getenv("WL_LIBTORCH_KERNELS");
    if (keep != nullptr && std::strcmp(keep, "1") == 0) return;
    SilentWarnings silent;
    WarningGuard guard(&silent);
    lib = register_kernels();
    installed = true;
  });
  return installed;
}

}  // namespace wl::nn
