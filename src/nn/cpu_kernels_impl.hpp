#pragma once
// The kernels behind install_cpu_kernels (wavelearn/nn/cpu_kernels.hpp), callable directly
// so that tests compare them with libtorch's (at::cpu::...). Private to the nn module.
#include <ATen/ATen.h>

#include <array>
#include <tuple>

namespace wl::nn::detail {

at::Tensor bmm_cpu(const at::Tensor& self, const at::Tensor& mat2);

at::Tensor& bernoulli_scalar_cpu(at::Tensor& self, double p, c10::optional<at::Generator> generator);

std::tuple<at::Tensor, at::Tensor> max_pool2d_with_indices_cpu(const at::Tensor& self, at::IntArrayRef kernel_size,
                                                               at::IntArrayRef stride, at::IntArrayRef padding,
                                                               at::IntArrayRef dilation, bool ceil_mode);

at::Tensor max_pool2d_with_indices_backward_cpu(const at::Tensor& grad_output, const at::Tensor& self,
                                                at::IntArrayRef kernel_size, at::IntArrayRef stride,
                                                at::IntArrayRef padding, at::IntArrayRef dilation, bool ceil_mode,
                                                const at::Tensor& indices);

std::tuple<at::Tensor, at::Tensor, at::Tensor> native_batch_norm_cpu(
    const at::Tensor& input, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
    const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var, bool training,
    double momentum, double eps);

std::tuple<at::Tensor, at::Tensor, at::Tensor> native_batch_norm_backward_cpu(
    const at::Tensor& grad_out, const at::Tensor& input, const c10::optional<at::Tensor>& weight,
    const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
    const c10::optional<at::Tensor>& save_mean, const c10::optional<at::Tensor>& save_invstd, bool train,
    double eps, std::array<bool, 3> output_mask);

}  // namespace wl::nn::detail
