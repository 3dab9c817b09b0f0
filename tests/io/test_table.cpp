// Column tables: HDF5 round trip (order, attributes), CSV, atomic no-overwrite.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/table.hpp"

using namespace wl::io;
using wl::core::InputError;
using wl::test::TempDir;

namespace {
Table sample_table() {
  Table t;
  t.add("zeta", {1.0, 2.5, -3.0});
  t.add("alpha", {0.1, 1e-300, 12345.678901234});
  t.attributes["source"] = "MJD_Test_0.hdf5";
  return t;
}
}  // namespace

TEST(Table, H5RoundTripKeepsColumnOrderAndAttributes) {
  TempDir dir;
  const auto path = dir.file("t.h5");
  const Table t = sample_table();
  write_table_h5(path, t, false);
  const Table back = read_table_h5(path);
  EXPECT_EQ(back.names, (std::vector<std::string>{"zeta", "alpha"}));
  EXPECT_EQ(back.column("alpha"), t.column("alpha"));
  EXPECT_EQ(back.column("zeta"), t.column("zeta"));
  EXPECT_EQ(back.attributes.at("source"), "MJD_Test_0.hdf5");
  const Table only = read_table_h5(path, {"alpha"});
  EXPECT_EQ(only.names, (std::vector<std::string>{"alpha"}));
  EXPECT_THROW(read_table_h5(path, {"missing"}), InputError);
  EXPECT_THROW(write_table_h5(path, t, false), InputError);
  write_table_h5(path, t, true);
}

TEST(Table, CsvHasHeaderAndExactNumbers) {
  TempDir dir;
  const auto path = dir.file("t.csv");
  Table t = sample_table();
  t.add("nan", {NAN, 0.0, 1.0});
  write_table_csv(path, t, false);
  std::ifstream in(path);
  std::string header, row;
  std::getline(in, header);
  EXPECT_EQ(header, "zeta,alpha,nan");
  std::vector<std::string> rows;
  while (std::getline(in, row)) rows.push_back(row);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "1,0.1,nan");
  std::stringstream ss(rows[2]);
  std::string a, b;
  std::getline(ss, a, ',');
  std::getline(ss, b, ',');
  EXPECT_EQ(std::stod(b), 12345.678901234);
  EXPECT_THROW(write_table_csv(path, t, false), InputError);
}

TEST(Table, RejectsRaggedColumnsAndDuplicates) {
  Table t;
  t.add("a", {1, 2});
  EXPECT_THROW(t.add("b", {1}), InputError);
  EXPECT_THROW(t.add("a", {1, 2}), InputError);
  EXPECT_THROW(t.column("c"), InputError);
}
