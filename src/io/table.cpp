// Column tables: one float64 dataset per column (creation order kept), or CSV.
#include "wavelearn/io/table.hpp"

#include <charconv>
#include <cmath>
#include <fstream>

#include "h5.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::io {
using wl::core::InputError;


void Table::add(const std::string& name, std::vector<double> values) {
  if (name.empty()) throw InputError("table: empty column name");
  if (has(name)) throw InputError("table: column '" + name + "' added twice");
  if (!columns.empty() && values.size() != n_rows()) {
    throw InputError("table: column '" + name + "' has " + std::to_string(values.size()) + " rows, expected " +
                     std::to_string(n_rows()));
  }
  names.push_back(name);
  columns.push_back(std::move(values));
}

bool Table::has(const std::string& name) const {
  for (const auto& n : names) {
    if (n == name) return true;
  }
  return false;
}

const std::vector<double>& Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return columns[i];
  }
  throw InputError("table: no column '" + name + "'");
}

static void check_table(const std::string& path, const Table& table) {
  if (table.names.size() != table.columns.size()) {
    throw InputError(path + ": table has " + std::to_string(table.names.size()) + " names for " +
                     std::to_string(table.columns.size()) + " columns");
  }
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i].size() != table.n_rows()) {
      throw InputError(path + ": column '" + table.names[i] + "' has " + std::to_string(table.columns[i].size()) +
                       " rows, expected " + std::to_string(table.n_rows()));
    }
  }
}

static void write_array(hid_t file, const std::string& where, const std::string& name, const Array2D& a) {
  if (a.values.size() != a.rows * a.cols)
    throw InputError(where + ": array '" + name + "' holds " + std::to_string(a.values.size()) + " values, not " +
                     std::to_string(a.rows) + " x " + std::to_string(a.cols));
  const hsize_t dims[2] = {a.rows, a.cols};
  h5::Handle space(H5Screate_simple(2, dims, nullptr));
  h5::Handle d(H5Dcreate2(file, name.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d || (!a.values.empty() &&
             H5Dwrite(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.values.data()) < 0))
    throw std::runtime_error(h5::where(where, name) + ": write failed");
}

void write_table_h5(const std::string& path, const Table& table, bool force) {
  check_table(path, table);
  for (const auto& name : table.names) {
    if (name.find('/') != std::string::npos || name == "." || name.empty()) {
      throw InputError(path + ": column name '" + name + "' cannot be an HDF5 dataset name");
    }
  }
  wl::core::write_atomically(path, force, [&](const std::filesystem::path& tmp) {
    auto lock = h5::lock();
    h5::quiet();
    h5::Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
    H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    h5::Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, fcpl.get(), H5P_DEFAULT));
    if (!file) throw InputError(path + ": cannot create the output (directory not writable?)");
    const hsize_t dims[1] = {table.n_rows()};
    for (std::size_t i = 0; i < table.names.size(); ++i) {
      h5::Handle space(H5Screate_simple(1, dims, nullptr));
      h5::Handle d(H5Dcreate2(file.get(), table.names[i].c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                              H5P_DEFAULT, H5P_DEFAULT));
      if (!d || (dims[0] > 0 && H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                         table.columns[i].data()) < 0)) {
        throw std::runtime_error(h5::where(tmp.string(), table.names[i]) + ": write failed");
      }
    }
    for (const auto& [name, array] : table.arrays) write_array(file.get(), tmp.string(), name, array);
    for (const auto& [key, value] : table.attributes) h5::write_string_attribute(file.get(), key, value);
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw std::runtime_error(tmp.string() + ": flush failed");
  });
}

static void append_number(std::string& line, double v) {
  if (std::isnan(v)) {
    line += "nan";
    return;
  }
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);  // shortest exact round trip
  line.append(buf, res.ptr);
}

static std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_table_csv(const std::string& path, const Table& table, bool force) {
  check_table(path, table);
  wl::core::write_atomically(path, force, [&](const std::filesystem::path& tmp) {
    std::ofstream out(tmp, std::ios::binary);
    std::string line;
    for (std::size_t c = 0; c < table.names.size(); ++c) line += (c ? "," : "") + csv_field(table.names[c]);
    out << line << '\n';
    for (std::size_t r = 0; r < table.n_rows(); ++r) {
      line.clear();
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        if (c) line += ',';
        append_number(line, table.columns[c][r]);
      }
      out << line << '\n';
    }
    out.close();
    if (!out) throw std::runtime_error(tmp.string() + ": write failed (disk full?)");
  });
}

Table read_table_h5(const std::string& path, const std::vector<std::string>& columns) {
  auto lock = h5::lock();
  h5::Handle file = h5::open_file(path);
  Table table;
  std::vector<std::string> names = columns;
  const bool all = names.empty();
  if (all) names = h5::children(file.get());
  std::size_t n_rows = 0;
  bool first = true;
  for (const auto& name : names) {
    if (all && !h5::is_dataset(file.get(), name)) continue;
    h5::Handle d = h5::open_dataset(file.get(), name, path, name);
    const auto dims = h5::shape(d.get());
    if (dims.size() != 1) {
      if (all) continue;  // not a column: skip it when reading everything
      throw InputError(h5::where(path, name) + ": has shape " + h5::shape_text(dims) + ", a column must be (N,)");
    }
    if (all && !h5::is_numeric(d.get())) continue;
    if (!first && dims[0] != n_rows) {
      if (all) continue;
      throw InputError(h5::where(path, name) + ": has " + std::to_string(dims[0]) + " rows, expected " +
                       std::to_string(n_rows));
    }
    if (first) n_rows = dims[0];
    first = false;
    std::vector<double> values(dims[0]);
    h5::read_rows_as_double(d.get(), 0, dims[0], values.data(), path, name);
    table.names.push_back(name);
    table.columns.push_back(std::move(values));
  }
  for (const auto& attr : h5::attribute_names(file.get())) table.attributes[attr] = h5::attribute_text(file.get(), attr);
  return table;
}

}  // namespace wl::io
