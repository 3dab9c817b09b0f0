// ChainConfig from TOML (unknown keys are errors) and its conversion to samples.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include "wavelearn/core/error.hpp"
#include "wavelearn/dsp/chain.hpp"
#include "wavelearn/dsp/chain_config_toml.hpp"

namespace wl::dsp {

namespace {

using core::InputError;

struct DoubleKey {
  const char* name;
  double ChainConfig::*member;
  bool positive;  // must be > 0 (else >= 0)
};

// Every scalar option; the table drives parsing, validation and the JSON dump alike.
const DoubleKey kDoubleKeys[] = {
    {"baseline_start_ns", &ChainConfig::baseline_start_ns, false},
    {"baseline_probe_ns", &ChainConfig::baseline_probe_ns, true},
    {"baseline_margin_ns", &ChainConfig::baseline_margin_ns, false},
    {"baseline_unstable_nsigma", &ChainConfig::baseline_unstable_nsigma, true},
    {"tp0_smoothing_ns", &ChainConfig::tp0_smoothing_ns, false},
    {"tp0_nsigma", &ChainConfig::tp0_nsigma, false},
    {"tp0_walkback_ns", &ChainConfig::tp0_walkback_ns, false},
    {"flat_nsigma", &ChainConfig::flat_nsigma, false},
    {"max_rise_ns", &ChainConfig::max_rise_ns, true},
    {"tau_ns", &ChainConfig::tau_ns, false},
    {"tau2_ns", &ChainConfig::tau2_ns, false},
    {"tau2_fraction", &ChainConfig::tau2_fraction, false},
    {"trap_rise_ns", &ChainConfig::trap_rise_ns, true},
    {"trap_flat_ns", &ChainConfig::trap_flat_ns, false},
    {"trap_pickoff_ns", &ChainConfig::trap_pickoff_ns, false},
    {"current_window_ns", &ChainConfig::current_window_ns, true},
    {"current_peak_fraction", &ChainConfig::current_peak_fraction, true},
    {"current_peak_prominence", &ChainConfig::current_peak_prominence, true},
    {"current_peak_nsigma", &ChainConfig::current_peak_nsigma, false},
    {"dcr_start_ns", &ChainConfig::dcr_start_ns, false},
    {"dcr_width_ns", &ChainConfig::dcr_width_ns, true},
    {"dcr_gap_ns", &ChainConfig::dcr_gap_ns, true},
    {"lq_fraction", &ChainConfig::lq_fraction, true},
    {"lq_window_ns", &ChainConfig::lq_window_ns, true},
    {"lq_ref_width_ns", &ChainConfig::lq_ref_width_ns, true},
    {"tail_start_ns", &ChainConfig::tail_start_ns, false},
    {"tail_end_ns", &ChainConfig::tail_end_ns, true},
    {"pileup_nsigma", &ChainConfig::pileup_nsigma, false},
    {"pileup_fraction", &ChainConfig::pileup_fraction, false},
    {"adc_max", &ChainConfig::adc_max, false},
    {"saturation_plateau_ns", &ChainConfig::saturation_plateau_ns, true},
};

struct IntKey {
  const char* name;
  int ChainConfig::*member;
  int min;
};
const IntKey kIntKeys[] = {
    {"current_passes", &ChainConfig::current_passes, 0},
    {"tail_blocks", &ChainConfig::tail_blocks, 2},
    {"tau_sample_events", &ChainConfig::tau_sample_events, 1},
};

void check_ranges(const ChainConfig& c, const std::string& source) {
  for (const auto& k : kDoubleKeys) {
    const double v = c.*(k.member);
    if (!std::isfinite(v) || (k.positive ? v <= 0 : v < 0))
      throw InputError(source + ": key '" + k.name + "' must be " + (k.positive ? "> 0" : ">= 0"));
  }
  for (const auto& k : kIntKeys) {
    if (c.*(k.member) < k.min)
      throw InputError(source + ": key '" + k.name + "' must be >= " + std::to_string(k.min));
  }
  if (c.lq_fraction >= 1 || c.current_peak_fraction >= 1 || c.tau2_fraction >= 1)
    throw InputError(source + ": fractions (lq_fraction, current_peak_fraction, tau2_fraction) must be < 1");
  for (const auto& [det, tau] : c.tau_ns_by_detector) {
    if (!(tau > 0) || !std::isfinite(tau))
      throw InputError(source + ": key 'tau_ns_by_detector." + std::to_string(det) + "' must be > 0");
  }
}

double number_of(const toml::node& node, const std::string& source, const std::string& key) {
  if (auto v = node.value<double>()) return *v;  // integers convert too
  throw InputError(source + ": key '" + key + "' must be a number");
}

void apply_table(ChainConfig& c, const toml::table& table, const std::string& source, const std::string& prefix) {
  for (const auto& [key_view, node] : table) {
    const std::string key(key_view.str());
    const std::string full = prefix + key;
    bool known = false;
    for (const auto& k : kDoubleKeys) {
      if (key == k.name) {
        c.*(k.member) = number_of(node, source, full);
        known = true;
      }
    }
    for (const auto& k : kIntKeys) {
      if (key == k.name) {
        auto v = node.value<int64_t>();
        if (!v || !node.is_integer()) throw InputError(source + ": key '" + full + "' must be an integer");
        c.*(k.member) = static_cast<int>(*v);
        known = true;
      }
    }
    if (key == "tau_ns_by_detector") {
      const auto* sub = node.as_table();
      if (!sub) throw InputError(source + ": key '" + full + "' must be a table of detector = tau_ns");
      for (const auto& [det_view, tau_node] : *sub) {
        const std::string det(det_view.str());
        char* end = nullptr;
        const long long id = std::strtoll(det.c_str(), &end, 10);
        if (det.empty() || *end != '\0')
          throw InputError(source + ": key '" + full + "." + det + "' is not a detector number");
        c.tau_ns_by_detector[id] = number_of(tau_node, source, full + "." + det);
      }
      known = true;
    }
    if (!known) throw InputError(source + ": unknown key '" + full + "'");
  }
  check_ranges(c, source);
}

toml::table parse_text(const std::string& toml_text, const std::string& source) {
  try {
    return toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ": " << e.description();
    throw InputError(msg.str());
  }
}

}  // namespace

double ChainConfig::tau_for(long long detector) const {
  auto it = tau_ns_by_detector.find(detector);
  return it != tau_ns_by_detector.end() ? it->second : tau_ns;
}

void apply_chain_config(ChainConfig& config, const toml::table& dsp_table, const std::string& source) {
  apply_table(config, dsp_table, source, "dsp.");
}

ChainConfig parse_chain_config(const std::string& toml_text, const std::string& source) {
  const toml::table doc = parse_text(toml_text, source);
  ChainConfig c;
  if (const auto* node = doc.get("dsp")) {
    const auto* dsp = node->as_table();
    if (!dsp) throw InputError(source + ": key 'dsp' must be a table");
    for (const auto& [key, _] : doc) {
      if (key.str() != "dsp") throw InputError(source + ": unknown key '" + std::string(key.str()) + "'");
    }
    apply_table(c, *dsp, source, "dsp.");
  } else {
    apply_table(c, doc, source, "");
  }
  return c;
}

void apply_chain_overrides(ChainConfig& config, const std::vector<std::string>& key_values) {
  for (const auto& kv : key_values) {
    const auto eq = kv.find('=');
    const std::string where = "--set '" + kv + "'";
    if (eq == std::string::npos || eq == 0) throw InputError(where + ": expected KEY=VALUE");
    std::string key = kv.substr(0, eq);
    if (key.rfind("dsp.", 0) == 0) key = key.substr(4);
    // Parsed as TOML so values mean what they mean in a config file (dotted keys reach
    // tau_ns_by_detector.632).
    const toml::table doc = parse_text(key + " = " + kv.substr(eq + 1), where);
    apply_table(config, doc, where, "dsp.");
  }
}

ChainConfig load_chain_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open DSP config");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_chain_config(ss.str(), path);
}

