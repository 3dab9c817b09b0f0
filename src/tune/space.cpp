// The search space file: [space."key"] entries with one distribution each, an optional
// [tune] table with the halving schedule, and the per-trial draws.
#include "wavelearn/tune/space.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::tune {

using core::InputError;

const char* to_string(Distribution d) {
  switch (d) {
    case Distribution::kUniform: return "uniform";
    case Distribution::kLogUniform: return "log_uniform";
    case Distribution::kIntUniform: return "int_uniform";
    case Distribution::kChoice: return "choice";
  }
  return "?";
}

namespace {

// TOML text of an option. Floats in their shortest round-trip form (0.05, not toml++'s
// 0.050000000000000003), still spelled as floats, so trials.csv and the overrides read as
// the space was written.
std::string node_text(const toml::node& n) {
  if (const auto* f = n.as_floating_point()) {
    char buf[64];
    const auto end = std::to_chars(buf, buf + sizeof buf, f->get()).ptr;
    std::string s(buf, end);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
  }
  if (const auto* a = n.as_array()) {
    std::string s = "[";
    for (std::size_t i = 0; i < a->size(); ++i) s += (i ? ", " : "") + node_text(*a->get(i));
    return s + "]";
  }
  std::ostringstream out;
  n.visit([&](const auto& v) { out << v; });
  return out.str();
}

std::string where(const std::string& name, const std::string& source) {
  return "search space " + source + ": [space.\"" + name + "\"]";
}

std::pair<double, double> bounds(const toml::node& n, const std::string& field, const std::string& ctx) {
  const auto* a = n.as_array();
  if (!a || a->size() != 2 || !(*a)[0].is_number() || !(*a)[1].is_number())
    throw InputError(ctx + ": " + field + " needs two numbers [low, high]");
  const double lo = (*a)[0].value<double>().value(), hi = (*a)[1].value<double>().value();
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw InputError(ctx + ": " + field + " bounds must be finite");
  if (lo > hi) throw InputError(ctx + ": " + field + " low " + node_text((*a)[0]) + " > high " + node_text((*a)[1]));
  if (field == "log_uniform" && lo <= 0.0)
    throw InputError(ctx + ": log_uniform bounds must be > 0 (low is " + node_text((*a)[0]) + ")");
  if (field == "int_uniform" && (!(*a)[0].is_integer() || !(*a)[1].is_integer()))
    throw InputError(ctx + ": int_uniform bounds must be integers");
  return {lo, hi};
}

void read_choice(const toml::node& n, Parameter& p, const std::string& ctx) {
  const auto* a = n.as_array();
  if (!a) throw InputError(ctx + ": choice must be an array of options");
  if (a->empty()) throw InputError(ctx + ": choice is empty (give at least one option)");
  for (const auto& option : *a) {
    if (p.keys.size() == 1) {
      p.choices.push_back({node_text(option)});
      continue;
    }
    const auto* joint = option.as_array();
    if (!joint || joint->size() != p.keys.size())
      throw InputError(ctx + ": each choice must be an array of " + std::to_string(p.keys.size()) +
                       " values, one per key in `keys` (got " + node_text(option) + ")");
    std::vector<std::string> values;
    for (const auto& v : *joint) values.push_back(node_text(v));
    p.choices.push_back(values);
  }
}

void read_keys(const toml::table& t, Parameter& p, const std::string& ctx) {
  const auto* keys = t.get("keys");
  if (!keys) {
    p.keys = {p.name};
    return;
  }
  const auto* a = keys->as_array();
  if (!a || a->empty()) throw InputError(ctx + ": keys must be a non-empty array of config keys");
  for (const auto& k : *a) {
    if (!k.is_string()) throw InputError(ctx + ": keys must be strings (got " + node_text(k) + ")");
    p.keys.push_back(k.value<std::string>().value());
  }
}

Parameter read_entry(const std::string& name, const toml::node& node, const std::string& source) {
  const std::string ctx = where(name, source);
  const auto* t = node.as_table();
  if (!t) throw InputError(ctx + " must be a table (e.g. log_uniform = [1e-4, 1e-2])");
  Parameter p;
  p.name = name;
  read_keys(*t, p, ctx);
  int distributions = 0;
  for (const auto& [k, v] : *t) {
    const std::string field(k.str());
    if (field == "keys") continue;
    if (field == "repeat_for") {
      if (!v.is_string()) throw InputError(ctx + ": repeat_for must be a config key (a string)");
      p.repeat_for = v.value<std::string>().value();
    } else if (field == "uniform" || field == "log_uniform" || field == "int_uniform") {
      std::tie(p.low, p.high) = bounds(v, field, ctx);
      p.distribution = field == "uniform" ? Distribution::kUniform
                       : field == "log_uniform" ? Distribution::kLogUniform : Distribution::kIntUniform;
      ++distributions;
    } else if (field == "choice") {
      read_choice(v, p, ctx);
      p.distribution = Distribution::kChoice;
      ++distributions;
    } else if (v.is_table()) {
      throw InputError(ctx + ": '" + field + "' is a table; write a dotted config key in quotes, e.g. [space.\"" +
                       name + "." + field + "\"]");
    } else {
      throw InputError(ctx + ": unknown field '" + field + "' (uniform, log_uniform, int_uniform, choice, keys, "
                       "repeat_for)");
    }
  }
  if (distributions != 1)
    throw InputError(ctx + ": give exactly one distribution (uniform, log_uniform, int_uniform or choice)");
  if (p.keys.size() > 1 && p.distribution != Distribution::kChoice)
    throw InputError(ctx + ": several keys are drawn together from a choice only");
  if (!p.repeat_for.empty() && p.keys.size() > 1) throw InputError(ctx + ": repeat_for applies to one key");
  return p;
}

void read_tune_table(const toml::table& t, Space& s) {
  for (const auto& [k, v] : t) {
    const std::string field(k.str());
    if (field == "base_trial") {
      if (!v.is_boolean()) throw InputError("search space " + s.source + ": tune.base_trial must be true or false");
      s.base_trial = *v.value<bool>();
      continue;
    }
    if (field != "min_epochs" && field != "eta" && field != "max_epochs")
      throw InputError("search space " + s.source + ": unknown key 'tune." + field +
                       "' (min_epochs, max_epochs, eta, base_trial)");
    const auto n = v.value<int64_t>();
    if (!v.is_integer() || !n || *n < 1 || *n > 1000 || (field == "eta" && *n < 2))
      throw InputError("search space " + s.source + ": tune." + field + " must be an integer " +
                       (field == "eta" ? "from 2" : "from 1") + " to 1000");
    (field == "eta" ? s.eta : field == "min_epochs" ? s.min_epochs : s.max_epochs) = static_cast<int>(*n);
  }
}

void check_keys_distinct(const Space& s) {
  std::set<std::string> seen;
  for (const auto& p : s.parameters)
    for (const auto& k : p.keys)
      if (!seen.insert(k).second)
        throw InputError("search space " + s.source + ": key '" + k + "' is drawn by two entries");
}

}  // namespace

