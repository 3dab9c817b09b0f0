#include "wavelearn/io/field_copy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace wl::io {

namespace {

bool all_integral(const std::vector<double>& v, double lo, double hi) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return std::isfinite(x) && x == std::round(x) && x >= lo && x <= hi; });
}

}  // namespace

void write_field_exact(MjdWriter& w, const std::string& name, const std::vector<double>& v) {
  const bool flag = name.rfind("psd_label_", 0) == 0 || name.rfind("truth_is_", 0) == 0 || name == "truth_pileup";
  if (flag && all_integral(v, 0, 255)) return w.write_field(name, std::vector<uint8_t>(v.begin(), v.end()));
  if (name == "id" && all_integral(v, -9.0e18, 9.0e18)) return w.write_field(name, std::vector<int64_t>(v.begin(), v.end()));
  if (all_integral(v, -2147483648.0, 2147483647.0) && name.find("energy") == std::string::npos)
    return w.write_field(name, std::vector<int32_t>(v.begin(), v.end()));
  const bool exact = std::all_of(v.begin(), v.end(), [](double x) { return !std::isfinite(x) || double(float(x)) == x; });
  if (exact) return w.write_field(name, std::vector<float>(v.begin(), v.end()));
  w.write_field(name, v);
}

void copy_fields(MjdWriter& w, WaveformReader& r) {
  for (const auto& name : r.scalar_fields()) write_field_exact(w, name, r.read_scalar(name));
}

}  // namespace wl::io
