#pragma once
// A column table of per-event values (DSP features, predictions): one HDF5 dataset per
// column, or CSV. Used for `wavelearn dsp` output and predictions.h5.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace wl::io {

// A per-event array beside the columns (e.g. one attribution per waveform sample), written
// as an (N, L) float32 dataset.
struct Array2D {
  std::size_t rows = 0, cols = 0;
  std::vector<float> values;  // row-major rows x cols
};

struct Table {
  std::vector<std::string> names;            // column order
  std::vector<std::vector<double>> columns;  // columns[i].size() == n_rows()
  std::map<std::string, std::string> attributes;
  std::map<std::string, Array2D> arrays;     // written by write_table_h5 only

  std::size_t n_rows() const { return columns.empty() ? 0 : columns.front().size(); }
  void add(const std::string& name, std::vector<double> values);
  bool has(const std::string& name) const;
  // Throws InputError naming the column when absent.
  const std::vector<double>& column(const std::string& name) const;
};

// Atomic writes; refuse to overwrite unless force.
void write_table_h5(const std::string& path, const Table& table, bool force);
void write_table_csv(const std::string& path, const Table& table, bool force);
// Reads every (N,) dataset at the root (or only `columns` if given) as double.
Table read_table_h5(const std::string& path, const std::vector<std::string>& columns = {});

}  // namespace wl::io
