#pragma once
// Waveform codecs of LEGEND-200 raw files (lgdo `array_of_encoded_equalsized_arrays`):
// each event's waveform is a byte string in `values/encoded_data` (a vector of vectors of
// uint8), decoded here into integer samples. Pure functions, no HDF5, no libtorch.
//
// radware_sigcompress (D. Radford's sigcompress v1.0 as LEGEND stores it): big-endian
// 16-bit words. Word 0 is the decoded length. Then blocks of `nw` samples, each a header
// (nw, nb) and either
//   nb < 32:  absolute values: min (int16), then nw values of nb bits: sample = bits + min;
//   nb >= 32: differences with nb - 32 bits: first sample (int16), min (int16), then nw - 1
//             values: sample[i] = int16(sample[i-1] + bits + min) (16-bit wrap-around);
// the bits are packed MSB first across words, and a block that ends inside a word skips the
// rest of it. The encoder added `shift` (codec_shift, e.g. -32768 to fit uint16 ADC values
// into int16) before encoding; it is subtracted from every decoded sample.
//
// uleb128_zigzag_diff: per sample the difference to the previous one (the first to 0),
// zigzag-mapped to unsigned ((d << 1) ^ (d >> 31)) and written as an unsigned LEB128
// varint (7 bits per byte, least significant group first, high bit = more bytes follow).
//
// Both decoders read nothing outside `encoded` and write nothing outside `out`: corrupt or
// truncated input throws CodecError saying what is wrong (the reader adds file, dataset and
// event).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace wl::io::codec {

enum class Codec { RadwareSigcompress, Uleb128ZigzagDiff };

// "radware_sigcompress" / "uleb128_zigzag_diff" (lgdo's `codec` attribute values); throws
// CodecError naming the value for anything else.
Codec parse_codec(const std::string& name);
const char* codec_name(Codec codec);

struct CodecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Decodes one waveform of exactly `n_out` samples into out. Throws CodecError if the data
// encode a different number of samples or end early.
void decode_radware(const std::uint8_t* encoded, std::size_t n_bytes, std::int32_t shift,
                    std::int32_t* out, std::size_t n_out);
void decode_uleb128_zigzag_diff(const std::uint8_t* encoded, std::size_t n_bytes, std::int32_t* out,
                                std::size_t n_out);
inline void decode(Codec codec, const std::uint8_t* encoded, std::size_t n_bytes, std::int32_t shift,
                   std::int32_t* out, std::size_t n_out) {
  if (codec == Codec::RadwareSigcompress) {
    decode_radware(encoded, n_bytes, shift, out, n_out);
  } else {
    decode_uleb128_zigzag_diff(encoded, n_bytes, out, n_out);
  }
}

// The number of samples a radware_sigcompress waveform declares (its first word); throws
// CodecError when there are fewer than 2 bytes.
std::size_t radware_decoded_length(const std::uint8_t* encoded, std::size_t n_bytes);

}  // namespace wl::io::codec
