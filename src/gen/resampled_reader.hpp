#pragma once
// A waveform file seen on another sampling grid (dsp::resample, Lanczos-3): the CycleGAN's
// target domain when it was recorded at another period than the source, so the target's
// shapes are prepared on the source's grid. Internal to src/gen; no libtorch.
#include <memory>
#include <string>
#include <vector>

#include "wavelearn/dsp/resample.hpp"
#include "wavelearn/io/reader.hpp"

namespace wl::gen {

class ResampledReader final : public io::WaveformReader {
 public:
  // spec maps inner's records (spec.from_*) to the grid this reader shows (spec.to_*);
  // validated here (InputError "cannot resample ..." naming the periods).
  ResampledReader(std::unique_ptr<io::WaveformReader> inner, const dsp::ResampleSpec& spec);

  const std::string& path() const override { return inner_->path(); }
  io::Format format() const override { return inner_->format(); }
  std::size_t n_events() const override { return inner_->n_events(); }
  std::size_t n_samples() const override { return spec_.to_samples; }
  double sample_period_ns() const override { return spec_.to_period_ns; }
  void read_window(std::size_t first_event, std::size_t count, std::size_t sample_begin, std::size_t n,
                   float* out) override;
  std::vector<std::string> scalar_fields() const override { return inner_->scalar_fields(); }
  bool has_field(const std::string& name) const override { return inner_->has_field(name); }
  // The tp0 field comes back in samples of the new grid; every other field unchanged.
  std::vector<double> read_scalar(const std::string& name, std::size_t first = 0,
                                  std::size_t count = io::kAll) override;
  const io::FieldMap& fields() const override { return inner_->fields(); }
  std::size_t chunk_events() const override { return inner_->chunk_events(); }

 private:
  std::unique_ptr<io::WaveformReader> inner_;
  dsp::ResampleSpec spec_;
};

}  // namespace wl::gen
