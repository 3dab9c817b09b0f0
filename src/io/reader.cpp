// Format detection, energy selection and gathering of arbitrary events.
#include "wavelearn/io/reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "reader_base.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"

namespace wl::io {
using wl::core::InputError;

const char* format_name(Format format) {
  switch (format) {
    case Format::Auto: return "auto";
    case Format::Mjd: return "mjd";
    case Format::Lh5: return "lh5";
    case Format::Generic: return "generic";
  }
  return "unknown";
}

Format parse_format(const std::string& name, const std::string& option) {
  for (Format f : {Format::Auto, Format::Mjd, Format::Lh5, Format::Generic})
    if (name == format_name(f)) return f;
  throw core::InputError(option + ": '" + name + "' is not one of auto, mjd, lh5, generic");
}

void WaveformReader::read_sorted_events(const std::size_t* events, std::size_t count, std::size_t sample_begin,
                                        std::size_t n, float* out) {
  std::size_t k = 0;
  while (k < count) {
    std::size_t r = k + 1;
    while (r < count && events[r] == events[r - 1] + 1) ++r;
    read_window(events[k], r - k, sample_begin, n, out + k * n);
    k = r;
  }
}

std::unique_ptr<WaveformReader> open_reader(const std::string& path, const OpenOptions& options) {
  if (core::is_file_list(path)) return open_readers(core::expand_file_list(path, ""), options, path);
  auto lock = h5::lock();
  h5::Handle file = h5::open_file(path);
  const hid_t f = file.get();
  const std::string& wave = options.fields.waveform;
  const bool custom_wave = wave != FieldMap{}.waveform;
  Format format = options.format;
  if (format == Format::Auto) {
    if (custom_wave && h5::link_exists(f, wave)) {
      format = Format::Generic;
    } else if (!detail::find_lh5_channel(f, options.lh5_channel).empty()) {
      format = Format::Lh5;
    } else if (!options.lh5_channel.empty()) {
      throw InputError(path + ": LH5 channel '" + options.lh5_channel + "' has no raw/waveform stream");
    } else if (h5::link_exists(f, wave)) {
      format = custom_wave ? Format::Generic : Format::Mjd;
    } else {
      throw InputError(h5::where(path, wave) + ": not found, and no LH5 /<channel>/raw/waveform group");
    }
  }
  if (format == Format::Lh5) {
    // A channel with the requested stream; else the first channel, so the error lists its streams.
    std::string channel = detail::find_lh5_channel(f, options.lh5_channel, options.lh5_stream);
    if (channel.empty()) channel = detail::find_lh5_channel(f, options.lh5_channel);
    if (channel.empty()) {
      std::string found;
      for (const auto& name : h5::children(f)) found += (found.empty() ? "" : ", ") + name;
      throw InputError(path + ": no LH5 waveform group /" +
                       (options.lh5_channel.empty() ? std::string("<channel>") : options.lh5_channel) +
                       "/raw/waveform (top-level groups: " + (found.empty() ? "none" : found) + ")");
    }
    return detail::open_lh5(path, std::move(file), options, channel);
  }
  return detail::open_flat(path, std::move(file), options, format);
}

void require_named_fields(const WaveformReader& reader, const std::vector<NamedField>& fields) {
  for (const auto& f : fields)
    if (!f.name.empty() && !reader.has_field(f.name))
      throw InputError(reader.path() + ": no per-event dataset '" + f.name + "' (named by " + f.given_by + ")");
}

std::vector<std::size_t> select_by_energy(WaveformReader& reader, double threshold_kev) {
  const std::string& name = reader.fields().energy;
  if (name.empty() || !reader.has_field(name)) {
    throw InputError(reader.path() + ": dataset '" + (name.empty() ? std::string("<energy>") : name) +
                     "': not found, needed for the energy selection");
  }
  std::vector<std::size_t> selected;
  const std::size_t n = reader.n_events();
  const std::size_t block = std::max<std::size_t>(reader.chunk_events(), 65536);
  double max_seen = -INFINITY;
  for (std::size_t first = 0; first < n; first += block) {
    const std::size_t count = std::min(block, n - first);
    const std::vector<double> energy = reader.read_scalar(name, first, count);
    for (std::size_t i = 0; i < count; ++i) {
      // NaN compares false and would drop the event without a word; Inf is no energy either.
      if (!std::isfinite(energy[i]))
        throw InputError(reader.path() + ": dataset '" + name + "' event " + std::to_string(first + i) + " is " +
                         (std::isnan(energy[i]) ? "NaN" : "Inf") + ", so the energy selection cannot place it");
      if (energy[i] > threshold_kev) selected.push_back(first + i);
      if (energy[i] > max_seen) max_seen = energy[i];
    }
  }
  if (selected.empty()) {
    std::ostringstream msg;
    msg << reader.path() << ": dataset '" << name << "': no event above " << threshold_kev << " keV (" << n
        << " events";
    if (n) msg << ", highest " << max_seen << " keV";
    msg << ")";
    throw InputError(msg.str());
  }
  return selected;
}

std::int64_t detector_number(double value, const std::string& path, const std::string& field,
                             std::size_t event) {
  // Detectors are small whole numbers; anything else would wrap or merge detectors silently.
  if (!std::isfinite(value) || value != std::floor(value) || std::fabs(value) > 2147483647.0) {
    throw InputError(path + ": dataset '" + field + "' event " + std::to_string(event) + " is not a detector number");
  }
  return std::llround(value);
}

std::int64_t event_id_number(double value, const std::string& path, const std::string& field, std::size_t event) {
  // Ids match events across files and parts of a split: a NaN or fractional id cannot.
  if (!std::isfinite(value) || value != std::floor(value) || std::fabs(value) > 9007199254740992.0) {
    std::ostringstream v;
    v << value;
    throw InputError(path + ": dataset '" + field + "' event " + std::to_string(event) + " is " + v.str() +
                     ", not a whole-number event id");
  }
  return static_cast<std::int64_t>(value);
}

const float* WaveformReader::view_rows(std::size_t, std::size_t, std::size_t* viewed) {
  *viewed = 0;
  return nullptr;
}

void read_events(WaveformReader& reader, const std::vector<std::size_t>& events,
                 std::size_t sample_begin, std::size_t n, float* out) {
  if (events.empty() || n == 0) return;
  const std::size_t n_events = reader.n_events();
  // (event, position in the output), sorted by event so the file is read front to back.
  std::vector<std::pair<std::size_t, std::size_t>> order(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i] >= n_events) {
      throw InputError(reader.path() + ": event " + std::to_string(events[i]) + " out of range (" +
                       std::to_string(n_events) + " events)");
    }
    order[i] = {events[i], i};
  }
  std::sort(order.begin(), order.end());
  const std::size_t chunk = std::max<std::size_t>(reader.chunk_events(), 1);
  // A dense span holds at most 4x the events it serves, so small gathers (mini-batches)
  // allocate little; large ones one chunk of windows, reused for every block.
  std::vector<float> scratch(std::min(chunk, 4 * events.size()) * n);
  std::vector<std::size_t> rows;
  rows.reserve(chunk);
  std::size_t i = 0;
  while (i < order.size()) {
    // A block: selected events within one chunk-sized span of rows.
    const std::size_t lo = order[i].first;
    std::size_t j = i;
    while (j < order.size() && order[j].first < lo + chunk) ++j;
    const std::size_t hi = order[j - 1].first + 1;
    std::size_t distinct = 0;
    for (std::size_t k = i; k < j; ++k) distinct += (k == i || order[k].first != order[k - 1].first);
    if (distinct * 4 >= hi - lo) {
      // Dense: one read of the whole span, then pick the rows.
      reader.read_window(lo, hi - lo, sample_begin, n, scratch.data());
      for (std::size_t k = i; k < j; ++k) {
        std::memcpy(out + order[k].second * n, scratch.data() + (order[k].first - lo) * n, n * sizeof(float));
      }
    } else {
      // Sparse: the distinct rows in one read, then scattered to their output positions.
      rows.clear();
      for (std::size_t k = i; k < j; ++k) {
        if (rows.empty() || rows.back() != order[k].first) rows.push_back(order[k].first);
      }
      reader.read_sorted_events(rows.data(), rows.size(), sample_begin, n, scratch.data());
      std::size_t row = 0;
      for (std::size_t k = i; k < j; ++k) {
        if (k > i && order[k].first != order[k - 1].first) ++row;
        std::memcpy(out + order[k].second * n, scratch.data() + row * n, n * sizeof(float));
      }
    }
    i = j;
  }
}

}  // namespace wl::io