Space parse_space(const std::string& text, const std::string& source) {
  Space s;
  s.source = source;
  toml::table root;
  try {
    root = toml::parse(std::string_view(text), std::string_view(source));
  } catch (const toml::parse_error& e) {
    throw InputError("cannot parse search space " + source + " line " + std::to_string(e.source().begin.line) +
                     ": " + std::string(e.description()));
  }
  for (const auto& [k, v] : root) {
    const std::string top(k.str());
    if (top == "tune" && v.is_table()) read_tune_table(*v.as_table(), s);
    else if (top != "space") throw InputError("search space " + source + ": unknown entry '" + top + "' ([space], [tune])");
  }
  const auto* space = root.get_as<toml::table>("space");
  if (!space || space->empty())
    throw InputError("search space " + source + " is empty: add entries such as [space.\"train.lr\"] "
                     "log_uniform = [1e-4, 1e-2]");
  for (const auto& [k, v] : *space) s.parameters.push_back(read_entry(std::string(k.str()), v, source));
  std::sort(s.parameters.begin(), s.parameters.end(),
            [](const Parameter& a, const Parameter& b) { return a.name < b.name; });
  check_keys_distinct(s);
  return s;
}

Space load_space(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path)) throw InputError("cannot read search space " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return parse_space(text.str(), path.string());
}

}  // namespace wl::tune