std::string chain_config_json(const ChainConfig& c) {
  nlohmann::json j;
  for (const auto& k : kDoubleKeys) j[k.name] = c.*(k.member);
  for (const auto& k : kIntKeys) j[k.name] = c.*(k.member);
  nlohmann::json taus = nlohmann::json::object();
  for (const auto& [det, tau] : c.tau_ns_by_detector) taus[std::to_string(det)] = tau;
  j["tau_ns_by_detector"] = taus;
  return j.dump();
}

ChainSamples to_samples(const ChainConfig& c, double dt) {
  if (!(dt > 0) || !std::isfinite(dt))
    throw InputError("sampling period " + std::to_string(dt) + " ns is not positive");
  auto n = [dt](double ns) { return static_cast<std::size_t>(std::llround(ns / dt)); };
  auto n1 = [&](double ns) { return std::max<std::size_t>(1, n(ns)); };
  ChainSamples s;
  s.dt_ns = dt;
  s.baseline_start = n(c.baseline_start_ns);
  s.baseline_probe = std::max<std::size_t>(4, n(c.baseline_probe_ns));
  s.baseline_margin = n(c.baseline_margin_ns);
  s.tp0_window = n1(c.tp0_smoothing_ns);
  s.tp0_walkback = n(c.tp0_walkback_ns);
  s.max_rise = n1(c.max_rise_ns);
  s.trap_rise = n1(c.trap_rise_ns);
  s.trap_flat = n(c.trap_flat_ns);
  s.trap_pickoff = n(c.trap_pickoff_ns);
  s.current_window = n1(c.current_window_ns);
  s.dcr_start = n(c.dcr_start_ns);
  s.dcr_width = n1(c.dcr_width_ns);
  s.dcr_gap = n1(c.dcr_gap_ns);
  s.lq_window = n1(c.lq_window_ns);
  s.lq_ref_width = n1(c.lq_ref_width_ns);
  s.tail_start = n(c.tail_start_ns);
  s.tail_end = n1(c.tail_end_ns);
  // Short runs of equal samples at the top happen by chance on integer data with little
  // noise; clipping lasts much longer. Ask for at least 4.
  s.saturation_plateau = std::max<std::size_t>(4, n(c.saturation_plateau_ns));
  return s;
}

}  // namespace wl::dsp
