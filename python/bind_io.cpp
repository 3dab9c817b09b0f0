// Reading waveform files (MJD, LH5 incl. the compressed LEGEND-200 streams, generic HDF5):
// windows of events and samples as (N, L) float32, scalar fields as float64.
#include <cmath>
#include <memory>

#include <pybind11/stl.h>

#include "arrays.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::py_bind {

namespace {

using io::WaveformReader;

std::size_t resolve_stop(const py::object& stop, std::size_t size) {
  return stop.is_none() ? size : stop.cast<std::size_t>();
}

void check_range(const WaveformReader& r, std::size_t begin, std::size_t end, std::size_t size, const char* what) {
  if (begin > end || end > size)
    throw core::InputError(r.path() + ": " + what + " [" + std::to_string(begin) + ":" + std::to_string(end) +
                           "] outside [0:" + std::to_string(size) + "]");
}

// Events [start, stop) x samples [sample_start, sample_stop).
py::array_t<float> waveforms(WaveformReader& r, std::size_t start, const py::object& stop_obj,
                             std::size_t sample_start, const py::object& sample_stop_obj) {
  const std::size_t stop = resolve_stop(stop_obj, r.n_events());
  const std::size_t sample_stop = resolve_stop(sample_stop_obj, r.n_samples());
  check_range(r, start, stop, r.n_events(), "events");
  check_range(r, sample_start, sample_stop, r.n_samples(), "samples");
  const std::size_t n = stop - start, len = sample_stop - sample_start;
  std::vector<float> out(n * len);
  {
    py::gil_scoped_release release;
    if (n && len) r.read_window(start, n, sample_start, len, out.data());
  }
  return to_numpy(std::move(out), {static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(len)});
}

// The same with the sample window in ns from the first sample ([begin_ns, end_ns)).
py::array_t<float> window_ns(WaveformReader& r, double begin_ns, double end_ns, std::size_t start,
                             const py::object& stop) {
  const double dt = r.sample_period_ns();
  if (!(begin_ns >= 0) || !(end_ns >= begin_ns))
    throw core::InputError(r.path() + ": bad ns window [" + std::to_string(begin_ns) + ", " + std::to_string(end_ns) + ")");
  const auto s0 = static_cast<std::size_t>(std::llround(begin_ns / dt));
  const auto s1 = static_cast<std::size_t>(std::llround(end_ns / dt));
  return waveforms(r, start, stop, s0, py::int_(s1));
}

py::array_t<float> events(WaveformReader& r, const std::vector<std::size_t>& idx, std::size_t sample_start,
                          const py::object& sample_stop_obj) {
  const std::size_t sample_stop = resolve_stop(sample_stop_obj, r.n_samples());
  check_range(r, sample_start, sample_stop, r.n_samples(), "samples");
  for (auto e : idx) check_range(r, e, e + 1, r.n_events(), "event");
  const std::size_t len = sample_stop - sample_start;
  std::vector<float> out(idx.size() * len);
  {
    py::gil_scoped_release release;
    if (!idx.empty() && len) io::read_events(r, idx, sample_start, len, out.data());
  }
  return to_numpy(std::move(out), {static_cast<py::ssize_t>(idx.size()), static_cast<py::ssize_t>(len)});
}

py::array_t<double> field(WaveformReader& r, const std::string& name, std::size_t start, const py::object& stop_obj) {
  const std::size_t stop = resolve_stop(stop_obj, r.n_events());
  check_range(r, start, stop, r.n_events(), "events");
  auto v = r.read_scalar(name, start, stop - start);
  const auto n = static_cast<py::ssize_t>(v.size());
  return to_numpy(std::move(v), {n});
}

std::unique_ptr<WaveformReader> open(const std::string& path, const std::string& format, const std::string& channel,
                                     const std::string& stream, const std::string& waveform, const py::object& dt_ns) {
  io::OpenOptions o;
  o.format = io::parse_format(format, "format");
  o.lh5_channel = channel;
  o.lh5_stream = stream;
  if (!waveform.empty()) o.fields.waveform = waveform;
  if (!dt_ns.is_none()) {
    o.fields.sample_period_ns = dt_ns.cast<double>();
    o.fields.sample_period_given = true;
  }
  return io::open_reader(path, o);
}

}  // namespace

void bind_io(py::module_& m) {
  py::class_<WaveformReader>(m, "Reader", "An open waveform file (wavelearn.open)")
      .def_property_readonly("path", &WaveformReader::path)
      .def_property_readonly("format", [](const WaveformReader& r) { return std::string(io::format_name(r.format())); })
      .def_property_readonly("n_events", &WaveformReader::n_events)
      .def_property_readonly("n_samples", &WaveformReader::n_samples)
      .def_property_readonly("sample_period_ns", &WaveformReader::sample_period_ns)
      .def_property_readonly("fields", &WaveformReader::scalar_fields, "per-event scalar fields")
      .def("__len__", &WaveformReader::n_events)
      .def("waveforms", &waveforms, py::arg("start") = 0, py::arg("stop") = py::none(), py::arg("sample_start") = 0,
           py::arg("sample_stop") = py::none(), "events [start:stop] x samples [sample_start:sample_stop], (N, L) float32")
      .def("window_ns", &window_ns, py::arg("begin_ns"), py::arg("end_ns"), py::arg("start") = 0,
           py::arg("stop") = py::none(), "samples [begin_ns, end_ns) of events [start:stop]")
      .def("events", &events, py::arg("indices"), py::arg("sample_start") = 0, py::arg("sample_stop") = py::none(),
           "the window of the given events, in the order given")
      .def("field", &field, py::arg("name"), py::arg("start") = 0, py::arg("stop") = py::none(),
           "a per-event scalar field as float64");
  m.def("open", &open, py::arg("path"), py::arg("format") = "auto", py::arg("channel") = "", py::arg("stream") = "",
        py::arg("waveform") = "", py::arg("dt_ns") = py::none(),
        "open an MJD, LH5 or generic HDF5 waveform file");
}

}  // namespace wl::py_bind
