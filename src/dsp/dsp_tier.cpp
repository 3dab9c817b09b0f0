// LH5 dsp tier tables and the dspeed naming (docs/dsp.md).
#include "wavelearn/dsp/dsp_tier.hpp"

#include <algorithm>
#include <cmath>

#include "wavelearn/core/error.hpp"
#include "wavelearn/core/parallel.hpp"
#include "wavelearn/dsp/features.hpp"

namespace wl::dsp {

Naming parse_naming(const std::string& name) {
  if (name == "wavelearn") return Naming::Wavelearn;
  if (name == "dspeed") return Naming::Dspeed;
  throw core::InputError("--naming: unknown naming '" + name + "' (expected wavelearn or dspeed)");
}

const std::vector<std::pair<std::string, std::string>>& dspeed_renamed_columns() {
  static const std::vector<std::pair<std::string, std::string>> renamed = {
      {"baseline_mean_adc", "bl_mean"},       {"baseline_std_adc", "bl_std"},
      {"baseline_slope_adc_per_ns", "bl_slope"}, {"energy_trap_max_adc", "trapEmax"},
      {"current_amp_adc_per_ns", "A_max"},    {"tp0_ns", "tp_0_est"},
      {"tp01_ns", "tp_01"},                   {"tp10_ns", "tp_10"},
      {"tp50_ns", "tp_50"},                   {"tp90_ns", "tp_90"},
      {"drift_time_ns", "dt_eff"},            {"lq_raw", "lq80"},
  };
  return renamed;
}

std::vector<dspeed::DspeedParams> dspeed_pass(io::WaveformReader& reader, const FileChainResult& chain,
                                              const dspeed::DspeedConfig& config, int threads) {
  const std::size_t n_events = chain.n_events, n = reader.n_samples();
  std::vector<double> baseline(n_events, 0.0);
  if (reader.has_field("baseline")) baseline = reader.read_scalar("baseline", 0, n_events);
  const std::string& det_field = reader.fields().detector;
  const std::string det_name = chain.table.has(det_field) ? det_field : "detector";
  const auto& det = chain.table.column(det_name);
  std::vector<dspeed::DspeedParams> out(n_events);
  const int t = core::resolve_threads(threads);
  std::vector<dspeed::DspeedScratch> scratch(static_cast<std::size_t>(t));
  const std::size_t chunk = std::max<std::size_t>(1, reader.chunk_events());
  std::vector<float> wf;
  for (std::size_t first = 0; first < n_events; first += chunk) {
    const std::size_t count = std::min(chunk, n_events - first);
    wf.resize(count * n);
    reader.read_window(first, count, 0, n, wf.data());
    core::parallel_for(count, t, [&](std::size_t b, std::size_t e, int th) {
      for (std::size_t i = b; i < e; ++i) {
        const auto d = static_cast<long long>(std::llround(det[first + i]));
        const auto it = chain.tau_ns.find(d);
        const double tau = it == chain.tau_ns.end() ? 0.0 : it->second;
        out[first + i] = dspeed::compute_dspeed_params(wf.data() + i * n, n, reader.sample_period_ns(),
                                                       baseline[first + i], tau, config,
                                                       scratch[static_cast<std::size_t>(th)]);
      }
    });
  }
  return out;
}

io::Lh5Table dsp_tier_table(const std::string& group, const FileChainResult& chain,
                            const std::vector<dspeed::DspeedParams>& params) {
  io::Lh5Table t;
  t.path = group;
  const auto& schema = feature_schema();
  auto is_feature = [&](const std::string& name) {
    return std::any_of(schema.begin(), schema.end(), [&](const FeatureColumn& c) { return name == c.name; });
  };
  const auto& renamed = dspeed_renamed_columns();
  auto is_renamed = [&](const std::string& name) {
    return std::any_of(renamed.begin(), renamed.end(), [&](const auto& r) { return r.first == name; });
  };
  for (std::size_t i = 0; i < chain.table.names.size(); ++i) {
    if (!is_feature(chain.table.names[i])) t.columns.push_back({chain.table.names[i], chain.table.columns[i], ""});
  }
  const bool dspeed_names = !params.empty();
  if (dspeed_names) {
    for (const auto& col : dspeed::dspeed_columns()) {
      std::vector<double> v(params.size());
      for (std::size_t i = 0; i < params.size(); ++i) v[i] = params[i].*(col.field);
      t.columns.push_back({col.name, std::move(v), col.units});
    }
  }
  for (const FeatureColumn& c : schema) {
    if (dspeed_names && is_renamed(c.name)) continue;
    const std::string unit = c.unit;
    t.columns.push_back({c.name, chain.table.column(c.name), unit == "1" ? "" : unit});
  }
  t.attributes = chain.table.attributes;
  t.attributes.erase("feature_units");
  t.attributes["naming"] = dspeed_names ? "dspeed" : "wavelearn";
  return t;
}

io::Table flat_table(const io::Lh5Table& table) {
  io::Table out;
  std::string units = "{";
  for (const auto& c : table.columns) {
    out.add(c.name, c.values);
    units += (units.size() > 1 ? ", \"" : "\"") + c.name + "\": \"" + (c.units.empty() ? "1" : c.units) + "\"";
  }
  out.attributes = table.attributes;
  out.attributes["feature_units"] = units + "}";
  return out;
}

}  // namespace wl::dsp
