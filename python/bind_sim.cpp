// Simulation to arrays: the waveforms and truth of events the same generator writes to
// files (same seed and index: same event), without a file. Labels need the calibration
// analysis of a whole file, so they come only from `wavelearn simulate`.
#include <pybind11/stl.h>

#include "arrays.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/sim/generator.hpp"
#include "wavelearn/sim/params.hpp"

namespace wl::py_bind {

namespace {

template <class T, class Get>
py::array_t<T> column(const std::vector<sim::EventTruth>& truths, Get get) {
  std::vector<T> v(truths.size());
  for (std::size_t i = 0; i < truths.size(); ++i) v[i] = static_cast<T>(get(truths[i]));
  return to_numpy(std::move(v), {static_cast<py::ssize_t>(truths.size())});
}

// Truth columns named as the truth_* fields of simulated files.
void add_truth(py::dict& out, const std::vector<sim::EventTruth>& t) {
  using T = sim::EventTruth;
  out["id"] = column<int64_t>(t, [](const T& e) { return e.id; });
  out["detector"] = column<int32_t>(t, [](const T& e) { return e.detector; });
  out["run_number"] = column<int32_t>(t, [](const T& e) { return e.run_number; });
  out["tp0"] = column<int32_t>(t, [](const T& e) { return e.tp0; });
  out["truth_event_class"] = column<int32_t>(t, [](const T& e) { return static_cast<int32_t>(e.event_class); });
  out["truth_process"] = column<int32_t>(t, [](const T& e) { return static_cast<int32_t>(e.process); });
  out["truth_line_kev"] = column<float>(t, [](const T& e) { return e.line_kev; });
  out["truth_energy_kev"] = column<float>(t, [](const T& e) { return e.energy_kev; });
  out["truth_visible_energy_kev"] = column<float>(t, [](const T& e) { return e.visible_energy_kev; });
  out["truth_n_sites"] = column<int32_t>(t, [](const T& e) { return e.n_sites; });
  out["truth_is_single_site"] = column<uint8_t>(t, [](const T& e) { return e.n_sites == 1; });
  out["truth_drift_time_ns"] = column<float>(t, [](const T& e) { return e.drift_time_ns; });
  out["truth_drift_spread_ns"] = column<float>(t, [](const T& e) { return e.drift_spread_ns; });
  out["truth_delayed_fraction"] = column<float>(t, [](const T& e) { return e.delayed_fraction; });
  out["truth_delayed_tau_ns"] = column<float>(t, [](const T& e) { return e.delayed_tau_ns; });
  out["truth_pileup"] = column<uint8_t>(t, [](const T& e) { return e.pileup; });
  out["truth_pileup_offset_ns"] = column<float>(t, [](const T& e) { return e.pileup_offset_ns; });
  out["truth_pileup_energy_kev"] = column<float>(t, [](const T& e) { return e.pileup_energy_kev; });
}

py::dict simulate(std::size_t n_events, uint64_t seed, std::size_t first_event, int threads,
                  const std::map<std::string, double>& params) {
  sim::SimParams p;
  for (const auto& [name, value] : params) sim::set_parameter(p, name, value);
  const sim::Generator gen(p, seed, n_events, first_event);
  const auto len = static_cast<std::size_t>(p.n_samples);
  std::vector<float> wf(n_events * len);
  std::vector<sim::EventTruth> truths(n_events);
  {
    py::gil_scoped_release release;
    gen.generate(first_event, n_events, wf.data(), truths.data(), core::resolve_threads(threads));
  }
  py::dict out;
  out["waveforms"] = to_numpy(std::move(wf), {static_cast<py::ssize_t>(n_events), static_cast<py::ssize_t>(len)});
  out["sample_period_ns"] = p.sample_period_ns;
  add_truth(out, truths);
  return out;
}

}  // namespace

void bind_sim(py::module_& m) {
  m.def("simulate", &simulate, py::arg("n_events"), py::arg("seed") = 1, py::arg("first_event") = 0,
        py::arg("threads") = 0, py::arg("params") = std::map<std::string, double>{},
        "simulate events to arrays: {'waveforms': (N, L) float32, 'sample_period_ns', id, detector, run_number, "
        "tp0, truth_*}; params: generator parameters by name (docs/simulation.md)");
}

}  // namespace wl::py_bind
