#pragma once
// JSON form of every metric struct (metrics.json). NaN and infinities become null.
// ROC curves are thinned to at most kMaxRocPointsJson points (first and last kept, even
// spacing in between) so that metrics.json stays small for millions of events.
#include <nlohmann/json.hpp>

#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/confusion.hpp"
#include "wavelearn/eval/histogram.hpp"
#include "wavelearn/eval/interval.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/psd.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/eval/survival.hpp"
#include "wavelearn/eval/truth.hpp"
#include "wavelearn/eval/working_point.hpp"

namespace wl::eval {

inline constexpr std::size_t kMaxRocPointsJson = 1000;

void to_json(nlohmann::json& j, const RocCurve& v);
void to_json(nlohmann::json& j, const AucInterval& v);
void to_json(nlohmann::json& j, const WorkingPoint& v);
void to_json(nlohmann::json& j, const ConfusionMatrix& v);
void to_json(nlohmann::json& j, const MulticlassConfusion& v);
void to_json(nlohmann::json& j, const BinaryEvaluation& v);
void to_json(nlohmann::json& j, const KsResult& v);
void to_json(nlohmann::json& j, const OvertrainingCheck& v);
void to_json(nlohmann::json& j, const Histogram& v);
void to_json(nlohmann::json& j, const FwhmEstimate& v);
void to_json(nlohmann::json& j, const RegressionMetrics& v);
void to_json(nlohmann::json& j, const ResolutionBin& v);
void to_json(nlohmann::json& j, const RegionCutResult& v);
void to_json(nlohmann::json& j, const CutTruthEvaluation& v);

// {"value", "ci95": [lo, hi], "n", "k"}; the "ci95" key holds the interval at
// v.confidence whatever that is (0.95 by default everywhere).
void to_json(nlohmann::json& j, const Proportion& v);
// {"definition", "threshold", "dep_acceptance", "model_dep_acceptance", "matched", "n_dep"}
void to_json(nlohmann::json& j, const DepWorkingPoint& v);
// {"region", "lo_kev", "hi_kev", "survival": Proportion}
void to_json(nlohmann::json& j, const RegionSurvival& v);
// {"lo_kev", "hi_kev", "survival": Proportion}
void to_json(nlohmann::json& j, const SurvivalBin& v);
// The PSD contract documented in psd.hpp.
void to_json(nlohmann::json& j, const PsdEvaluation& v);
nlohmann::json to_json(const PsdEvaluation& v);

// A number, or null when it is not finite.
nlohmann::json finite_or_null(double x);
// [lo, hi] of a proportion, each finite_or_null.
nlohmann::json interval_json(const Proportion& p);

}  // namespace wl::eval
