// MJD, NPML and generic files: dtype conversion, windows, scalar fields, gathers.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <numeric>
#include <thread>

#include "fixtures.hpp"
#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::io;
using wl::core::InputError;
using wl::test::expected_sample;
using wl::test::TempDir;
using wl::test::WaveDtype;

namespace {

void expect_window(const std::vector<float>& got, std::size_t first, std::size_t count, std::size_t begin,
                   std::size_t n) {
  ASSERT_EQ(got.size(), count * n);
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = 0; j < n; ++j)
      ASSERT_EQ(got[i * n + j], expected_sample(first + i, begin + j)) << "event " << first + i << " sample " << begin + j;
}

}  // namespace

TEST(Reader, EveryOnDiskDtypeReadsAsFloat) {
  TempDir dir;
  for (auto dtype : {WaveDtype::Int16, WaveDtype::Float32, WaveDtype::Float64, WaveDtype::Uint16}) {
    const auto path = dir.file("d" + std::to_string(int(dtype)) + ".h5");
    wl::test::write_mjd(path, 25, 40, dtype);
    auto r = open_reader(path);
    EXPECT_EQ(r->format(), Format::Mjd);
    ASSERT_EQ(r->n_events(), 25u);
    ASSERT_EQ(r->n_samples(), 40u);
    EXPECT_DOUBLE_EQ(r->sample_period_ns(), 10.0);
    std::vector<float> all(25 * 40);
    r->read_window(0, 25, 0, 40, all.data());
    const float offset = dtype == WaveDtype::Uint16 ? 500.0f : 0.0f;  // stored shifted to be unsigned
    for (std::size_t i = 0; i < 25; ++i)
      for (std::size_t j = 0; j < 40; ++j) ASSERT_EQ(all[i * 40 + j], expected_sample(i, j) + offset);
  }
}

TEST(Reader, WindowEqualsSliceOfFullRead) {
  TempDir dir;
  const auto path = dir.file("m.h5");
  wl::test::write_mjd(path, 50, 64);  // chunks of 7 rows: windows straddle chunks
  OpenOptions opt;
  opt.chunk_events = 5;
  auto r = open_reader(path, opt);
  std::vector<float> full(50 * 64);
  r->read_window(0, 50, 0, 64, full.data());
  expect_window(full, 0, 50, 0, 64);
  const std::size_t first = 13, count = 20, begin = 9, n = 30;
  std::vector<float> win(count * n);
  r->read_window(first, count, begin, n, win.data());
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(win[i * n + j], full[(first + i) * 64 + begin + j]);
}

TEST(Reader, ScalarFieldsConvertEveryDtypeToDouble) {
  TempDir dir;
  const auto path = dir.file("m.h5");
  wl::test::write_mjd(path, 30, 8);
  auto r = open_reader(path);
  const auto names = r->scalar_fields();
  for (const char* f : {"energy_label", "psd_label_low_avse", "psd_label_high_avse", "psd_label_dcr",
                        "psd_label_lq", "tp0", "detector", "run_number", "id"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), f), names.end()) << f;
  }
  EXPECT_EQ(std::find(names.begin(), names.end(), "raw_waveform"), names.end());
  const auto energy = r->read_scalar("energy_label");
  const auto high = r->read_scalar("psd_label_high_avse");  // bool enum as h5py writes it
  const auto low = r->read_scalar("psd_label_low_avse", 10, 5);
  const auto id = r->read_scalar("id", 3, 4);
  ASSERT_EQ(energy.size(), 30u);
  for (std::size_t i = 0; i < 30; ++i) {
    EXPECT_DOUBLE_EQ(energy[i], wl::test::expected_energy_kev(i));
    EXPECT_EQ(high[i], i % 3 != 0 ? 1.0 : 0.0);
  }
  ASSERT_EQ(low.size(), 5u);
  EXPECT_EQ(low[0], 0.0);  // event 10
  EXPECT_EQ(low[1], 1.0);
  EXPECT_EQ(id, (std::vector<double>{3, 4, 5, 6}));
  EXPECT_THROW(r->read_scalar("id", 28, 5), InputError);
}

TEST(Reader, NpmlFileWithoutLabels) {
  TempDir dir;
  const auto path = dir.file("npml.h5");
  wl::test::write_mjd(path, 12, 20, WaveDtype::Int16, false);
  auto r = open_reader(path);
  EXPECT_EQ(r->n_events(), 12u);
  for (const auto& label : r->fields().labels) EXPECT_FALSE(r->has_field(label));
  EXPECT_FALSE(r->has_field("energy_label"));
  EXPECT_TRUE(r->has_field("tp0"));
  std::vector<float> w(12 * 20);
  r->read_window(0, 12, 0, 20, w.data());
  expect_window(w, 0, 12, 0, 20);
  EXPECT_THROW(select_by_energy(*r, 100.0), InputError);
}

