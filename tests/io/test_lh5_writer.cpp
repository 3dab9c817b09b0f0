// LH5 (lgdo) table writer: datatype/units attributes, struct groups, atomic no-overwrite.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/layout.hpp"
#include "wavelearn/io/lh5_writer.hpp"

using wl::core::InputError;
using wl::io::Lh5Table;
using wl::test::TempDir;

namespace {
std::string attr(const wl::io::FileLayout& layout, const std::string& path, const std::string& name) {
  for (const auto& d : layout.datasets) {
    if (d.path != path) continue;
    for (const auto& [k, v] : d.attributes) {
      if (k == name) return v;
    }
    return "<no attribute>";
  }
  return "<no dataset>";
}

Lh5Table dsp_table(const std::string& path) {
  Lh5Table t;
  t.path = path;
  t.columns = {{"trapEmax", {1.0, 2.0}, "ADC"}, {"tp_0_est", {160.0, 176.0}, "ns"}, {"quality", {0, 0}, ""}};
  return t;
}
}  // namespace

TEST(Lh5Writer, TableDatatypeListsColumnsInOrder) {
  EXPECT_EQ(wl::io::lh5_table_datatype(dsp_table("dsp").columns), "table{trapEmax,tp_0_est,quality}");
}

TEST(Lh5Writer, ColumnsCarryDatatypeAndUnits) {
  TempDir dir;
  const auto path = dir.file("f.lh5");
  wl::io::write_lh5_tables(path, {dsp_table("ch1104000/dsp"), dsp_table("ch1104001/dsp")}, false);
  const auto layout = wl::io::describe_layout(path);
  EXPECT_EQ(attr(layout, "/ch1104000/dsp/trapEmax", "datatype"), "array<1>{real}");
  EXPECT_EQ(attr(layout, "/ch1104000/dsp/trapEmax", "units"), "ADC");
  EXPECT_EQ(attr(layout, "/ch1104001/dsp/tp_0_est", "units"), "ns");
  EXPECT_EQ(attr(layout, "/ch1104001/dsp/quality", "units"), "<no attribute>");
  // Existing output: refused without force, replaced with it.
  EXPECT_THROW(wl::io::write_lh5_tables(path, {dsp_table("dsp")}, false), InputError);
  wl::io::write_lh5_tables(path, {dsp_table("dsp")}, true);
  EXPECT_EQ(attr(wl::io::describe_layout(path), "/dsp/trapEmax", "datatype"), "array<1>{real}");
}

TEST(Lh5Writer, BadTablesAreInputErrorsAndLeaveNothing) {
  TempDir dir;
  const auto path = dir.file("bad.lh5");
  Lh5Table uneven = dsp_table("dsp");
  uneven.columns[1].values.push_back(3.0);
  EXPECT_THROW(wl::io::write_lh5_tables(path, {uneven}, false), InputError);
  EXPECT_THROW(wl::io::write_lh5_tables(path, {dsp_table("a/dsp"), dsp_table("a/dsp")}, false), InputError);
  Lh5Table slash = dsp_table("dsp");
  slash.columns[0].name = "a/b";
  EXPECT_THROW(wl::io::write_lh5_tables(path, {slash}, false), InputError);
  EXPECT_THROW(wl::io::write_lh5_tables(path, {dsp_table("")}, false), InputError);
  EXPECT_FALSE(std::filesystem::exists(path));
}
