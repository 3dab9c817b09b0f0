// Per-trial draws: a counter-based generator (splitmix64 of seed, trial and the parameter's
// name), so a trial's values never depend on how many trials ran before it, and adding a
// parameter to the space leaves the other parameters' draws unchanged.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/tune/space.hpp"

namespace wl::tune {

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Six significant digits: readable in trials.csv and best.toml, and the value trained is
// exactly the value written. Kept inside [low, high] when rounding crossed a bound.
std::string number_text(double v, double low, double high) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  const double back = std::strtod(buf, nullptr);
  if (back < low || back > high) std::snprintf(buf, sizeof buf, "%.17g", back < low ? low : high);
  std::string s = buf;
  // A TOML float needs a '.' or an exponent: "1" would be read as an integer.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

bool is_number_text(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  return end && *end == '\0';
}

}  // namespace

double unit_draw(uint64_t seed, int trial, const std::string& name) {
  const uint64_t x = splitmix64(splitmix64(splitmix64(seed) ^ static_cast<uint64_t>(trial)) ^ fnv1a(name));
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

Draw draw_parameter(const Parameter& p, uint64_t seed, int trial) {
  const double u = unit_draw(seed, trial, p.name);
  Draw d;
  d.name = p.name;
  d.keys = p.keys;
  switch (p.distribution) {
    case Distribution::kUniform: {
      const auto t = number_text(p.low + u * (p.high - p.low), p.low, p.high);
      d.values = {t};
      d.number = std::strtod(t.c_str(), nullptr);
      break;
    }
    case Distribution::kLogUniform: {
      const double v = std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)));
      const auto t = number_text(v, p.low, p.high);
      d.values = {t};
      d.number = std::strtod(t.c_str(), nullptr);
      break;
    }
    case Distribution::kIntUniform: {
      const auto span = static_cast<long long>(p.high - p.low) + 1;
      const auto v = static_cast<long long>(p.low) + std::min(span - 1, static_cast<long long>(u * double(span)));
      d.values = {std::to_string(v)};
      d.number = double(v);
      break;
    }
    case Distribution::kChoice: {
      const auto n = p.choices.size();
      d.choice = static_cast<int>(std::min(n - 1, static_cast<std::size_t>(u * double(n))));
      d.values = p.choices[static_cast<std::size_t>(d.choice)];
      d.number = p.keys.size() == 1 && is_number_text(d.values[0]) ? std::strtod(d.values[0].c_str(), nullptr)
                                                                   : double(d.choice);
      break;
    }
  }
  for (std::size_t i = 0; i < d.values.size(); ++i) d.text += (i ? " " : "") + d.values[i];
  return d;
}

std::vector<Draw> draw_trial(const Space& space, uint64_t seed, int trial) {
  std::vector<Draw> draws;
  for (const auto& p : space.parameters) draws.push_back(draw_parameter(p, seed, trial));
  return draws;
}

namespace {

std::string without_spaces(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

// The option of a choice whose texts equal `values` (spaces aside), or -1.
int matching_choice(const Parameter& p, const std::vector<std::string>& values) {
  for (std::size_t c = 0; c < p.choices.size(); ++c) {
    bool same = p.choices[c].size() == values.size();
    for (std::size_t k = 0; same && k < values.size(); ++k)
      same = without_spaces(p.choices[c][k]) == without_spaces(values[k]);
    if (same) return static_cast<int>(c);
  }
  return -1;
}

Draw base_parameter(const Parameter& p, const core::Config& base) {
  Draw d;
  d.name = p.name;
  d.keys = p.keys;
  bool all_set = true;
  for (const auto& key : p.keys) {
    all_set = all_set && base.has(key);
    d.values.push_back(base.has(key) ? base.value_text(key) : "");
  }
  if (!p.repeat_for.empty() && all_set) {
    // A repeated parameter holds one value per layer: the base's first one stands for all.
    auto first = d.values[0];
    first.erase(0, first.find_first_not_of("[ "));
    d.values[0] = first.substr(0, first.find_first_of(",]"));
  }
  if (p.distribution == Distribution::kChoice) {
    d.choice = all_set ? matching_choice(p, d.values) : -1;
    if (d.choice >= 0) d.values = p.choices[static_cast<std::size_t>(d.choice)];  // the space's spelling
    d.number = p.keys.size() == 1 && all_set && is_number_text(d.values[0]) ? std::strtod(d.values[0].c_str(), nullptr)
                                                                           : double(d.choice);
  } else {
    d.number = all_set ? std::strtod(d.values[0].c_str(), nullptr) : std::nan("");
  }
  for (std::size_t i = 0; i < d.values.size(); ++i)
    d.text += (i ? " " : "") + (d.values[i].empty() ? std::string("default") : d.values[i]);
  return d;
}

}  // namespace

std::vector<Draw> base_draws(const Space& space, const core::Config& base) {
  std::vector<Draw> draws;
  for (const auto& p : space.parameters) draws.push_back(base_parameter(p, base));
  return draws;
}

std::vector<std::string> trial_assignments(const std::vector<Draw>& draws, const Space& space,
                                           const core::Config& base) {
  std::vector<std::string> out;
  core::Config probe = base;
  for (std::size_t i = 0; i < draws.size(); ++i) {
    if (!space.parameters[i].repeat_for.empty()) continue;
    for (std::size_t k = 0; k < draws[i].keys.size(); ++k) {
      out.push_back(draws[i].keys[k] + "=" + draws[i].values[k]);
      probe.set(out.back());
    }
  }
  for (std::size_t i = 0; i < draws.size(); ++i) {
    const auto& of = space.parameters[i].repeat_for;
    if (of.empty()) continue;
    if (!probe.has(of))
      throw core::InputError("search space " + space.source + ": [space.\"" + draws[i].name + "\"] repeat_for = \"" +
                             of + "\", but the configuration has no '" + of + "'");
    const auto n = probe.get<std::vector<double>>(of).size();
    std::string list = "[";
    for (std::size_t k = 0; k < n; ++k) list += (k ? ", " : "") + draws[i].values[0];
    out.push_back(draws[i].keys[0] + "=" + list + "]");
  }
  return out;
}

}  // namespace wl::tune
