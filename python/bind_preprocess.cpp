// The preprocessing of training (data/preprocess.hpp) on arrays: the lecture steps (window,
// min-max) from ns settings, or the fitted state a run saved (preprocess.json, or the copy
// inside model.pt), so Python feeds a network exactly what `wavelearn predict` feeds it.
#include <pybind11/stl.h>

#include <cmath>
#include <limits>

#include "arrays.hpp"
#include "wavelearn/data/preprocess.hpp"

namespace wl::py_bind {

namespace {

using data::Preprocessor;

// Windows of each row (tp0 in samples for tp0 windows; detector for per-detector scales).
py::array_t<float> apply(const Preprocessor& pre, const FloatRows& waveforms, const py::object& tp0,
                         const py::object& detector) {
  const auto [n, len] = rows_of(waveforms, "waveforms");
  // Windows and baseline regions were resolved for records of this length.
  if (len != pre.state().record_length_samples)
    throw py::value_error("waveforms: records of " + std::to_string(len) + " samples; the preprocessing is for " +
                          std::to_string(pre.state().record_length_samples));
  using Arr = py::array_t<double, py::array::c_style | py::array::forcecast>;
  Arr t0 = tp0.is_none() ? Arr() : tp0.cast<Arr>();
  Arr det = detector.is_none() ? Arr() : detector.cast<Arr>();
  if ((!tp0.is_none() && t0.size() != static_cast<py::ssize_t>(n)) ||
      (!detector.is_none() && det.size() != static_cast<py::ssize_t>(n)))
    throw py::value_error("tp0/detector: expected one value per waveform (" + std::to_string(n) + ")");
  const std::size_t w = pre.window_length_samples();
  std::vector<float> out(n * w);
  {
    py::gil_scoped_release release;
    for (std::size_t i = 0; i < n; ++i) {
      const double tp = tp0.is_none() ? std::numeric_limits<double>::quiet_NaN() : t0.data()[i];
      const auto d = detector.is_none() ? 0 : static_cast<std::int64_t>(std::llround(det.data()[i]));
      pre.transform(waveforms.data() + i * len, 0, pre.window_start_for(tp), out.data() + i * w, d);
    }
  }
  return to_numpy(std::move(out), {static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(w)});
}

Preprocessor lecture(double start_ns, double length_ns, const std::string& normalization, double sample_period_ns,
                     std::size_t record_length_samples) {
  data::PreprocessConfig c;
  c.window_start_ns = start_ns;
  c.window_length_ns = length_ns;
  if (normalization == "none") c.normalization = data::Normalization::None;
  else if (normalization != "minmax")
    throw py::value_error("normalization: 'minmax' or 'none' (amplitude scaling needs a fit: train a run)");
  return Preprocessor(c, sample_period_ns, record_length_samples);
}

}  // namespace

void bind_preprocess(py::module_& m) {
  py::class_<Preprocessor>(m, "Preprocessor", "window, baseline and scaling of waveforms as a run applies them")
      .def(py::init(&lecture), py::arg("window_start_ns") = 5000.0, py::arg("window_length_ns") = 10000.0,
           py::arg("normalization") = "minmax", py::arg("sample_period_ns") = 10.0,
           py::arg("record_length_samples") = 3800)
      .def_static("from_json", &Preprocessor::from_json, py::arg("text"), py::arg("source") = "<json>")
      .def_static("load", [](const std::string& p) { return Preprocessor::load(p); }, py::arg("path"))
      .def("to_json", &Preprocessor::to_json)
      .def_property_readonly("window_length_samples", &Preprocessor::window_length_samples)
      .def_property_readonly("sample_period_ns", [](const Preprocessor& p) { return p.state().sample_period_ns; })
      .def_property_readonly("energy_threshold_kev", [](const Preprocessor& p) {
        return p.state().has_energy_threshold ? p.state().energy_threshold_kev : std::nan("");
      })
      .def("__call__", &apply, py::arg("waveforms"), py::arg("tp0") = py::none(), py::arg("detector") = py::none(),
           "(N, L) records -> (N, window) float32, as training and predict see them");
}

}  // namespace wl::py_bind
