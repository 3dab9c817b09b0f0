// LEGEND-200 raw files: the shipped real file (tests/io/data, Zstandard-compressed fields,
// radware_sigcompress and uleb128_zigzag_diff waveforms), synthetic encoded files, stream
// choice, and broken copies (bad codec, truncation, offsets, decoded_size).
#include <gtest/gtest.h>

#include <algorithm>

#include "l200_fixtures.hpp"
#include "temp_dir.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/io/layout.hpp"
#include "wavelearn/io/reader.hpp"

using namespace wl::io;
using wl::core::InputError;
using wl::test::l200_file;
using wl::test::TempDir;

namespace {

std::unique_ptr<WaveformReader> open_stream(const std::string& path, const std::string& stream,
                                            const std::string& channel = "") {
  OpenOptions opt;
  opt.lh5_stream = stream;
  opt.lh5_channel = channel;
  return open_reader(path, opt);
}

std::vector<float> read_all(WaveformReader& r) {
  std::vector<float> w(r.n_events() * r.n_samples());
  r.read_window(0, r.n_events(), 0, r.n_samples(), w.data());
  return w;
}

// The InputError message of opening and reading every event of `path`.
std::string error_of(const std::string& path) {
  try {
    auto r = open_reader(path);
    read_all(*r);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(L200, RealFileDefaultsToTheWindowedStream) {
  auto r = open_reader(l200_file());
  EXPECT_EQ(r->format(), Format::Lh5);
  EXPECT_EQ(r->n_events(), 1u);
  EXPECT_EQ(r->n_samples(), 1400u);
  EXPECT_DOUBLE_EQ(r->sample_period_ns(), 16.0);
  const auto w = read_all(*r);
  // First samples of ch1105600 as the Python reference decoder gives them.
  EXPECT_EQ(std::vector<float>(w.begin(), w.begin() + 8),
            (std::vector<float>{14996, 15009, 14998, 15005, 14995, 15006, 15007, 15031}));
  EXPECT_EQ(*std::min_element(w.begin(), w.end()), 14980.0f);
  EXPECT_EQ(*std::max_element(w.begin(), w.end()), 27549.0f);
  // The per-event fields are Zstandard-compressed: read through the registered filter.
  EXPECT_EQ(r->fields().energy, "daqenergy");
  EXPECT_EQ(r->read_scalar("presum_rate"), std::vector<double>{8});
  const auto fields = r->scalar_fields();
  EXPECT_NE(std::find(fields.begin(), fields.end(), "waveform_windowed/dt"), fields.end());
}

TEST(L200, PresummedStreamHasItsOwnLengthAndPeriod) {
  for (const char* name : {"presummed", "waveform_presummed"}) {
    auto r = open_stream(l200_file(), name, "ch1115205");
    EXPECT_EQ(r->n_samples(), 781u);
    EXPECT_DOUBLE_EQ(r->sample_period_ns(), 128.0);
    std::vector<float> w(4);
    r->read_window(0, 1, 0, 4, w.data());
    EXPECT_EQ(w, (std::vector<float>{117509, 117460, 117420, 117251}));
  }
  EXPECT_DOUBLE_EQ(open_stream(l200_file(), "windowed", "ch1115205")->sample_period_ns(), 16.0);
}

TEST(L200, StreamsAreListedPerChannel) {
  const auto streams = describe_lh5_streams(l200_file());
  ASSERT_EQ(streams.size(), 12u);  // six channels x two streams
  EXPECT_EQ(streams[0].channel, "ch1105600");
  EXPECT_EQ(streams[0].stream, "waveform_windowed");
  EXPECT_EQ(streams[0].codec, "radware_sigcompress");
  EXPECT_EQ(streams[1].stream, "waveform_presummed");
  EXPECT_EQ(streams[1].codec, "uleb128_zigzag_diff");
  for (const auto& s : streams) {
    EXPECT_TRUE(s.error.empty()) << s.error;
    EXPECT_EQ(s.n_events, s.channel == "ch1107202" ? 2u : 1u) << s.channel;
    EXPECT_EQ(s.n_samples, s.stream == "waveform_windowed" ? 1400u : 781u);
  }
}

TEST(L200, UnknownStreamListsTheKnownOnes) {
  try {
    open_stream(l200_file(), "triggered");
    FAIL();
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("no waveform stream 'triggered'"), std::string::npos) << m;
    EXPECT_NE(m.find("waveform_windowed, waveform_presummed"), std::string::npos) << m;
  }
}

TEST(L200, ChannelWithTwoEventsDecodesBoth) {
  auto r = open_stream(l200_file(), "", "ch1107202");
  ASSERT_EQ(r->n_events(), 2u);
  const auto w = read_all(*r);
  EXPECT_EQ(*std::min_element(w.begin(), w.end()), 14906.0f);  // the reference decoder's range
  EXPECT_EQ(*std::max_element(w.begin(), w.end()), 19922.0f);
  EXPECT_NE(std::vector<float>(w.begin(), w.begin() + 1400), std::vector<float>(w.begin() + 1400, w.end()));
}

TEST(L200, SyntheticEncodedFileRoundTrips) {
  TempDir dir;
  const auto path = dir.file("enc.lh5");
  wl::test::write_lh5_encoded(path, "ch1104000", 12, 200);
  OpenOptions opt;
  opt.chunk_events = 5;  // several batches
  auto r = open_reader(path, opt);
  ASSERT_EQ(r->n_events(), 12u);
  ASSERT_EQ(r->n_samples(), 200u);
  std::vector<float> w(7 * 50);
  r->read_window(3, 7, 120, 50, w.data());
  for (std::size_t i = 0; i < 7; ++i)
    for (std::size_t j = 0; j < 50; ++j) ASSERT_EQ(w[i * 50 + j], float(wl::test::encoded_sample(3 + i, 120 + j)));
  std::vector<float> g(3 * 10);
  read_events(*r, {11, 0, 6}, 145, 10, g.data());
  for (std::size_t j = 0; j < 10; ++j) ASSERT_EQ(g[10 + j], float(wl::test::encoded_sample(0, 145 + j)));
  auto p = open_stream(path, "presummed");
  EXPECT_EQ(p->n_samples(), 50u);
  EXPECT_DOUBLE_EQ(p->sample_period_ns(), 64.0);
  std::vector<float> s(50);
  p->read_window(9, 1, 0, 50, s.data());
  EXPECT_EQ(s[40], float(wl::test::encoded_sample(9, 160) + wl::test::encoded_sample(9, 161) +
                         wl::test::encoded_sample(9, 162) + wl::test::encoded_sample(9, 163)));
}

TEST(L200, BrokenCopiesNameTheDatasetAndEvent) {
  TempDir dir;
  struct Case {
    const char* kind;
    std::vector<const char*> needles;
  };
  const std::vector<Case> cases = {
      {"l200-unknown-codec", {"/ch1105600/raw/waveform_windowed/values", "unknown codec 'lzma_magic'"}},
      {"l200-truncated", {"waveform_windowed/values/encoded_data", "event 0", "truncated"}},
      {"l200-decoded-size", {"event 0", "declares 1400 samples, expected 1399"}},
      {"l200-offsets", {"cumulative_length", "event 0 ends at byte 5000", "1244 encoded bytes"}},
      {"lh5-encoded-not-increasing", {"cumulative_length", "event 1", "not increasing"}},
  };
  for (const auto& c : cases) {
    const auto path = dir.file(std::string(c.kind) + ".lh5");
    ASSERT_TRUE(wl::test::write_l200_fixture(c.kind, path));
    const std::string m = error_of(path);
    ASSERT_FALSE(m.empty()) << c.kind;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    for (const char* n : c.needles) EXPECT_NE(m.find(n), std::string::npos) << c.kind << ": " << m;
  }
  // The untouched copy reads: the failures above come from the mutations alone.
  const auto good = dir.file("l200.lh5");
  wl::test::write_l200_fixture("l200", good);
  EXPECT_EQ(error_of(good), "");
}