TEST(Reader, SelectByEnergyMatchesThreshold) {
  TempDir dir;
  const auto path = dir.file("m.h5");
  wl::test::write_mjd(path, 100, 8);
  auto r = open_reader(path);
  const double threshold = 400.0;
  const auto sel = select_by_energy(*r, threshold);
  std::vector<std::size_t> expected;
  for (std::size_t i = 0; i < 100; ++i)
    if (wl::test::expected_energy_kev(i) > threshold) expected.push_back(i);
  EXPECT_EQ(sel, expected);
  try {
    select_by_energy(*r, 1e9);
    FAIL() << "no throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("energy_label"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

TEST(Reader, ReadEventsInAnyOrderEqualsDirectReads) {
  TempDir dir;
  const auto path = dir.file("m.h5");
  wl::test::write_mjd(path, 200, 32);
  OpenOptions opt;
  opt.chunk_events = 16;
  auto r = open_reader(path, opt);
  // Dense runs, sparse singles, duplicates, reverse order.
  std::vector<std::size_t> events = {199, 0, 5, 6, 7, 8, 150, 3, 3, 100, 101, 17, 64, 120, 121, 122, 123, 9};
  for (std::size_t i = 40; i < 60; ++i) events.push_back(i);
  std::reverse(events.begin() + 5, events.end());
  const std::size_t begin = 4, n = 20;
  std::vector<float> got(events.size() * n);
  read_events(*r, events, begin, n, got.data());
  std::vector<float> one(n);
  for (std::size_t k = 0; k < events.size(); ++k) {
    r->read_window(events[k], 1, begin, n, one.data());
    for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(got[k * n + j], one[j]) << "position " << k;
    ASSERT_EQ(one[0], expected_sample(events[k], begin));
  }
  EXPECT_THROW(read_events(*r, {1, 200}, 0, 4, got.data()), InputError);
}

TEST(Reader, GenericMappingReadsCuoreLikeFile) {
  TempDir dir;
  const auto path = dir.file("cuore.h5");
  wl::test::write_generic(path, 30, 100);
  OpenOptions opt;
  opt.fields.waveform = "pulses";
  opt.fields.labels = {"label"};
  opt.fields.energy = "amplitude";
  opt.fields.sample_period_ns = 1e6;  // 1 kHz
  auto r = open_reader(path, opt);
  EXPECT_EQ(r->format(), Format::Generic);
  EXPECT_EQ(r->n_events(), 30u);
  EXPECT_EQ(r->n_samples(), 100u);
  EXPECT_DOUBLE_EQ(r->sample_period_ns(), 1e6);
  const auto label = r->read_scalar("label");
  for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(label[i], double(i % 2));
  std::vector<float> w(3 * 10);
  r->read_window(20, 3, 90, 10, w.data());
  expect_window(w, 20, 3, 90, 10);
  EXPECT_EQ(select_by_energy(*r, wl::test::expected_energy_kev(27)), (std::vector<std::size_t>{28, 29}));
  // Without the mapping the file has no recognised waveform.
  EXPECT_THROW(open_reader(path), InputError);
}

TEST(Reader, ConcurrentReadersFromSeveralThreadsAreSerialisedSafely) {
  TempDir dir;
  const auto path = dir.file("m.h5");
  wl::test::write_mjd(path, 64, 32);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto r = open_reader(path);  // one reader per thread, HDF5 calls under the io lock
      std::vector<float> w(64 * 8);
      bool good = true;
      for (int rep = 0; rep < 20; ++rep) {
        r->read_window(0, 64, std::size_t(t), 8, w.data());
        for (std::size_t i = 0; i < 64; ++i) good = good && w[i * 8] == expected_sample(i, std::size_t(t));
        good = good && r->read_scalar("id", 5, 1)[0] == 5.0;
      }
      ok[std::size_t(t)] = good;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, std::vector<int>(4, 1));
}

TEST(Reader, SparseGatherMatchesWindowsForEveryLayoutAndDtype) {
  TempDir dir;
  int k = 0;
  for (bool chunked : {false, true}) {
    for (auto dtype : {WaveDtype::Int16, WaveDtype::Float32, WaveDtype::Float64, WaveDtype::Uint16}) {
      const auto path = dir.file("s" + std::to_string(k++) + ".h5");
      wl::test::write_mjd(path, 300, 48, dtype, true, chunked);
      OpenOptions opt;
      opt.chunk_events = 64;
      auto r = open_reader(path, opt);
      // Every 7th event, shuffled, with a duplicate: sparse blocks (the per-row fast path).
      std::vector<std::size_t> events;
      for (std::size_t i = 3; i < 300; i += 7) events.push_back(i);
      std::reverse(events.begin(), events.end());
      std::rotate(events.begin(), events.begin() + 11, events.end());
      events.push_back(events[5]);
      const std::size_t begin = 6, n = 33;
      std::vector<float> got(events.size() * n), one(n);
      read_events(*r, events, begin, n, got.data());
      for (std::size_t e = 0; e < events.size(); ++e) {
        r->read_window(events[e], 1, begin, n, one.data());
        for (std::size_t j = 0; j < n; ++j) {
          ASSERT_EQ(got[e * n + j], one[j]) << path << " event " << events[e] << " sample " << begin + j;
        }
      }
    }
  }
}

namespace {

// float32 records in 10-row chunks, written in two parts with another dataset's chunks
// allocated in between: the file holds them in two separate spans.
void write_split_chunks(const std::string& path, std::size_t n_events, std::size_t n_samples, std::size_t split) {
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims[2] = {n_events, n_samples}, chunk[2] = {10, n_samples};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 2, chunk);
  const hid_t wave = H5Dcreate2(f, "raw_waveform", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  const hid_t other = H5Dcreate2(f, "other", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  std::vector<float> data(n_events * n_samples);
  for (std::size_t i = 0; i < n_events; ++i)
    for (std::size_t j = 0; j < n_samples; ++j) data[i * n_samples + j] = expected_sample(i, j);
  auto write_rows = [&](hid_t d, std::size_t first, std::size_t count) {
    const hsize_t start[2] = {first, 0}, cnt[2] = {count, n_samples};
    const hid_t fs = H5Dget_space(d);
    H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, nullptr, cnt, nullptr);
    const hid_t ms = H5Screate_simple(2, cnt, nullptr);
    H5Dwrite(d, H5T_NATIVE_FLOAT, ms, fs, H5P_DEFAULT, data.data() + first * n_samples);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Fflush(f, H5F_SCOPE_LOCAL);  // chunks get file space when they leave the cache
  };
  write_rows(wave, 0, split);
  write_rows(other, 0, n_events);
  write_rows(wave, split, n_events - split);
  for (hid_t h : {wave, other}) H5Dclose(h);
  H5Pclose(dcpl);
  H5Sclose(space);
  H5Fclose(f);
}

void expect_rows(const float* rows, std::size_t first, std::size_t count, std::size_t n) {
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = 0; j < n; ++j)
      ASSERT_EQ(rows[i * n + j], expected_sample(first + i, j)) << "event " << first + i << " sample " << j;
}

}  // namespace

