#pragma once
// numpy arrays that own a std::vector (no copy on the way out) and float32 views of inputs
// (no copy when the caller passes C-contiguous float32).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace wl::py_bind {

namespace py = pybind11;
using FloatRows = py::array_t<float, py::array::c_style | py::array::forcecast>;

// The vector moves into a capsule that the array keeps alive.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values, std::vector<py::ssize_t> shape) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule base(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, owned->data(), base);
}

// Rows and length of an (N, L) waveform array; ValueError naming `what` otherwise.
inline std::pair<std::size_t, std::size_t> rows_of(const FloatRows& a, const std::string& what) {
  if (a.ndim() != 2) throw py::value_error(what + ": expected an (N, L) array, got " + std::to_string(a.ndim()) + " dimensions");
  return {static_cast<std::size_t>(a.shape(0)), static_cast<std::size_t>(a.shape(1))};
}

void bind_io(py::module_& m);
void bind_sim(py::module_& m);
void bind_dsp(py::module_& m);
void bind_preprocess(py::module_& m);

}  // namespace wl::py_bind
