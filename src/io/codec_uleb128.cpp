// uleb128_zigzag_diff decoding (see wavelearn/io/codecs.hpp for the format), plus the codec
// names shared by both decoders.
#include <string>

#include "wavelearn/io/codecs.hpp"

namespace wl::io::codec {

Codec parse_codec(const std::string& name) {
  if (name == "radware_sigcompress") return Codec::RadwareSigcompress;
  if (name == "uleb128_zigzag_diff") return Codec::Uleb128ZigzagDiff;
  throw CodecError("unknown codec '" + name + "' (known: radware_sigcompress, uleb128_zigzag_diff)");
}

const char* codec_name(Codec codec) {
  return codec == Codec::RadwareSigcompress ? "radware_sigcompress" : "uleb128_zigzag_diff";
}

void decode_uleb128_zigzag_diff(const std::uint8_t* encoded, std::size_t n_bytes, std::int32_t* out,
                                std::size_t n_out) {
  std::size_t pos = 0, i = 0;
  std::uint32_t last = 0;  // unsigned: the running sum wraps like the encoder's int32 differences
  while (pos < n_bytes) {
    if (i == n_out) {
      throw CodecError("encoded waveform holds more than " + std::to_string(n_out) +
                       " samples (decoded_size; extra data at byte " + std::to_string(pos) + ")");
    }
    const std::size_t start = pos;
    std::uint32_t x = encoded[pos++];
    if (x & 0x80u) {  // multi-byte varint: 7 bits per byte, least significant first
      x &= 0x7Fu;
      unsigned shift = 7;
      while (true) {
        if (pos >= n_bytes) {
          throw CodecError("encoded waveform ends inside the varint at byte " + std::to_string(start) +
                           " after " + std::to_string(i) + " samples (truncated data)");
        }
        const std::uint32_t b = encoded[pos++];
        if (shift == 28 && (b & 0xF0u)) {
          throw CodecError("varint at byte " + std::to_string(start) + " exceeds 32 bits (corrupt data)");
        }
        x |= (b & 0x7Fu) << shift;
        if (!(b & 0x80u)) break;
        shift += 7;
      }
    }
    last += (x >> 1) ^ (0u - (x & 1u));  // zigzag -> signed difference
    out[i++] = static_cast<std::int32_t>(last);
  }
  if (i != n_out) {
    throw CodecError("encoded waveform holds " + std::to_string(i) + " samples, expected " + std::to_string(n_out) +
                     " (decoded_size; truncated data?)");
  }
}

}  // namespace wl::io::codec
