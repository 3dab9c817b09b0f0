// LH5 (lgdo) tables: datasets with `datatype`/`units` attributes under table and struct groups.
#include "wavelearn/io/lh5_writer.hpp"

#include <algorithm>
#include <set>

#include "h5.hpp"
#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::io {
using wl::core::InputError;

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    if (end > begin) parts.push_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  return parts;
}

void check_tables(const std::string& path, const std::vector<Lh5Table>& tables) {
  std::set<std::string> seen;
  for (const auto& t : tables) {
    const auto parts = split_path(t.path);
    if (parts.empty()) throw InputError(path + ": an LH5 table needs a group path (e.g. ch1104000/dsp)");
    std::string norm;
    for (const auto& p : parts) norm += (norm.empty() ? "" : "/") + p;
    if (!seen.insert(norm).second) throw InputError(path + ": table '" + norm + "' written twice");
    std::set<std::string> names;
    for (const auto& c : t.columns) {
      if (c.name.empty() || c.name.find('/') != std::string::npos || c.name == "." || c.name.find(',') != std::string::npos)
        throw InputError(path + ": table '" + norm + "': column name '" + c.name + "' cannot be an LH5 column");
      if (!names.insert(c.name).second) throw InputError(path + ": table '" + norm + "': column '" + c.name + "' twice");
      if (c.values.size() != t.columns.front().values.size())
        throw InputError(path + ": table '" + norm + "': column '" + c.name + "' has " +
                         std::to_string(c.values.size()) + " rows, expected " +
                         std::to_string(t.columns.front().values.size()));
    }
  }
}

// Every group on the way to each table, with its children in first-seen order: lgdo marks a
// group holding other groups as struct{child,...}.
std::map<std::string, std::vector<std::string>> struct_children(const std::vector<Lh5Table>& tables) {
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& t : tables) {
    std::string parent;
    for (const auto& part : split_path(t.path)) {
      auto& list = children[parent];
      if (std::find(list.begin(), list.end(), part) == list.end()) list.push_back(part);
      parent += (parent.empty() ? "" : "/") + part;
    }
  }
  return children;
}

h5::Handle create_group(hid_t file, const std::string& group_path, const std::string& where) {
  h5::Handle gcpl(H5Pcreate(H5P_GROUP_CREATE));
  H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  h5::Handle g(H5Gcreate2(file, group_path.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
  if (!g) throw std::runtime_error(h5::where(where, group_path) + ": cannot create group");
  return g;
}

void write_column(hid_t group, const Lh5Column& c, const std::string& where) {
  const hsize_t dims[1] = {c.values.size()};
  h5::Handle space(H5Screate_simple(1, dims, nullptr));
  h5::Handle d(H5Dcreate2(group, c.name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d || (dims[0] > 0 && H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.values.data()) < 0))
    throw std::runtime_error(h5::where(where, c.name) + ": write failed");
  h5::write_string_attribute(d.get(), "datatype", "array<1>{real}");
  if (!c.units.empty()) h5::write_string_attribute(d.get(), "units", c.units);
}

}  // namespace

std::string lh5_table_datatype(const std::vector<Lh5Column>& columns) {
  std::string s = "table{";
  for (std::size_t i = 0; i < columns.size(); ++i) s += (i ? "," : "") + columns[i].name;
  return s + "}";
}

void write_lh5_tables(const std::string& path, const std::vector<Lh5Table>& tables, bool force,
                      const std::map<std::string, std::string>& file_attributes) {
  check_tables(path, tables);
  const auto children = struct_children(tables);
  wl::core::write_atomically(path, force, [&](const std::filesystem::path& tmp) {
    auto lock = h5::lock();
    h5::quiet();
    h5::Handle fcpl(H5Pcreate(H5P_FILE_CREATE));
    H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    h5::Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, fcpl.get(), H5P_DEFAULT));
    if (!file) throw InputError(path + ": cannot create the output (directory not writable?)");
    std::set<std::string> tables_at;
    for (const auto& t : tables) {
      std::string group_path;
      for (const auto& part : split_path(t.path)) {
        group_path += (group_path.empty() ? "" : "/") + part;
        if (!h5::link_exists(file.get(), group_path)) create_group(file.get(), group_path, tmp.string());
      }
      tables_at.insert(group_path);
      h5::Handle g = h5::open_group(file.get(), group_path, tmp.string());
      for (const auto& c : t.columns) write_column(g.get(), c, tmp.string() + ":" + group_path);
      h5::write_string_attribute(g.get(), "datatype", lh5_table_datatype(t.columns));
      for (const auto& [key, value] : t.attributes) h5::write_string_attribute(g.get(), key, value);
    }
    for (const auto& [group_path, kids] : children) {
      if (group_path.empty() || tables_at.count(group_path)) continue;
      std::string dt = "struct{";
      for (std::size_t i = 0; i < kids.size(); ++i) dt += (i ? "," : "") + kids[i];
      h5::Handle g = h5::open_group(file.get(), group_path, tmp.string());
      h5::write_string_attribute(g.get(), "datatype", dt + "}");
    }
    for (const auto& [key, value] : file_attributes) h5::write_string_attribute(file.get(), key, value);
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw std::runtime_error(tmp.string() + ": flush failed");
  });
}

}  // namespace wl::io
