#pragma once
// LH5 tables as LEGEND's lgdo writes them (legend-pydataobj conventions): every column a
// float64 (N,) dataset with `datatype` = "array<1>{real}" and, when it has one, a `units`
// attribute; the table a group with `datatype` = "table{col1,col2,...}" (columns in
// order, no spaces); every enclosing group a `struct{child,...}`. A dsp tier is one table
// per channel at `<channel>/dsp`. No libtorch here.
#include <map>
#include <string>
#include <vector>

namespace wl::io {

struct Lh5Column {
  std::string name;
  std::vector<double> values;
  std::string units;  // empty: no units attribute (dimensionless, flags)
};

struct Lh5Table {
  std::string path;  // group path of the table, e.g. "ch1104000/dsp" or "dsp"
  std::vector<Lh5Column> columns;
  std::map<std::string, std::string> attributes;  // extra string attributes on the table group
};

// lgdo's datatype string of a table: "table{a,b,c}".
std::string lh5_table_datatype(const std::vector<Lh5Column>& columns);

// Writes the tables to `path` atomically (temporary + rename); an existing file is an
// InputError unless `force`. Columns of one table must have equal lengths, names must be
// unique HDF5 names (no '/'), table paths distinct; InputError naming the table otherwise.
// `file_attributes` go on the root group.
void write_lh5_tables(const std::string& path, const std::vector<Lh5Table>& tables, bool force,
                      const std::map<std::string, std::string>& file_attributes = {});

}  // namespace wl::io
