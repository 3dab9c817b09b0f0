#include "resampled_reader.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/core/error.hpp"

namespace wl::gen {

namespace {
constexpr std::size_t kEventsPerRead = 256;  // records resampled at a time (memory bound)
}

ResampledReader::ResampledReader(std::unique_ptr<io::WaveformReader> inner, const dsp::ResampleSpec& spec)
    : inner_(std::move(inner)), spec_(spec) {
  spec_.validate();
}

void ResampledReader::read_window(std::size_t first_event, std::size_t count, std::size_t sample_begin,
                                  std::size_t n, float* out) {
  if (sample_begin + n > spec_.to_samples)
    throw core::InputError(path() + ": samples [" + std::to_string(sample_begin) + ", " +
                           std::to_string(sample_begin + n) + ") lie outside the resampled record of " +
                           std::to_string(spec_.to_samples) + " samples");
  const std::size_t from = spec_.from_samples;
  std::vector<float> raw, row(spec_.to_samples);
  for (std::size_t done = 0; done < count;) {
    const std::size_t take = std::min(kEventsPerRead, count - done);
    raw.resize(take * from);
    inner_->read_window(first_event + done, take, 0, from, raw.data());
    for (std::size_t k = 0; k < take; ++k) {
      dsp::resample(raw.data() + k * from, spec_, row.data());
      std::copy_n(row.data() + sample_begin, n, out + (done + k) * n);
    }
    done += take;
  }
}

std::vector<double> ResampledReader::read_scalar(const std::string& name, std::size_t first, std::size_t count) {
  auto v = inner_->read_scalar(name, first, count);
  if (name != fields().tp0 || name.empty()) return v;
  for (auto& t : v) t = (t * spec_.from_period_ns - spec_.offset_ns) / spec_.to_period_ns;
  return v;
}

}  // namespace wl::gen
