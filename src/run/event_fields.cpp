#include "event_fields.hpp"

#include <algorithm>
#include <cmath>

namespace wl::run::detail {

const std::vector<std::string>& optional_event_fields() {
  static const std::vector<std::string> names = {
      "psd_label_low_avse", "psd_label_high_avse", "psd_label_dcr", "psd_label_lq",
      "truth_is_single_site", "truth_n_sites", "truth_energy_kev", "truth_drift_time_ns", "avse_classifier",
      "avse_raw"};
  return names;
}

namespace {

std::vector<double> gather(const std::vector<double>& all, const std::vector<int64_t>& rows) {
  std::vector<double> v(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) v[i] = all[static_cast<std::size_t>(rows[i])];
  return v;
}

// The event id (is_id: checked to be a whole number, the row when the file has none), or
// another integer field (0 when absent).
std::vector<int64_t> gather_int(io::WaveformReader& r, const std::string& name, const std::vector<int64_t>& rows,
                                bool is_id) {
  std::vector<int64_t> v(rows.size(), 0);
  if (!name.empty() && r.has_field(name)) {
    const auto all = r.read_scalar(name);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto e = static_cast<std::size_t>(rows[i]);
      v[i] = is_id ? io::event_id_number(all[e], r.path(), name, e) : std::llround(all[e]);
    }
  } else if (is_id) {
    v = rows;
  }
  return v;
}

}  // namespace

void read_event_fields(io::WaveformReader& reader, const std::vector<std::string>& names, EventTable& t) {
  const auto& fm = reader.fields();
  t.source = reader.path();
  t.id = gather_int(reader, fm.id, t.file_event, true);
  t.detector = gather_int(reader, fm.detector, t.file_event, false);
  t.run = gather_int(reader, fm.run, t.file_event, false);
  t.file.resize(t.file_event.size());
  for (std::size_t i = 0; i < t.file.size(); ++i)
    t.file[i] = static_cast<int64_t>(reader.file_of_event(static_cast<std::size_t>(t.file_event[i])));
  t.energy_kev.clear();
  if (!fm.energy.empty() && reader.has_field(fm.energy)) t.energy_kev = gather(reader.read_scalar(fm.energy), t.file_event);
  for (const auto& name : names) {
    if (t.fields.count(name) || !reader.has_field(name)) continue;
    t.fields[name] = gather(reader.read_scalar(name), t.file_event);
  }
}

}  // namespace wl::run::detail
