// The response fit as JSON: what `translate --fit-response` records next to its output.
#include <cmath>

#include <nlohmann/json.hpp>

#include "wavelearn/sim/response_fit.hpp"

namespace wl::sim {

namespace {

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json channel_json(const ChannelResponse& c) {
  return {{"tau_source_ns", number(c.tau_source_ns)},
          {"tau_target_ns", number(c.tau_target_ns)},
          {"gain_ratio", number(c.gain_ratio)},
          {"pedestal_shift_adc", number(c.pedestal_shift_adc)}};
}

}  // namespace

std::string response_fit_json(const ResponseFit& fit) {
  nlohmann::json j;
  nlohmann::json stage = nlohmann::json::object();
  for (const auto& [key, value] : response_attributes(fit.fitted.stage)) stage[key] = value;
  j["response"] = stage;
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& [d, c] : fit.fitted.channels) {
    auto cj = channel_json(c);
    cj["detector"] = d;
    channels.push_back(cj);
  }
  j["channels"] = channels;
  j["other_detectors"] = channel_json(fit.fitted.other);
  j["baseline_samples"] = fit.fitted.baseline_samples;
  j["noise_segment_samples"] = fit.noise_segment_samples;
  j["rise_objective"] =
      "sum over rise_time_ns, avse_raw, drift_time_ns of W1(source after the response, target) / IQR(target)";
  nlohmann::json orders = nlohmann::json::array();
  for (const auto& o : fit.orders)
    orders.push_back({{"rise_order", o.order},
                      {"rise_time_ns", number(o.rise_time_ns)},
                      {"objective", number(o.objective)},
                      {"w1_rise_time_ns", number(o.w1_rise_time_ns)},
                      {"w1_avse", number(o.w1_avse)},
                      {"w1_drift_time_ns", number(o.w1_drift_time_ns)},
                      {"evaluations", o.evaluations}});
  j["rise_search"] = orders;
  nlohmann::json dist = nlohmann::json::array();
  for (const auto& d : fit.distances)
    dist.push_back({{"feature", d.feature},
                    {"unit", d.unit},
                    {"w1_before", number(d.before)},
                    {"w1_after", number(d.after)},
                    {"reduction", number(d.after > 0 ? d.before / d.after : NAN)}});
  j["w1_fit_sample"] = dist;
  j["notes"] = fit.notes;
  j["fit_seconds"] = fit.seconds;
  return j.dump(2) + "\n";
}

}  // namespace wl::sim
