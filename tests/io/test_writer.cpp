// MjdWriter round trips for every dtype, atomic commit, no overwrite without force.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/layout.hpp"
#include "wavelearn/io/mjd_writer.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::io;
using wl::core::InputError;
using wl::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

std::string dtype_of(const FileLayout& layout, const std::string& path) {
  for (const auto& d : layout.datasets)
    if (d.path == path) return d.dtype;
  return "missing";
}

}  // namespace

TEST(MjdWriter, RoundTripEveryDtypeAndAttribute) {
  TempDir dir;
  const auto path = dir.file("out.h5");
  const std::size_t n = 23, l = 17;
  std::vector<float> wave(n * l);
  for (std::size_t k = 0; k < wave.size(); ++k) wave[k] = 0.25f * float(k) - 3.0f;
  std::vector<float> f32(n);
  std::vector<double> f64(n);
  std::vector<int32_t> i32(n);
  std::vector<int64_t> i64(n);
  std::vector<uint8_t> u8(n);
  for (std::size_t i = 0; i < n; ++i) {
    f32[i] = 1.5f * float(i);
    f64[i] = 2614.511 + 1e-9 * double(i);
    i32[i] = -int32_t(i) * 1000;
    i64[i] = int64_t(1) << 40 | int64_t(i);  // exact in double (< 2^53)
    u8[i] = uint8_t(i % 2);
  }
  {
    MjdWriterOptions opt;
    opt.chunk_events = 5;
    MjdWriter w(path, n, l, opt);
    w.write_waveforms(0, 10, wave.data());
    w.write_waveforms(10, n - 10, wave.data() + 10 * l);
    w.write_field("energy_label", f64);
    w.write_field("truth_drift_time_ns", f32);
    w.write_field("tp0", i32);
    w.write_field("id", i64);
    w.write_field("psd_label_low_avse", u8);
    w.set_attribute("generator", std::string("wavelearn-sim"));
    w.set_attribute("seed", int64_t(42));
    w.set_attribute("noise_adc", 2.5);
    EXPECT_FALSE(fs::exists(path));  // nothing under the final name before commit
    w.commit();
  }
  EXPECT_EQ(entries(dir.path()), 1u);  // no temporary left
  auto r = open_reader(path);
  ASSERT_EQ(r->n_events(), n);
  ASSERT_EQ(r->n_samples(), l);
  std::vector<float> back(n * l);
  r->read_window(0, n, 0, l, back.data());
  EXPECT_EQ(back, wave);
  const auto as_double = [](const auto& v) { return std::vector<double>(v.begin(), v.end()); };
  EXPECT_EQ(r->read_scalar("energy_label"), f64);
  EXPECT_EQ(r->read_scalar("truth_drift_time_ns"), as_double(f32));
  EXPECT_EQ(r->read_scalar("tp0"), as_double(i32));
  EXPECT_EQ(r->read_scalar("id"), as_double(i64));
  EXPECT_EQ(r->read_scalar("psd_label_low_avse"), as_double(u8));

  const auto layout = describe_layout(path);
  EXPECT_EQ(dtype_of(layout, "/raw_waveform"), "float32");
  EXPECT_EQ(dtype_of(layout, "/energy_label"), "float64");
  EXPECT_EQ(dtype_of(layout, "/truth_drift_time_ns"), "float32");
  EXPECT_EQ(dtype_of(layout, "/tp0"), "int32");
  EXPECT_EQ(dtype_of(layout, "/id"), "int64");
  EXPECT_EQ(dtype_of(layout, "/psd_label_low_avse"), "uint8");
  std::map<std::string, std::string> attrs(layout.attributes.begin(), layout.attributes.end());
  EXPECT_EQ(attrs["generator"], "wavelearn-sim");
  EXPECT_EQ(attrs["seed"], "42");
  EXPECT_EQ(attrs["noise_adc"], "2.5");
}

TEST(MjdWriter, UncommittedWriterLeavesNothing) {
  TempDir dir;
  {
    MjdWriter w(dir.file("x.h5"), 4, 4);
    std::vector<float> wave(16, 1.0f);
    w.write_waveforms(0, 4, wave.data());
  }
  EXPECT_EQ(entries(dir.path()), 0u);
}

TEST(MjdWriter, RefusesOverwriteWithoutForce) {
  TempDir dir;
  const auto path = dir.file("x.h5");
  { MjdWriter w(path, 2, 3); w.commit(); }
  try {
    MjdWriter w(path, 2, 3);
    FAIL() << "no throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  MjdWriterOptions force;
  force.force = true;
  {
    MjdWriter w(path, 5, 3, force);
    w.commit();
  }
  EXPECT_EQ(open_reader(path)->n_events(), 5u);
  EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(MjdWriter, RejectsWrongLengthsAndRanges) {
  TempDir dir;
  MjdWriter w(dir.file("x.h5"), 4, 3);
  EXPECT_THROW(w.write_field("energy_label", std::vector<double>(3)), InputError);
  std::vector<float> wave(6);
  EXPECT_THROW(w.write_waveforms(3, 2, wave.data()), InputError);
  w.write_field("tp0", std::vector<int32_t>(4));
  EXPECT_THROW(w.write_field("tp0", std::vector<int32_t>(4)), InputError);
}
