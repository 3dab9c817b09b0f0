// Bad input at the library level: each failure is an InputError naming file and dataset.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/reader.hpp"
#include "wavelearn/io/summary.hpp"

using namespace wl::io;
using wl::core::InputError;
using wl::test::TempDir;

namespace {

// Runs f, expects an InputError whose message contains every needle.
template <typename F>
void expect_input_error(F&& f, const std::vector<std::string>& needles) {
  try {
    f();
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    for (const auto& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << "'" << n << "' not in: " << msg;
  }
}

}  // namespace

TEST(Errors, MissingFile) {
  expect_input_error([] { open_reader("/nonexistent/file.h5"); }, {"/nonexistent/file.h5", "no such file"});
}

TEST(Errors, NotHdf5) {
  TempDir dir;
  const auto path = dir.file("a.csv");
  wl::test::write_not_hdf5(path);
  expect_input_error([&] { open_reader(path); }, {path, "not an HDF5 file"});
}

TEST(Errors, MissingWaveformDataset) {
  TempDir dir;
  const auto path = dir.file("a.h5");
  wl::test::write_no_waveform(path);
  expect_input_error([&] { open_reader(path); }, {path, "raw_waveform"});
  OpenOptions opt;
  opt.fields.waveform = "pulses";
  expect_input_error([&] { open_reader(path, opt); }, {path, "pulses"});
}

TEST(Errors, OneDimensionalWaveform) {
  TempDir dir;
  const auto path = dir.file("a.h5");
  wl::test::write_waveform_1d(path);
  expect_input_error([&] { open_reader(path); }, {path, "raw_waveform", "(5,)"});
}

TEST(Errors, LabelOfWrongLength) {
  TempDir dir;
  const auto path = dir.file("a.h5");
  wl::test::write_label_wrong_length(path);
  // Refused when the file is opened (every command), naming both lengths; not only where a
  // command happens to read the label (beside 0 waveforms nothing would be read).
  expect_input_error([&] { open_reader(path); }, {path, "psd_label_dcr", "(19,)", "'raw_waveform' holds 20 events"});
}

TEST(Errors, StringLabel) {
  TempDir dir;
  const auto path = dir.file("a.h5");
  wl::test::write_label_string(path);
  auto r = open_reader(path);
  expect_input_error([&] { r->read_scalar("psd_label_lq"); }, {path, "psd_label_lq", "string"});
}

TEST(Errors, ZeroEventsAfterEnergySelection) {
  TempDir dir;
  const auto path = dir.file("a.h5");
  wl::test::write_mjd(path, 10, 8);
  auto r = open_reader(path);
  expect_input_error([&] { select_by_energy(*r, 5000.0); }, {path, "energy_label", "5000"});
}

TEST(Errors, WindowOutsideWaveform) {
  TempDir dir;
  const auto path = dir.file("a.h5");
  wl::test::write_mjd(path, 10, 8);
  auto r = open_reader(path);
  std::vector<float> buf(100);
  expect_input_error([&] { r->read_window(0, 1, 4, 5, buf.data()); }, {path, "raw_waveform", "[4, 9)"});
  expect_input_error([&] { r->read_window(8, 3, 0, 1, buf.data()); }, {path, "raw_waveform"});
  expect_input_error([&] { summarize_window(*r, {}, 0, 9); }, {path, "raw_waveform"});
}
