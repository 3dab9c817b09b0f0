#pragma once
// LEGEND-200 encoded-waveform test inputs: the real raw file shipped in tests/io/data, broken
// copies of it, synthetic files written with the test encoders below, and the encoders
// themselves (written from the codec descriptions in wavelearn/io/codecs.hpp, so the
// decoders are checked against an independent writer).
#include <cstdint>
#include <string>
#include <vector>

namespace wl::test {

// tests/io/data/l200-p14-r004-cal-raw.lh5 (see tests/io/data/README.md).
std::string l200_file();

// radware_sigcompress: blocks of up to 64 samples, each stored as absolute values or as
// differences, whichever needs fewer bits; samples + shift must fit in int16.
std::vector<std::uint8_t> encode_radware(const std::vector<std::int32_t>& samples, std::int32_t shift);
std::vector<std::uint8_t> encode_uleb128_zigzag_diff(const std::vector<std::int32_t>& samples);

// The sample the synthetic encoded files hold at (event, sample): a pulse on a baseline
// (its height repeating every 64 events), within uint16 (shifted by -32768 for radware),
// with full-scale swings in every third event.
std::int32_t encoded_sample(std::size_t event, std::size_t sample);

// /<channel>/raw/{waveform_windowed (radware, shift -32768, dt 16 ns, n_samples),
// waveform_presummed (uleb128, dt 64 ns, n_samples / 4 summed by 4)} + daqenergy, in lgdo's
// layout, uncompressed. With `not_increasing`, event 1's offset is below event 0's.
void write_lh5_encoded(const std::string& path, const std::string& channel, std::size_t n_events,
                       std::size_t n_samples, bool not_increasing = false);

// Fixture kinds: l200 (a copy of the real file), l200-unknown-codec, l200-truncated (event
// 0 of ch1105600's windowed stream cut to 600 of its 1244 bytes), l200-decoded-size (1399
// instead of 1400), l200-offsets (cumulative_length beyond the encoded bytes),
// lh5-encoded (synthetic, 12 events x 200 samples), lh5-encoded-not-increasing.
// False if `kind` is none of them.
bool write_l200_fixture(const std::string& kind, const std::string& path);

}  // namespace wl::test
