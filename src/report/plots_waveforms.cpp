// Example waveforms per class, on a time axis from the file's sampling period.
#include <algorithm>
#include <map>

#include "plot_util.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/report/figure.hpp"
#include "wavelearn/report/plots.hpp"

namespace wl::report {

Paths plot_waveforms(const std::vector<WaveformExample>& examples,
                     const std::filesystem::path& stem) {
  if (examples.empty()) throw wl::core::InputError("plot_waveforms: no examples");
  Figure f;
  f.title = "Example waveforms per class (min-max normalised)";
  f.x_label = "time (µs)";
  f.y_label = "normalised amplitude";
  std::map<std::string, int> color_of;
  for (const auto& w : examples) {
    if (w.samples.empty()) continue;
    if (!(w.sample_period_ns > 0))
      throw wl::core::InputError("plot_waveforms: sample period must be > 0 ns");
    const auto [it, fresh] = color_of.emplace(w.class_name, static_cast<int>(color_of.size()) + 1);
    const auto [mn, mx] = std::minmax_element(w.samples.begin(), w.samples.end());
    const double span = *mx > *mn ? *mx - *mn : 1.0;
    // One legend entry per class, not per waveform.
    Series s = detail::line_series(fresh ? w.class_name : "", {}, {}, it->second, false, 1.2);
    for (std::size_t i = 0; i < w.samples.size(); ++i) {
      s.x.push_back(i * w.sample_period_ns * 1e-3);
      s.y.push_back((w.samples[i] - *mn) / span);
    }
    f.series.push_back(std::move(s));
  }
  return render_figure(f, stem);
}

}  // namespace wl::report
