#include "wavelearn/run/predictions.hpp"

#include <algorithm>

#include "wavelearn/io/lh5_writer.hpp"

namespace wl::run {

io::Table predictions_table(const EventTable& e, const std::vector<ScoreColumn>& columns, const ScoredRows& s,
                            const std::string& part) {
  io::Table t;
  std::vector<double> id, index, energy;
  for (const auto r : s.rows) {
    id.push_back(static_cast<double>(e.id[r]));
    index.push_back(static_cast<double>(e.file_event[r]));
    if (!e.energy_kev.empty()) energy.push_back(e.energy_kev[r]);
  }
  t.add("id", std::move(id));
  t.add("event_index", std::move(index));
  // Data of several files: which file (0-based, in list order) each event is in; event_index
  // counts across them.
  if (!e.file.empty() && *std::max_element(e.file.begin(), e.file.end()) > 0) {
    std::vector<double> file;
    for (const auto r : s.rows) file.push_back(static_cast<double>(e.file[r]));
    t.add("file_index", std::move(file));
  }
  if (!e.energy_kev.empty()) t.add("energy_kev", std::move(energy));
  for (std::size_t c = 0; c < columns.size(); ++c) t.add(columns[c].name, s.column(c));
  for (const auto& [name, values] : e.fields) {
    if (t.has(name)) continue;
    std::vector<double> v;
    for (const auto r : s.rows) v.push_back(values[r]);
    t.add(name, std::move(v));
  }
  t.attributes["data"] = e.source;
  t.attributes["events"] = part;
  return t;
}

void write_predictions_file(const std::string& path, const io::Table& table, bool force) {
  const std::string lh5 = ".lh5";
  if (path.size() < lh5.size() || path.compare(path.size() - lh5.size(), lh5.size(), lh5) != 0) {
    io::write_table_h5(path, table, force);
    return;
  }
  io::Lh5Table t;
  t.path = "predictions";
  for (std::size_t i = 0; i < table.names.size(); ++i)
    t.columns.push_back({table.names[i], table.columns[i], table.names[i] == "energy_kev" ? "keV" : ""});
  t.attributes = table.attributes;
  io::write_lh5_tables(path, {t}, force);
}

void write_predictions(const RunDir& out, const EventTable& events, const std::vector<ScoreColumn>& columns,
                       const ScoredRows& scored, const std::string& part) {
  io::write_table_h5(out.file("predictions.h5").string(), predictions_table(events, columns, scored, part), true);
}

}  // namespace wl::run
