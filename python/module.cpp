// The extension module wavelearn._wavelearn (python/wavelearn/__init__.py re-exports it).
#include "arrays.hpp"
#include "wavelearn/core/error.hpp"

PYBIND11_MODULE(_wavelearn, m) {
  m.doc() = "wavelearn: waveform files, simulation, DSP and preprocessing on numpy arrays";
  // Bad input keeps its one-line message; wavelearn.Error is a ValueError.
  pybind11::register_exception<wl::core::InputError>(m, "Error", PyExc_ValueError);
  wl::py_bind::bind_io(m);
  wl::py_bind::bind_sim(m);
  wl::py_bind::bind_dsp(m);
  wl::py_bind::bind_preprocess(m);
}
