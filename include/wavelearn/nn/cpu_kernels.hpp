#pragma once
// wavelearn's own CPU kernels for the aten operators its networks spend their training time
// in, where libtorch 1.13's are slow for the small shapes these networks have:
//   - bmm: libtorch loops over the batch one matrix at a time (a tensor `select` and a BLAS
//     call each, serially); here the batch is split over the threads, one OpenBLAS sgemm per
//     matrix on raw pointers (attention: 256 matrices of 40 x 8 per product);
//   - bernoulli_(p): libtorch draws one mt19937 number at a time under the generator's lock
//     (dropout masks); here a counter-based SplitMix64 stream, keyed by one 64-bit draw from
//     the same generator, fills the tensor in parallel. torch::manual_seed still fixes every
//     mask, and the masks do not depend on the number of threads;
//   - max_pool2d_with_indices (and its backward) with a (1, 2) window and stride, which is
//     max_pool1d(x, 2): one pass over each row instead of libtorch's generic window loop.
// Every other case (dtype, layout, window, size) goes to libtorch's own CPU kernel. The
// results are libtorch's: the same values and gradients (bmm: the same BLAS), only the
// dropout masks come from another random stream. The operators keep their aten names, so a
// model.pt trained with them is the same TorchScript and loads anywhere.
//
// The `wavelearn` program installs them at start-up; WL_LIBTORCH_KERNELS=1 in the
// environment keeps libtorch's (to compare, or to rule them out).

namespace wl::nn {

// Registers the kernels for the CPU dispatch key (once; later calls do nothing). Returns
// whether they are installed (false when WL_LIBTORCH_KERNELS=1).
bool install_cpu_kernels();

}  // namespace wl::nn
