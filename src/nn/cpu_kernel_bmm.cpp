// bmm for batches of small float matrices: the batch split over the threads, one OpenBLAS
// sgemm per matrix on raw pointers. libtorch 1.13 multiplies them one by one on one thread,
// with a tensor `select` per operand and matrix, which for attention's 40 x 8 matrices costs
// more than the arithmetic.
#include <ATen/Parallel.h>
#include <ATen/ops/bmm_cpu_dispatch.h>

#if WL_HAVE_CBLAS
#include <cblas.h>

#include <algorithm>
#include <optional>

#include "cpu_kernels_impl.hpp"

namespace wl::nn::detail {

namespace {

// Larger products are left to libtorch, whose per-matrix overhead is then small and whose
// BLAS call may use several threads for one matrix.
constexpr int64_t kMaxMultiplyAdds = 64 * 64 * 64;

// One operand's matrices as BLAS sees them: row-major (last stride 1) or its transpose
// (second-to-last stride 1), with the leading dimension and the stride between matrices.
struct MatrixLayout {
  CBLAS_TRANSPOSE trans;
  int64_t ld;
  int64_t batch_stride;
};

std::optional<MatrixLayout> layout_of(const at::Tensor& t) {
  const int64_t rows = t.size(1), cols = t.size(2);
  if (t.stride(2) == 1 && t.stride(1) >= std::max<int64_t>(1, cols))
    return MatrixLayout{CblasNoTrans, t.stride(1), t.stride(0)};
  if (t.stride(1) == 1 && t.stride(2) >= std::max<int64_t>(1, rows))
    return MatrixLayout{CblasTrans, t.stride(2), t.stride(0)};
  return std::nullopt;
}

bool is_small_float_batch(const at::Tensor& a, const at::Tensor& b) {
  if (a.dim() != 3 || b.dim() != 3 || a.scalar_type() != at::kFloat || b.scalar_type() != at::kFloat) return false;
  if (a.is_neg() || b.is_neg() || a.size(0) != b.size(0) || a.size(2) != b.size(1)) return false;
  const int64_t m = a.size(1), k = a.size(2), n = b.size(2);
  return a.size(0) > 1 && m > 0 && k > 0 && n > 0 && m * n * k <= kMaxMultiplyAdds;
}

}  // namespace

at::Tensor bmm_cpu(const at::Tensor& self, const at::Tensor& mat2) {
  if (!is_small_float_batch(self, mat2)) return at::cpu::bmm(self, mat2);
  auto la = layout_of(self), lb = layout_of(mat2);
  const at::Tensor a = la ? self : self.contiguous();
  const at::Tensor b = lb ? mat2 : mat2.contiguous();
  if (!la) la = layout_of(a);
  if (!lb) lb = layout_of(b);
  if (!la || !lb) return at::cpu::bmm(self, mat2);  // size-1 dimensions with unusual strides
  const int64_t batch = a.size(0), m = a.size(1), k = a.size(2), n = b.size(2);
  auto out = at::empty({batch, m, n}, a.options());
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* pc = out.data_ptr<float>();
  // A grain of matrices worth ~32k multiply-adds keeps a thread's share above the cost of
  // waking it.
  const int64_t grain = std::max<int64_t>(1, (32 * 1024) / (m * n * k));
  at::parallel_for(0, batch, grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      cblas_sgemm(CblasRowMajor, la->trans, lb->trans, static_cast<blasint>(m), static_cast<blasint>(n),
                  static_cast<blasint>(k), 1.0f, pa + i * la->batch_stride, static_cast<blasint>(la->ld),
                  pb + i * lb->batch_stride, static_cast<blasint>(lb->ld), 0.0f, pc + i * m * n,
                  static_cast<blasint>(n));
  });
  return out;
}

}  // namespace wl::nn::detail

#else  // without CBLAS (not registered; here so that callers link)

namespace wl::nn::detail {

at::Tensor bmm_cpu(const at::Tensor& self, const at::Tensor& mat2) { return at::cpu::bmm(self, mat2); }

}  // namespace wl::nn::detail

#endif  // WL_HAVE_CBLAS
