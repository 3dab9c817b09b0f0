#pragma once
// Large synthetic MJD files written with MjdWriter in bounded memory, and the peak resident
// memory of this process: shared by the memory-bound test and the io_tool helper.
#include <sys/resource.h>

#include <cstddef>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "wavelearn/io/mjd_writer.hpp"

namespace wl::test {

inline void write_synthetic_mjd(const std::string& path, std::size_t n_events, std::size_t n_samples,
                                std::size_t chunk_events = 256) {
  wl::io::MjdWriterOptions opt;
  opt.force = true;
  opt.chunk_events = chunk_events;
  wl::io::MjdWriter w(path, n_events, n_samples, opt);
  std::vector<float> block(chunk_events * n_samples);
  for (std::size_t first = 0; first < n_events; first += chunk_events) {
    const std::size_t count = std::min(chunk_events, n_events - first);
    for (std::size_t i = 0; i < count; ++i)
      for (std::size_t j = 0; j < n_samples; ++j) block[i * n_samples + j] = expected_sample(first + i, j);
    w.write_waveforms(first, count, block.data());
  }
  std::vector<double> energy(n_events);
  for (std::size_t i = 0; i < n_events; ++i) energy[i] = expected_energy_kev(i % 400);
  w.write_field("energy_label", energy);
  w.commit();
}

// Peak resident set size of this process so far, in bytes (Linux reports KiB).
inline std::size_t peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::size_t>(u.ru_maxrss) * 1024;
}

}  // namespace wl::test
