#pragma once
// Small MJD-format files for the data tests: step pulses on a noisy baseline whose height is
// proportional to the energy and whose rising edge starts at tp0.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "wavelearn/core/rng.hpp"
#include "wavelearn/io/mjd_writer.hpp"

namespace wl::test {

struct SyntheticSpec {
  std::size_t n_events = 300;
  std::size_t n_samples = 400;
  double sample_period_ns = 10.0;  // written as a file attribute when not 10
  std::uint64_t seed = 1;
  std::size_t tp0_min = 150, tp0_max = 200;
  bool labels = true;
  double bad_label = 0.0;  // when not 0: event 3's psd_label_low_avse holds it (7, 0.5, NaN ...)
  bool energy = true;
};

// Returns the waveforms as written (row-major) so tests can compare against them.
inline std::vector<float> write_synthetic(const std::filesystem::path& path,
                                          const SyntheticSpec& spec) {
  core::Rng rng(spec.seed, 77);
  const std::size_t n = spec.n_events, l = spec.n_samples;
  std::vector<float> wf(n * l);
  std::vector<double> energy(n);
  std::vector<int64_t> tp0(n), id(n);
  std::vector<int32_t> detector(n), run(n);
  std::vector<std::vector<uint8_t>> labels(4, std::vector<uint8_t>(n));
  for (std::size_t e = 0; e < n; ++e) {
    energy[e] = rng.uniform(10.0, 3000.0);
    tp0[e] = static_cast<int64_t>(spec.tp0_min + rng.below(spec.tp0_max - spec.tp0_min + 1));
    id[e] = 100000 + static_cast<int64_t>(e) * 3;
    detector[e] = static_cast<int32_t>(e % 5);
    run[e] = 7;
    for (auto& lab : labels) lab[e] = rng.uniform() < 0.7 ? 1 : 0;
    const double baseline = rng.uniform(100.0, 300.0);
    const double amplitude = 2.0 * energy[e];  // ADC per keV
    const double rise = 20.0;
    for (std::size_t i = 0; i < l; ++i) {
      const double t = static_cast<double>(i) - static_cast<double>(tp0[e]);
      const double step = t <= 0 ? 0.0 : (t >= rise ? 1.0 : t / rise);
      wf[e * l + i] = static_cast<float>(baseline + amplitude * step + rng.normal(0.0, 2.0));
    }
  }
  io::MjdWriterOptions options;
  options.force = true;
  options.chunk_events = 64;
  io::MjdWriter writer(path.string(), n, l, options);
  writer.write_waveforms(0, n, wf.data());
  if (spec.energy) writer.write_field("energy_label", energy);
  writer.write_field("tp0", tp0);
  writer.write_field("id", id);
  writer.write_field("detector", detector);
  writer.write_field("run_number", run);
  if (spec.labels) {
    if (spec.bad_label != 0.0 || std::isnan(spec.bad_label)) {
      std::vector<double> low(labels[0].begin(), labels[0].end());
      low[3] = spec.bad_label;
      writer.write_field("psd_label_low_avse", low);
    } else {
      writer.write_field("psd_label_low_avse", labels[0]);
    }
    writer.write_field("psd_label_high_avse", labels[1]);
    writer.write_field("psd_label_dcr", labels[2]);
    writer.write_field("psd_label_lq", labels[3]);
  }
  if (spec.sample_period_ns != 10.0) writer.set_attribute("sample_period_ns", spec.sample_period_ns);
  writer.commit();
  return wf;
}

// A fresh directory under the system temp dir, removed at scope end.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              (name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace wl::test
