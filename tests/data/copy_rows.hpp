#pragma once
// Rows [first, first + count) of `src` (waveforms and every per-event field) as a new MJD
// file, replacing `dst`: the parts of a multi-file dataset that are exactly the rows of one
// whole (a simulated file's labels are calibrated on the file itself, so files simulated
// apart would differ in their labels). Shared by tests/data and tests/cli.
#include <string>
#include <vector>

#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::test {

inline void copy_rows(const std::string& src, const std::string& dst, std::size_t first, std::size_t count) {
  auto r = wl::io::open_reader(src);
  const std::size_t l = r->n_samples();
  std::vector<float> wf(count * l);
  r->read_window(first, count, 0, l, wf.data());
  wl::io::MjdWriterOptions o;
  o.force = true;
  wl::io::MjdWriter w(dst, count, l, o);
  w.write_waveforms(0, count, wf.data());
  for (const auto& name : r->scalar_fields()) w.write_field(name, r->read_scalar(name, first, count));
  w.commit();
}

}  // namespace wl::test
