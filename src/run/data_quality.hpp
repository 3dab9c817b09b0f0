#pragma once
// Internal to src/run: before a network trains on a waveform file, the DSP chain looks at a
// sample of its events. When most carry quality flags (all-zero, saturated, no rising edge),
// a network can only learn noise (AUC 0.5), so the run says so instead of failing silently.
#include <cstddef>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "wavelearn/io/reader.hpp"

namespace wl::run::detail {

struct QualitySurvey {
  std::string file;
  std::size_t n_checked = 0;
  std::size_t n_flagged = 0;                    // events without a usable pulse (flat, saturated, ...)
  std::map<std::string, std::size_t> by_flag;  // events carrying each flag, any flag
};

// The DSP chain over the first `max_events` events of `file`.
QualitySurvey survey_quality(const std::string& file, const io::OpenOptions& open, std::size_t max_events = 2000);

// {"n_checked", "n_flagged", "by_flag"}; with "warning" when most events are flagged.
nlohmann::json quality_json(const QualitySurvey& s);
// The warning ("" when at most half of the checked events carry flags).
std::string quality_warning(const QualitySurvey& s);

}  // namespace wl::run::detail
