// radware_sigcompress decoding (see wavelearn/io/codecs.hpp for the format), written from
// the published algorithm. The data are one MSB-first bit stream of 16-bit big-endian
// words: the decoder keeps a bit position, rounds it up to a word at each block, and takes
// each nb-bit value from the (at most) three bytes it spans. Every block checks first that
// the bits it needs lie inside the data, so the value loop runs without per-word checks.
#include <string>

#include "wavelearn/io/codecs.hpp"

namespace wl::io::codec {
namespace {

constexpr std::uint32_t kMask[17] = {0,   1,   3,    7,    15,   31,   63,    127,  255,
                                     511, 1023, 2047, 4095, 8191, 16383, 32767, 65535};
constexpr unsigned kDifferenceFlag = 32;  // nb >= 32: the block stores differences

class BitStream {
 public:
  BitStream(const std::uint8_t* bytes, std::size_t n_bytes, std::size_t n_out)
      : bytes_(bytes), n_bytes_(n_bytes), limit_(n_bytes / 2 * 2), end_bit_(std::uint64_t(n_bytes / 2) * 16),
        n_out_(n_out) {}
  std::uint64_t end_bit() const { return end_bit_; }

  // The word at word-aligned `pos` (a block header), advancing pos.
  std::uint16_t word(std::uint64_t& pos, std::size_t decoded) const {
    require(pos + 16, decoded);
    const std::size_t b = static_cast<std::size_t>(pos >> 3);
    pos += 16;
    return static_cast<std::uint16_t>((bytes_[b] << 8) | bytes_[b + 1]);
  }
  // Throws unless the stream holds bits [0, end).
  void require(std::uint64_t end, std::size_t decoded) const {
    if (end > end_bit_) {
      throw CodecError("encoded waveform ends after " + std::to_string(n_bytes_) + " bytes with " +
                       std::to_string(decoded) + " of " + std::to_string(n_out_) + " samples decoded (truncated data)");
    }
  }
  // nb bits (<= 16) at bit `pos`; the caller has checked pos + nb <= end_bit().
  std::uint32_t bits(std::uint64_t pos, unsigned nb) const {
    const std::size_t b = static_cast<std::size_t>(pos >> 3);
    std::uint32_t v;
    if (b + 3 <= limit_) {
      v = (std::uint32_t(bytes_[b]) << 16) | (std::uint32_t(bytes_[b + 1]) << 8) | bytes_[b + 2];
    } else {  // the last bytes: what lies past the data is never among the nb bits
      v = std::uint32_t(bytes_[b]) << 16;
      if (b + 1 < limit_) v |= std::uint32_t(bytes_[b + 1]) << 8;
    }
    return (v >> (24 - static_cast<unsigned>(pos & 7) - nb)) & kMask[nb];
  }

 private:
  const std::uint8_t* bytes_;
  std::size_t n_bytes_, limit_;
  std::uint64_t end_bit_;
  std::size_t n_out_;
};

unsigned check_bits(unsigned nb, std::uint64_t pos) {
  if (nb > 16) {
    throw CodecError("encoded block at word " + std::to_string(pos / 16) + " uses " + std::to_string(nb) +
                     " bits per sample (at most 16; corrupt data)");
  }
  return nb;
}

}  // namespace

std::size_t radware_decoded_length(const std::uint8_t* encoded, std::size_t n_bytes) {
  if (n_bytes < 2) {
    throw CodecError("encoded waveform has " + std::to_string(n_bytes) +
                     " bytes, fewer than its 2-byte length header (truncated data)");
  }
  return static_cast<std::size_t>((encoded[0] << 8) | encoded[1]);
}

void decode_radware(const std::uint8_t* encoded, std::size_t n_bytes, std::int32_t shift, std::int32_t* out,
                    std::size_t n_out) {
  const std::size_t declared = radware_decoded_length(encoded, n_bytes);
  if (declared != n_out) {
    throw CodecError("encoded waveform declares " + std::to_string(declared) + " samples, expected " +
                     std::to_string(n_out) + " (decoded_size)");
  }
  const BitStream s(encoded, n_bytes, n_out);
  std::uint64_t pos = 16;  // after the length word
  std::size_t iso = 0;
  while (pos < s.end_bit() && iso < n_out) {
    pos = (pos + 15) / 16 * 16;  // a block starts on a fresh word
    const std::uint64_t header = pos;
    const std::size_t nw = s.word(pos, iso);
    const unsigned flagged = s.word(pos, iso);
    if (flagged < kDifferenceFlag) {  // absolute values above a minimum
      const unsigned nb = check_bits(flagged, header);
      const std::int32_t min = static_cast<std::int16_t>(s.word(pos, iso));
      const std::size_t count = std::min(nw, n_out - iso);
      s.require(pos + std::uint64_t(count) * nb, iso);
      for (std::size_t i = 0; i < count; ++i, pos += nb) {
        out[iso++] = static_cast<std::int32_t>(s.bits(pos, nb)) + min - shift;
      }
    } else {  // differences: the first value, the minimum difference, nw - 1 differences
      const unsigned nb = check_bits(flagged - kDifferenceFlag, header);
      std::int32_t prev = static_cast<std::int16_t>(s.word(pos, iso));
      const std::int32_t min = static_cast<std::int16_t>(s.word(pos, iso));
      out[iso++] = prev - shift;
      const std::size_t count = nw == 0 ? 0 : std::min(nw - 1, n_out - iso);
      s.require(pos + std::uint64_t(count) * nb, iso);
      for (std::size_t i = 0; i < count; ++i, pos += nb) {
        // The encoder took differences of 16-bit values: the sum wraps like them.
        const std::uint32_t sum = static_cast<std::uint32_t>(static_cast<std::int32_t>(s.bits(pos, nb)) + min + prev);
        prev = static_cast<std::int16_t>(sum & 0xFFFFu);
        out[iso++] = prev - shift;
      }
    }
  }
  if (iso != n_out) s.require(s.end_bit() + 1, iso);  // throws: the data ended early
}

}  // namespace wl::io::codec
