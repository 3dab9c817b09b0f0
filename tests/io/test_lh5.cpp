// LEGEND LH5: fixed and variable-length waveforms, dt units, channel choice.
#include <gtest/gtest.h>

#include <algorithm>

#include "fixtures.hpp"
#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::io;
using wl::core::InputError;
using wl::test::expected_sample;
using wl::test::TempDir;

TEST(Lh5, FixedLengthWithDtInNs) {
  TempDir dir;
  const auto path = dir.file("a.lh5");
  wl::test::write_lh5_fixed(path, "ch1027201", 40, 96, 16.0, "ns");
  auto r = open_reader(path);
  EXPECT_EQ(r->format(), Format::Lh5);
  EXPECT_EQ(r->n_events(), 40u);
  EXPECT_EQ(r->n_samples(), 96u);
  EXPECT_DOUBLE_EQ(r->sample_period_ns(), 16.0);
  std::vector<float> w(5 * 30);
  r->read_window(31, 5, 60, 30, w.data());
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 30; ++j) ASSERT_EQ(w[i * 30 + j], expected_sample(31 + i, 60 + j));
  const auto fields = r->scalar_fields();
  for (const char* f : {"baseline", "daqenergy", "timestamp", "waveform/dt", "waveform/t0"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
  EXPECT_EQ(r->read_scalar("baseline", 0, 2), (std::vector<double>{14000, 14001}));
  EXPECT_EQ(r->fields().energy, "daqenergy");
  EXPECT_EQ(select_by_energy(*r, wl::test::expected_energy_kev(38)), (std::vector<std::size_t>{39}));
}

TEST(Lh5, DtInMicrosecondsIsConvertedAndGedsGroupIsFound) {
  TempDir dir;
  const auto path = dir.file("b.lh5");
  wl::test::write_lh5_fixed(path, "geds", 10, 50, 0.016, "us");
  auto r = open_reader(path);
  EXPECT_EQ(r->format(), Format::Lh5);
  EXPECT_NEAR(r->sample_period_ns(), 16.0, 1e-4);  // stored as float32
}

TEST(Lh5, UnknownDtUnitsIsAnInputError) {
  TempDir dir;
  const auto path = dir.file("c.lh5");
  wl::test::write_lh5_fixed(path, "ch0", 4, 8, 16.0, "fortnights");
  try {
    open_reader(path);
    FAIL() << "no throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/ch0/raw/waveform/dt"), std::string::npos) << e.what();
  }
}

TEST(Lh5, ChannelOptionSelectsGroupAndMissingChannelIsNamed) {
  TempDir dir;
  const auto path = dir.file("d.lh5");
  wl::test::write_lh5_fixed(path, "ch7", 4, 8, 16.0, "ns");
  OpenOptions opt;
  opt.lh5_channel = "ch7";
  EXPECT_EQ(open_reader(path, opt)->n_events(), 4u);
  opt.lh5_channel = "ch8";
  try {
    open_reader(path, opt);
    FAIL() << "no throw";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ch8"), std::string::npos) << e.what();
  }
}

TEST(Lh5, VariableLengthPadsShortRecordsWithLastSample) {
  TempDir dir;
  const auto path = dir.file("v.lh5");
  const std::vector<std::size_t> lengths = {10, 40, 25, 0, 40, 7};
  wl::test::write_lh5_variable(path, "ch0", lengths, 16.0, "ns");
  for (std::size_t chunk : {1u, 2u, 100u}) {  // batches split the flattened span differently
    OpenOptions opt;
    opt.chunk_events = chunk;
    auto r = open_reader(path, opt);
    EXPECT_EQ(r->format(), Format::Lh5);
    ASSERT_EQ(r->n_events(), lengths.size());
    ASSERT_EQ(r->n_samples(), 40u);
    const std::size_t begin = 5, n = 30;
    std::vector<float> w(lengths.size() * n, -1e9f);
    r->read_window(0, lengths.size(), begin, n, w.data());
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t s = begin + j;
        const float want = lengths[i] == 0 ? 0.0f
                           : s < lengths[i] ? expected_sample(i, s)
                                            : expected_sample(i, lengths[i] - 1);
        ASSERT_EQ(w[i * n + j], want) << "event " << i << " sample " << s << " chunk " << chunk;
      }
    }
    std::vector<float> g(2 * n);
    read_events(*r, {4, 1}, begin, n, g.data());
    for (std::size_t j = 0; j < n; ++j) {
      ASSERT_EQ(g[j], w[4 * n + j]);
      ASSERT_EQ(g[n + j], w[1 * n + j]);
    }
    EXPECT_THROW(r->read_window(0, 1, 30, 11, w.data()), InputError);
  }
}