TEST(Reader, ViewRowsMapsFloatRecordsInOneSpan) {
  TempDir dir;
  for (bool chunked : {false, true}) {
    const auto path = dir.file(chunked ? "chunked.h5" : "contiguous.h5");
    wl::test::write_mjd(path, 200, 40, WaveDtype::Float32, true, chunked);
    auto r = open_reader(path);
    std::size_t viewed = 0;
    const float* rows = r->view_rows(13, 150, &viewed);  // starts and ends inside a chunk
    ASSERT_NE(rows, nullptr) << path;
    ASSERT_EQ(viewed, 150u) << path;
    expect_rows(rows, 13, 150, 40);
    EXPECT_THROW(r->view_rows(190, 11, &viewed), InputError);
  }
  // Records that need conversion are not mapped.
  const auto path = dir.file("int16.h5");
  wl::test::write_mjd(path, 50, 40, WaveDtype::Int16, true, false);
  std::size_t viewed = 7;
  EXPECT_EQ(open_reader(path)->view_rows(0, 50, &viewed), nullptr);
  EXPECT_EQ(viewed, 0u);
}

TEST(Reader, ViewRowsStopsWhereTheFileSpanEnds) {
  TempDir dir;
  const auto path = dir.file("split.h5");
  write_split_chunks(path, 100, 400, 40);  // 16 kB chunks: above HDF5's small-data aggregation
  auto r = open_reader(path);
  std::size_t first = 5, views = 0;
  while (first < 100) {
    std::size_t viewed = 0;
    const float* rows = r->view_rows(first, 100 - first, &viewed);
    ASSERT_NE(rows, nullptr) << "at event " << first;
    ASSERT_GT(viewed, 0u);
    expect_rows(rows, first, viewed, 400);
    if (first == 5) {
      EXPECT_EQ(viewed, 35u);  // up to the end of the first written part
    }
    first += viewed;
    ++views;
  }
  EXPECT_EQ(views, 2u);
}
