#include "data_quality.hpp"

#include "wavelearn/dsp/features.hpp"
#include "wavelearn/dsp/file_chain.hpp"

namespace wl::run::detail {

QualitySurvey survey_quality(const std::string& file, const io::OpenOptions& open, std::size_t max_events) {
  auto reader = io::open_reader(file, open);
  dsp::FileChainOptions o;
  o.quiet = true;
  o.max_events = max_events;
  const auto result = dsp::run_chain_on_file(*reader, o);
  QualitySurvey s;
  s.file = file;
  const auto& quality = result.table.column("quality");
  s.n_checked = quality.size();
  // Flags of a waveform without a usable pulse; too_short, pileup or an unstable baseline
  // concern the DSP's windows or the event, not what a network sees.
  constexpr uint32_t kUnusable = dsp::kNonFinite | dsp::kFlat | dsp::kSaturated | dsp::kNegative | dsp::kNoRise;
  for (const double q : quality) {
    const auto bits = static_cast<uint32_t>(q);
    if (bits & kUnusable) ++s.n_flagged;
    for (const auto& f : dsp::quality_flag_names())
      if (bits & f.flag) ++s.by_flag[f.name];
  }
  return s;
}

std::string quality_warning(const QualitySurvey& s) {
  if (s.n_checked == 0 || 2 * s.n_flagged <= s.n_checked) return "";
  std::string flags;
  for (const auto& [name, n] : s.by_flag) flags += (flags.empty() ? "" : ", ") + name + " " + std::to_string(n);
  return s.file + ": " + std::to_string(s.n_flagged) + " of the first " + std::to_string(s.n_checked) +
         " events carry DSP quality flags of an unusable pulse (flags counted: " + flags +
         "); a model cannot learn from such waveforms (check the file with `wavelearn dsp`)";
}

nlohmann::json quality_json(const QualitySurvey& s) {
  nlohmann::json j = {{"n_checked", s.n_checked}, {"n_flagged", s.n_flagged}, {"by_flag", s.by_flag}};
  const auto w = quality_warning(s);
  if (!w.empty()) j["warning"] = w;
  return j;
}

}  // namespace wl::run::detail
