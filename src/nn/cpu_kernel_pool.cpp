// max_pool2d_with_indices with a (1, 2) window and stride, no padding or dilation: that is
// max_pool1d(x, 2), which the CNN applies after each convolution block. Every (1, W) row is
// independent; one pass writes the maxima and their indices, and the backward pass writes
// each row's gradient in one pass too. libtorch 1.13 runs its generic window loop (2.4 ms
// forward on (64, 8, 1, 1000) at one thread, this one 0.11 ms; 19 % of a CNN training step). Values, indices and NaN handling are
// libtorch's: the later of two equal values does not replace the earlier one, a NaN does.
#include <ATen/Parallel.h>
#include <ATen/ops/max_pool2d_with_indices_backward_cpu_dispatch.h>
#include <ATen/ops/max_pool2d_with_indices_cpu_dispatch.h>

#include <algorithm>
#include <cmath>

#include "cpu_kernels_impl.hpp"

namespace wl::nn::detail {

namespace {

bool is(at::IntArrayRef v, std::initializer_list<int64_t> want) {
  return v.size() == want.size() && std::equal(v.begin(), v.end(), want.begin());
}

// The case the kernels below handle; everything else is libtorch's.
bool is_pairwise_pool(const at::Tensor& self, at::IntArrayRef kernel, at::IntArrayRef stride,
                      at::IntArrayRef padding, at::IntArrayRef dilation, bool ceil_mode) {
  if (self.scalar_type() != at::kFloat || !self.is_contiguous() || (self.dim() != 3 && self.dim() != 4))
    return false;
  const bool window = is(kernel, {1, 2}) && (stride.empty() || is(stride, {1, 2}));
  const bool plain = (is(padding, {0, 0}) || is(padding, {0})) && (is(dilation, {1, 1}) || is(dilation, {1}));
  const int64_t width = self.size(-1);
  return window && plain && width >= 2 && (!ceil_mode || width % 2 == 0) && self.numel() > 0;
}

// Rows of width W (the last dimension), over all leading dimensions; `height` is the size of
// the pooled plane's first dimension, so indices count from the start of the (H, W) plane.
struct Rows {
  int64_t count, width, height;
};

Rows rows_of(const at::Tensor& t) { return {t.numel() / t.size(-1), t.size(-1), t.size(-2)}; }

// One row: local copies and restrict-qualified pointers, so the loop vectorises (the
// comparison is random on real data: a branch would mispredict half the time).
void pool_row(const float* __restrict x, float* __restrict o, int64_t* __restrict k, int64_t half,
              int64_t plane_offset) {
#pragma omp simd
  for (int64_t j = 0; j < half; ++j) {
    // libtorch's rule (start from -inf, take a value if larger or NaN) for two values: a is
    // taken whatever it is, b if larger than a or NaN.
    const float a = x[2 * j], b = x[2 * j + 1];
    const bool take_b = (b > a) | (b != b);
    o[j] = take_b ? b : a;
    k[j] = plane_offset + 2 * j + static_cast<int64_t>(take_b);
  }
}

// One row's gradient: each output's gradient goes to the input its index names. Indices
// from the forward pass name one of their two inputs; any other index (a caller's own) makes
// the row start again, scattered with range checks and summed where indices repeat.
void unpool_row(const float* __restrict g, const int64_t* __restrict k, float* __restrict dst, int64_t width,
                int64_t plane_offset) {
  const int64_t half = width / 2;
  std::fill(dst, dst + width, 0.0f);
  int64_t stray = 0;
  for (int64_t j = 0; j < half; ++j) {
    const int64_t at = k[j] - plane_offset - 2 * j;  // 0 or 1 from the forward pass
    stray |= at & ~int64_t{1};
    dst[2 * j + (at & 1)] = g[j];
  }
  if (stray == 0) return;
  std::fill(dst, dst + width, 0.0f);
  for (int64_t j = 0; j < half; ++j) {
    const int64_t at_w = k[j] - plane_offset;
    TORCH_CHECK(at_w >= 0 && at_w < width, "max_pool2d_with_indices_backward: index ", k[j], " out of its row");
    dst[at_w] += g[j];
  }
}

void pool_rows(const float* in, float* out, int64_t* index, Rows r) {
  const int64_t half = r.width / 2;
  at::parallel_for(0, r.count, std::max<int64_t>(1, 16384 / r.width), [=](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row)
      pool_row(in + row * r.width, out + row * half, index + row * half, half, (row % r.height) * r.width);
  });
}

}  // namespace

std::tuple<at::Tensor, at::Tensor> max_pool2d_with_indices_cpu(const at::Tensor& self, at::IntArrayRef kernel_size,
                                                               at::IntArrayRef stride, at::IntArrayRef padding,
                                                               at::IntArrayRef dilation, bool ceil_mode) {
  if (!is_pairwise_pool(self, kernel_size, stride, padding, dilation, ceil_mode))
    return at::cpu::max_pool2d_with_indices(self, kernel_size, stride, padding, dilation, ceil_mode);
  auto shape = self.sizes().vec();
  shape.back() /= 2;
  auto out = at::empty(shape, self.options());
  auto index = at::empty(shape, self.options().dtype(at::kLong));
  pool_rows(self.data_ptr<float>(), out.data_ptr<float>(), index.data_ptr<int64_t>(), rows_of(self));
  return {out, index};
}

at::Tensor max_pool2d_with_indices_backward_cpu(const at::Tensor& grad_output, const at::Tensor& self,
                                                at::IntArrayRef kernel_size, at::IntArrayRef stride,
                                                at::IntArrayRef padding, at::IntArrayRef dilation, bool ceil_mode,
                                                const at::Tensor& indices) {
  const bool handled = is_pairwise_pool(self, kernel_size, stride, padding, dilation, ceil_mode) &&
                       grad_output.scalar_type() == at::kFloat && indices.scalar_type() == at::kLong &&
                       grad_output.sizes() == indices.sizes() && grad_output.size(-1) == self.size(-1) / 2 &&
                       grad_output.numel() == (self.numel() / self.size(-1)) * (self.size(-1) / 2);
  if (!handled)
    return at::cpu::max_pool2d_with_indices_backward(grad_output, self, kernel_size, stride, padding, dilation,
                                                     ceil_mode, indices);
  const auto go = grad_output.contiguous();
  const auto idx = indices.contiguous();
  auto grad_input = at::empty_like(self, at::MemoryFormat::Contiguous);
  const Rows r = rows_of(self);
  const int64_t half = r.width / 2;
  const float* g = go.data_ptr<float>();
  const int64_t* k = idx.data_ptr<int64_t>();
  float* gi = grad_input.data_ptr<float>();
  at::parallel_for(0, r.count, std::max<int64_t>(1, 16384 / r.width), [=](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row)
      unpool_row(g + row * half, k + row * half, gi + row * r.width, r.width, (row % r.height) * r.width);
  });
  return grad_input;
}

}  // namespace wl::nn::detail
