#include "wavelearn/report/history.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

#include "wavelearn/core/error.hpp"

namespace wl::report {
namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    out.push_back(cell);
  }
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

double parse_number(const std::string& s, const std::filesystem::path& path, std::size_t line_no) {
  if (s.empty() || s == "nan" || s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw wl::core::InputError(path.string() + ":" + std::to_string(line_no) + ": not a number: '" +
                             s + "'");
}

std::size_t column(const std::vector<std::string>& header, const char* name,
                   const std::filesystem::path& path) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw wl::core::InputError(path.string() + ": no column '" + name + "' in the header");
}

// The first val_<metric> column other than val_loss; header.size() when there is none.
std::size_t metric_column(const std::vector<std::string>& header) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i].size() > 4 && header[i].rfind("val_", 0) == 0 && header[i] != "val_loss")
      return i;
  return header.size();
}

}  // namespace

std::vector<HistoryRow> read_history_csv(const std::filesystem::path& path,
                                         std::string* metric_name) {
  std::ifstream in(path);
  if (!in) throw wl::core::InputError(path.string() + ": cannot open history file");
  std::string line;
  if (!std::getline(in, line)) throw wl::core::InputError(path.string() + ": empty history file");
  const auto header = split_csv(line);
  const std::size_t c_epoch = column(header, "epoch", path),
                    c_train = column(header, "train_loss", path),
                    c_val = column(header, "val_loss", path), c_metric = metric_column(header);
  if (metric_name) *metric_name = c_metric < header.size() ? header[c_metric].substr(4) : "";
  std::vector<HistoryRow> rows;
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto cells = split_csv(line);
    if (cells.size() < header.size()) {
      throw wl::core::InputError(path.string() + ":" + std::to_string(line_no) + ": " +
                                 std::to_string(cells.size()) + " columns, header has " +
                                 std::to_string(header.size()));
    }
    const double epoch = parse_number(cells[c_epoch], path, line_no);
    if (!std::isfinite(epoch))
      throw wl::core::InputError(path.string() + ":" + std::to_string(line_no) + ": missing epoch");
    HistoryRow r;
    r.epoch = static_cast<int>(epoch);
    r.train_loss = parse_number(cells[c_train], path, line_no);
    r.val_loss = parse_number(cells[c_val], path, line_no);
    if (c_metric < header.size()) r.val_metric = parse_number(cells[c_metric], path, line_no);
    rows.push_back(r);
  }
  return rows;
}

}  // namespace wl::report
