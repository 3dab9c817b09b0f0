// The LEGEND-200 waveform codecs on hand-made data: round trips through the test encoders
// (tests/io/l200_fixtures.cpp), edge cases, and corrupt or truncated input, which must throw
// CodecError and never read or write outside the given buffers.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "l200_fixtures.hpp"
#include "wavelearn/io/codecs.hpp"

using namespace wl::io::codec;
using wl::test::encode_radware;
using wl::test::encode_uleb128_zigzag_diff;

namespace {

std::vector<std::int32_t> decode_all(Codec codec, const std::vector<std::uint8_t>& bytes, std::int32_t shift,
                                     std::size_t n) {
  // Exactly sized heap buffers, so a sanitizer build sees any stray access.
  std::unique_ptr<std::uint8_t[]> in(new std::uint8_t[bytes.size() + 1]);
  std::copy(bytes.begin(), bytes.end(), in.get());
  std::vector<std::int32_t> out(n);
  decode(codec, bytes.empty() ? nullptr : in.get(), bytes.size(), shift, out.data(), n);
  return out;
}

std::vector<std::int32_t> random_uint16(std::size_t n, std::uint32_t seed, int step) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-step, step);
  std::vector<std::int32_t> x(n);
  int v = 30000;
  for (auto& s : x) s = v = std::clamp(v + d(rng), 0, 65535);
  return x;
}

}  // namespace

TEST(Codecs, NamesRoundTripAndUnknownIsRefused) {
  EXPECT_EQ(parse_codec("radware_sigcompress"), Codec::RadwareSigcompress);
  EXPECT_EQ(parse_codec("uleb128_zigzag_diff"), Codec::Uleb128ZigzagDiff);
  EXPECT_STREQ(codec_name(Codec::Uleb128ZigzagDiff), "uleb128_zigzag_diff");
  try {
    parse_codec("lzma_magic");
    FAIL();
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("lzma_magic"), std::string::npos);
  }
}

TEST(Codecs, RadwareRoundTripsSmallAndLargeSteps) {
  for (int step : {0, 3, 200, 4000, 65535}) {
    for (std::size_t n : {1u, 2u, 47u, 64u, 65u, 1000u}) {
      const auto x = random_uint16(n, std::uint32_t(step * 1000 + n), step);
      EXPECT_EQ(decode_all(Codec::RadwareSigcompress, encode_radware(x, -32768), -32768, n), x)
          << "step " << step << " n " << n;
    }
  }
}

TEST(Codecs, RadwareEdgeValues) {
  // Full-scale swings, constant runs (0-bit blocks, also as the last block), negatives.
  std::vector<std::int32_t> x = {0, 65535, 0, 65535, 32768, 32768};
  x.insert(x.end(), 130, 1234);
  EXPECT_EQ(decode_all(Codec::RadwareSigcompress, encode_radware(x, -32768), -32768, x.size()), x);
  const std::vector<std::int32_t> neg = {-32768, 32767, -1, 0, -5, -5, -5, 100};
  EXPECT_EQ(decode_all(Codec::RadwareSigcompress, encode_radware(neg, 0), 0, neg.size()), neg);
  EXPECT_TRUE(decode_all(Codec::RadwareSigcompress, encode_radware({}, 0), 0, 0).empty());
  EXPECT_EQ(decode_all(Codec::RadwareSigcompress, encode_radware({7}, 0), 0, 1), std::vector<std::int32_t>{7});
}

TEST(Codecs, RadwareDeclaredLengthMustMatch) {
  const auto bytes = encode_radware(std::vector<std::int32_t>(10, 5), 0);
  EXPECT_EQ(radware_decoded_length(bytes.data(), bytes.size()), 10u);
  try {
    decode_all(Codec::RadwareSigcompress, bytes, 0, 11);
    FAIL();
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("declares 10 samples, expected 11"), std::string::npos) << e.what();
  }
}

TEST(Codecs, Uleb128RoundTripsIncludingInt32Extremes) {
  std::vector<std::int32_t> x = {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 2147483647, -2147483647 - 1, 0, 5};
  const auto r = random_uint16(500, 7, 65535);
  x.insert(x.end(), r.begin(), r.end());
  EXPECT_EQ(decode_all(Codec::Uleb128ZigzagDiff, encode_uleb128_zigzag_diff(x), 0, x.size()), x);
  EXPECT_TRUE(decode_all(Codec::Uleb128ZigzagDiff, {}, 0, 0).empty());
  EXPECT_EQ(decode_all(Codec::Uleb128ZigzagDiff, encode_uleb128_zigzag_diff({-3}), 0, 1),
            std::vector<std::int32_t>{-3});
  // Known bytes: 5 -> zigzag 10; then -7 -> zigzag 13; then +300 -> zigzag 600 = 0xD8 0x04.
  EXPECT_EQ(encode_uleb128_zigzag_diff({5, -2, 298}), (std::vector<std::uint8_t>{10, 13, 0xD8, 0x04}));
  EXPECT_EQ(decode_all(Codec::Uleb128ZigzagDiff, {10, 13, 0xD8, 0x04}, 0, 3), (std::vector<std::int32_t>{5, -2, 298}));
}

TEST(Codecs, Uleb128RefusesWrongCountsTruncationAndOverflow) {
  const std::vector<std::uint8_t> three = {10, 13, 0xD8, 0x04};
  EXPECT_THROW(decode_all(Codec::Uleb128ZigzagDiff, three, 0, 2), CodecError);  // more samples than expected
  EXPECT_THROW(decode_all(Codec::Uleb128ZigzagDiff, three, 0, 4), CodecError);  // fewer
  EXPECT_THROW(decode_all(Codec::Uleb128ZigzagDiff, {10, 13, 0xD8}, 0, 3), CodecError);  // ends in a varint
  EXPECT_THROW(decode_all(Codec::Uleb128ZigzagDiff, {0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 0, 1), CodecError);
  EXPECT_THROW(decode_all(Codec::Uleb128ZigzagDiff, {0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 0, 1), CodecError);
}

TEST(Codecs, EveryTruncationOfARadwareWaveformThrows) {
  const auto x = random_uint16(300, 11, 300);
  const auto bytes = encode_radware(x, -32768);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    const std::vector<std::uint8_t> part(bytes.begin(), bytes.begin() + std::ptrdiff_t(cut));
    EXPECT_THROW(decode_all(Codec::RadwareSigcompress, part, -32768, x.size()), CodecError) << "cut at " << cut;
  }
}

TEST(Codecs, RandomGarbageNeverCrashes) {
  // Random bytes, and real encodings with random bytes flipped: either CodecError or
  // a decode of exactly n samples (a flipped data bit is undetectable without a checksum).
  std::mt19937 rng(3);
  const auto good = encode_radware(random_uint16(200, 5, 1000), -32768);
  std::size_t thrown = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<std::uint8_t> bytes;
    if (trial % 2) {
      bytes.resize(rng() % 64);
      for (auto& b : bytes) b = std::uint8_t(rng());
    } else {
      bytes = good;
      for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] = std::uint8_t(rng());
    }
    for (Codec c : {Codec::RadwareSigcompress, Codec::Uleb128ZigzagDiff}) {
      try {
        decode_all(c, bytes, -32768, 200);
      } catch (const CodecError&) {
        ++thrown;
      }
    }
  }
  EXPECT_GT(thrown, 3000u);
}
