// The DSP chain on an (N, L) float32 array: one numpy column per feature (the table of
// `wavelearn dsp`), the pole-zero tau given, from the configuration, or estimated from the
// array's own pulses per detector.
#include <pybind11/stl.h>

#include <cmath>
#include <map>

#include "arrays.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/dsp/chain.hpp"

namespace wl::py_bind {

namespace {

// Rows of each detector (all rows under detector 0 when none are given).
std::map<long long, std::vector<std::size_t>> rows_by_detector(const py::object& detector, std::size_t n) {
  std::map<long long, std::vector<std::size_t>> out;
  if (detector.is_none()) {
    auto& all = out[0];
    for (std::size_t i = 0; i < n; ++i) all.push_back(i);
    return out;
  }
  const auto det = detector.cast<py::array_t<int64_t, py::array::c_style | py::array::forcecast>>();
  if (det.ndim() != 1 || static_cast<std::size_t>(det.shape(0)) != n)
    throw py::value_error("detector: expected " + std::to_string(n) + " values, one per waveform");
  for (std::size_t i = 0; i < n; ++i) out[det.data()[i]].push_back(i);
  return out;
}

// tau per row: given (a number or one per row), else the configuration's, else estimated.
std::vector<double> tau_per_row(const dsp::ChainConfig& cfg, double dt_ns, const float* wf, std::size_t n,
                                std::size_t len, const py::object& tau_ns, const py::object& detector, int threads) {
  std::vector<double> tau(n, 0.0);
  if (!tau_ns.is_none() && py::isinstance<py::float_>(tau_ns) + py::isinstance<py::int_>(tau_ns)) {
    std::fill(tau.begin(), tau.end(), tau_ns.cast<double>());
    return tau;
  }
  if (!tau_ns.is_none()) {
    const auto t = tau_ns.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    if (t.ndim() != 1 || static_cast<std::size_t>(t.shape(0)) != n)
      throw py::value_error("tau_ns: expected a number or " + std::to_string(n) + " values");
    std::copy(t.data(), t.data() + n, tau.begin());
    return tau;
  }
  for (const auto& [det, rows] : rows_by_detector(detector, n)) {
    double t = cfg.tau_for(det);
    if (!(t > 0)) {
      std::vector<float> sample(rows.size() * len);
      for (std::size_t k = 0; k < rows.size(); ++k) std::copy_n(wf + rows[k] * len, len, sample.data() + k * len);
      t = dsp::estimate_tau_ns(cfg, dt_ns, sample.data(), rows.size(), len, threads);
      if (!std::isfinite(t)) t = 0.0;  // no tail to fit: no pole-zero correction
    }
    for (auto r : rows) tau[r] = t;
  }
  return tau;
}

py::dict run_dsp(const FloatRows& waveforms, double sample_period_ns, const py::object& tau_ns,
                 const py::object& detector, const std::string& config, const std::vector<std::string>& set,
                 int threads) {
  const auto [n, len] = rows_of(waveforms, "waveforms");
  dsp::ChainConfig cfg = config.empty() ? dsp::ChainConfig{} : dsp::load_chain_config(config);
  dsp::apply_chain_overrides(cfg, set);
  threads = core::resolve_threads(threads);
  const auto tau = tau_per_row(cfg, sample_period_ns, waveforms.data(), n, len, tau_ns, detector, threads);
  std::vector<dsp::Features> rows(n);
  {
    py::gil_scoped_release release;
    dsp::process_block(cfg, sample_period_ns, waveforms.data(), n, len, tau.data(), rows.data(), threads);
  }
  py::dict out;
  for (const auto& col : dsp::feature_schema()) {
    if (col.bits) {
      std::vector<uint32_t> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = rows[i].*col.bits;
      out[col.name] = to_numpy(std::move(v), {static_cast<py::ssize_t>(n)});
    } else {
      std::vector<float> v(n);
      for (std::size_t i = 0; i < n; ++i) v[i] = rows[i].*col.value;
      out[col.name] = to_numpy(std::move(v), {static_cast<py::ssize_t>(n)});
    }
  }
  out["tau_ns"] = to_numpy(std::vector<double>(tau), {static_cast<py::ssize_t>(n)});
  return out;
}

}  // namespace

void bind_dsp(py::module_& m) {
  m.def("dsp", &run_dsp, py::arg("waveforms"), py::arg("sample_period_ns") = 10.0, py::arg("tau_ns") = py::none(),
        py::arg("detector") = py::none(), py::arg("config") = "", py::arg("set") = std::vector<std::string>{},
        py::arg("threads") = 0,
        "DSP features of an (N, L) array: {column: (N,) array} as `wavelearn dsp` writes them, plus tau_ns "
        "(the pole-zero constant used per row)");
  m.def("feature_units", [] {
    py::dict d;
    for (const auto& col : dsp::feature_schema()) d[col.name] = col.unit;
    return d;
  });
}

}  // namespace wl::py_bind
