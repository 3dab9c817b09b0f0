#pragma once
// JSON form of every metric struct (metrics.json). NaN and infinities become null.
// ROC curves are thinned to at most kMaxRocPointsJson points (first and last kept, even
// spacing in between) so that metrics.json stays small for millions of events.
#include <nlohmann/json.hpp>

#include "wavelearn/eval/binary.hpp"
#include "wavelearn/eval/confusion.hpp"
#include "wavelearn/eval/histogram.hpp"
#include "wavelearn/eval/overtraining.hpp"
#include "wavelearn/eval/regression.hpp"
#include "wavelearn/eval/roc.hpp"
#include "wavelearn/eval/truth.hpp"

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

// A number, or null when it is not finite.
nlohmann::json finite_or_null(double x);

}  // namespace wl::eval
