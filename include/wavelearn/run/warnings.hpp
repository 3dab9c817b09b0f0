#pragma once
// The warnings a page, a card and stderr carry: a model that did not converge, one worse
// than the A/E cut at the working point, an input derived from the label's own cut (a
// circular model), and an energy fit that failed or disagrees with the direct reading.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wavelearn/run/metrics.hpp"
#include "wavelearn/run/record.hpp"

namespace wl::run {

// Every warning where the model is worse than the A/E cut (the label's own cut, at the
// same DEP acceptance) starts with this, so pages can summarise them.
inline constexpr const char* kWorseThanAePrefix = "worse than the A/E cut: ";

// The inputs of `features` that the traditional cut behind `label` is computed from (e.g.
// avse_raw for psd_label_low_avse): a model fed them can reproduce the cut without learning
// anything about the pulse shape.
std::vector<std::string> derived_from_label(const std::string& label, const std::vector<std::string>& features);

// training: metrics.json's "training" block ({"converged": bool, "convergence": reason}).
std::vector<std::string> collect_warnings(const RunRecord& r, const nlohmann::json& training,
                                          const std::vector<std::string>& features, const EvaluationResults& res);

}  // namespace wl::run
