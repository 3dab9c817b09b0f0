// describe_lh5_streams: the channel x stream table `wavelearn inspect` prints for LH5 files.
#include "lh5_encoded.hpp"
#include "reader_base.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/io/layout.hpp"

namespace wl::io {

std::vector<Lh5Stream> describe_lh5_streams(const std::string& path) {
  if (core::is_file_list(path)) return describe_lh5_streams(core::expand_file_list(path, "").front());
  auto lock = h5::lock();
  std::vector<Lh5Stream> out;
  std::vector<std::pair<std::string, std::vector<std::string>>> found;
  {
    h5::Handle file = h5::open_file(path);
    for (const auto& channel : h5::children(file.get())) {
      auto streams = detail::lh5_streams(file.get(), channel);
      if (!streams.empty()) found.emplace_back(channel, std::move(streams));
    }
  }
  for (const auto& [channel, streams] : found) {
    for (const auto& stream : streams) {
      Lh5Stream s;
      s.channel = channel;
      s.stream = stream;
      try {
        h5::Handle file = h5::open_file(path);
        const std::string values = "/" + channel + "/raw/" + stream + "/values";
        if (detail::is_encoded_values(file.get(), values)) {
          h5::Handle group(H5Gopen2(file.get(), values.c_str(), H5P_DEFAULT));
          s.codec = h5::read_string_attribute(group.get(), "codec");
        }
        OpenOptions options;
        options.format = Format::Lh5;
        options.lh5_channel = channel;
        options.lh5_stream = stream;
        auto reader = detail::open_lh5(path, std::move(file), options, channel);
        s.n_events = reader->n_events();
        s.n_samples = reader->n_samples();
        s.sample_period_ns = reader->sample_period_ns();
      } catch (const core::InputError& e) {
        s.error = e.what();
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace wl::io
