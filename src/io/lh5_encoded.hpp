#pragma once
// LEGEND-200 encoded waveforms (private to the io module): an lgdo
// `array_of_encoded_equalsized_arrays` group `<stream>/values` holding
//   encoded_data/flattened_data     (M,) uint8   every event's bytes back to back
//   encoded_data/cumulative_length  (N,)         end offset of each event's bytes
//   decoded_size                    ()           samples per decoded waveform
// with attributes `codec` (radware_sigcompress or uleb128_zigzag_diff) and, for radware,
// `codec_shift`. Events are read batch by batch and decoded into float windows.
#include <cstdint>
#include <string>
#include <vector>

#include "h5.hpp"
#include "wavelearn/io/codecs.hpp"

namespace wl::io::detail {

class EncodedWaveforms {
 public:
  // `values` is the group's path under `base`; `shown` its full path for messages.
  EncodedWaveforms(hid_t base, const std::string& values, const std::string& file, const std::string& shown,
                   std::size_t chunk_events);
  std::size_t n_events() const { return ends_.size(); }
  std::size_t n_samples() const { return n_samples_; }
  codec::Codec codec() const { return codec_; }
  // Decodes events [first, first + count) and copies samples [sample_begin, +n) of each into
  // out (count * n floats). The caller holds the h5 lock and has checked the window.
  void read_window(std::size_t first, std::size_t count, std::size_t sample_begin, std::size_t n, float* out);

 private:
  void read_codec(hid_t values);
  void read_decoded_size(hid_t values);
  void read_offsets(hid_t values);
  std::uint64_t begin_of(std::size_t event) const { return event == 0 ? 0 : ends_[event - 1]; }
  std::string where(const std::string& dataset) const;

  std::string file_, shown_;
  codec::Codec codec_ = codec::Codec::RadwareSigcompress;
  std::int32_t shift_ = 0;
  std::size_t n_samples_ = 0, chunk_events_ = 1;
  h5::Handle bytes_, space_;
  std::uint64_t n_bytes_ = 0;
  std::vector<std::uint64_t> ends_;
  std::vector<std::uint8_t> span_;     // reused: the bytes of one batch
  std::vector<std::int32_t> decoded_;  // reused: one decoded waveform
};

// Whether `values` under loc is an encoded-array group (it has encoded_data).
bool is_encoded_values(hid_t loc, const std::string& values);

}  // namespace wl::io::detail
