// Config: a toml++ table plus bookkeeping of where each key came from and which keys were
// read. Defaults that are read are inserted into the table, so to_toml() is the resolved
// configuration of the run.
#include "wavelearn/core/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <type_traits>

#include "wavelearn/core/atomic_file.hpp"
#include "wavelearn/core/error.hpp"

namespace wl::core {

namespace {

constexpr const char* kOverrideSource = "--set";

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : key) {
    if (c == '.') {
      parts.push_back(part);
      part.clear();
    } else {
      part.push_back(c);
    }
  }
  parts.push_back(part);
  return parts;
}

bool valid_key(const std::string& key) {
  if (key.empty()) return false;
  for (const auto& part : split_key(key)) {
    if (part.empty()) return false;
    for (char c : part) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
      if (!ok) return false;
    }
  }
  return true;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Leaf keys (values that are not tables) under `table`, dotted with `prefix`.
void collect_leaves(const toml::table& table, const std::string& prefix,
                    std::vector<std::string>& out) {
  for (const auto& [k, node] : table) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      collect_leaves(*sub, key, out);
    } else {
      out.push_back(key);
    }
  }
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

template <class T>
struct TypeInfo;
template <>
struct TypeInfo<bool> {
  static constexpr const char* name = "a boolean (true/false)";
};
template <>
struct TypeInfo<double> {
  static constexpr const char* name = "a number";
};
template <>
struct TypeInfo<float> {
  static constexpr const char* name = "a number";
};
template <>
struct TypeInfo<std::string> {
  static constexpr const char* name = "a string";
};
template <>
struct TypeInfo<std::vector<double>> {
  static constexpr const char* name = "an array of numbers, e.g. [1.0, 2.0]";
};
template <>
struct TypeInfo<std::vector<int64_t>> {
  static constexpr const char* name = "an array of integers, e.g. [1, 2]";
};
template <>
struct TypeInfo<std::vector<std::string>> {
  static constexpr const char* name = "an array of strings, e.g. [\"a\", \"b\"]";
};

}  // namespace

struct Config::Impl {
  toml::table root;
  std::string source = "<empty>";
  std::map<std::string, std::string> key_source;  // leaf key -> file name or "--set"
  std::set<std::string> used;                     // keys or section prefixes read

  std::string source_of(const std::string& key) const {
    auto it = key_source.find(key);
    return it == key_source.end() ? source : it->second;
  }

  bool is_used(const std::string& key) const {
    if (used.count(key)) return true;
    for (std::size_t pos = key.find('.'); pos != std::string::npos; pos = key.find('.', pos + 1)) {
      if (used.count(key.substr(0, pos))) return true;
    }
    return false;
  }

  const toml::node* find(const std::string& key) const {
    const toml::node* node = &root;
    for (const auto& part : split_key(key)) {
      const auto* table = node->as_table();
      if (!table) return nullptr;
      node = table->get(part);
      if (!node) return nullptr;
    }
    return node;
  }

  // The table that holds `key`'s last component, creating sections on the way.
  toml::table& parent_for(const std::string& key, const std::string& origin) {
    auto parts = split_key(key);
    toml::table* table = &root;
    std::string walked;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      walked += (i ? "." : "") + parts[i];
      toml::node* node = table->get(parts[i]);
      if (!node) {
        table->insert(parts[i], toml::table{});
        node = table->get(parts[i]);
      }
      table = node->as_table();
      if (!table) {
        throw InputError("config key '" + key + "' (" + origin + "): '" + walked +
                         "' is a value, not a section (in " + source_of(walked) + ")");
      }
    }
    return *table;
  }

  [[noreturn]] void type_error(const std::string& key, const toml::node& node,
                               const std::string& expected) const {
    throw InputError("config key '" + key + "' must be " + expected + ", not " + type_name(node) +
                     " (in " + source_of(key) + ")");
  }

  template <class T>
  T convert(const std::string& key, const toml::node& node) const {
    if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node.value_exact<bool>()) return *v;
      type_error(key, node, TypeInfo<T>::name);
    } else if constexpr (std::is_integral_v<T>) {
      auto v = node.value_exact<int64_t>();
      if (!v) type_error(key, node, "an integer");
      const int64_t x = *v;
      bool fits;
      if constexpr (std::is_signed_v<T>) {
        fits = x >= static_cast<int64_t>(std::numeric_limits<T>::min()) &&
               x <= static_cast<int64_t>(std::numeric_limits<T>::max());
      } else {
        fits = x >= 0 && static_cast<uint64_t>(x) <= std::numeric_limits<T>::max();
      }
      if (!fits) {
        throw InputError("config key '" + key + "' = " + std::to_string(x) + " is out of range" +
                         (std::is_signed_v<T> ? "" : " (must be >= 0)") + " (in " + source_of(key) +
                         ")");
      }
      return static_cast<T>(x);
    } else if constexpr (std::is_floating_point_v<T>) {
      // TOML allows nan and inf; no setting of ours means anything with them (a NaN
      // threshold would select every event), so they are refused here, for every key.
      if (auto v = node.value_exact<double>()) {
        if (!std::isfinite(*v))
          throw InputError("config key '" + key + "' = " + std::to_string(*v) + " is not a finite number (in " +
                           source_of(key) + ")");
        return static_cast<T>(*v);
      }
      if (auto v = node.value_exact<int64_t>()) return static_cast<T>(*v);
      type_error(key, node, TypeInfo<T>::name);
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = node.value_exact<std::string>()) return *v;
      type_error(key, node, TypeInfo<T>::name);
    } else {
      using E = typename T::value_type;
      const auto* array = node.as_array();
      if (!array) type_error(key, node, TypeInfo<T>::name);
      T out;
      for (const auto& element : *array) {
        if constexpr (std::is_same_v<E, std::string>) {
          auto v = element.value_exact<std::string>();
          if (!v) type_error(key, element, TypeInfo<T>::name);
          out.push_back(*v);
        } else if constexpr (std::is_integral_v<E>) {
          auto v = element.value_exact<int64_t>();
          if (!v) type_error(key, element, TypeInfo<T>::name);
          out.push_back(*v);
        } else {
          if (auto v = element.value_exact<double>()) {
            if (!std::isfinite(*v))
              throw InputError("config key '" + key + "' holds " + std::to_string(*v) + ", not a finite number (in " +
                               source_of(key) + ")");
            out.push_back(*v);
          } else if (auto i = element.value_exact<int64_t>()) {
            out.push_back(static_cast<double>(*i));
          } else {
            type_error(key, element, TypeInfo<T>::name);
          }
        }
      }
      return out;
    }
  }

  template <class T>
  void record_default(const std::string& key, const T& value) {
    toml::table& parent = parent_for(key, "default");
    const std::string leaf = split_key(key).back();
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> ||
                  std::is_same_v<T, double>) {
      parent.insert_or_assign(leaf, value);
    } else if constexpr (std::is_same_v<T, float>) {
      parent.insert_or_assign(leaf, static_cast<double>(value));
    } else if constexpr (std::is_integral_v<T>) {
      parent.insert_or_assign(leaf, static_cast<int64_t>(value));
    } else {
      toml::array array;
      for (const auto& element : value) array.push_back(element);
      parent.insert_or_assign(leaf, std::move(array));
    }
    key_source[key] = "default";
  }
};

Config::Config() : impl_(std::make_unique<Impl>()) {}
Config::~Config() = default;
Config::Config(const Config& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Config& Config::operator=(const Config& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

Config Config::parse(const std::string& toml_text, const std::string& source) {
  Config config;
  try {
    config.impl_->root = toml::parse(std::string_view(toml_text), std::string_view(source));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw InputError("cannot parse config " + source + " line " + std::to_string(where.line) +
                     ": " + std::string(e.description()));
  }
  config.impl_->source = source;
  return config;
}

Config Config::load(const std::filesystem::path& path) {
  // A directory opens as an empty stream: it would silently give every default.
  if (std::filesystem::is_directory(path)) throw InputError(path.string() + ": is a directory, not a config file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open config file " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

void Config::set(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) {
    throw InputError("override '" + assignment + "' is not of the form key.path=value (--set)");
  }
  const std::string key = trim(assignment.substr(0, eq));
  const std::string text = trim(assignment.substr(eq + 1));
  if (!valid_key(key)) {
    throw InputError("override '" + assignment + "': '" + key +
                     "' is not a key path like train.epochs (--set)");
  }
  if (text.find('\n') != std::string::npos) {
    throw InputError("override '" + key + "': the value must be on one line (--set)");
  }
  // Typed like TOML; anything that is not a TOML value is a bare string (file paths).
  toml::table parsed;
  bool is_toml = !text.empty();
  if (is_toml) {
    try {
      const std::string line = "v = " + text;
      parsed = toml::parse(std::string_view(line), std::string_view(kOverrideSource));
    } catch (const toml::parse_error&) {
      is_toml = false;
    }
  }
  if (const toml::node* existing = impl_->find(key); existing && existing->is_table()) {
    throw InputError("override '" + key + "': '" + key + "' is a section, not a value (--set)");
  }
  toml::table& parent = impl_->parent_for(key, "--set");
  const std::string leaf = split_key(key).back();
  if (is_toml) {
    parent.insert_or_assign(leaf, std::move(*parsed.get("v")));
  } else {
    parent.insert_or_assign(leaf, text);
  }
  std::vector<std::string> leaves;
  if (const auto* sub = impl_->find(key)->as_table()) {
    collect_leaves(*sub, key, leaves);
  } else {
    leaves.push_back(key);
  }
  for (const auto& k : leaves) impl_->key_source[k] = kOverrideSource;
}

void Config::set_all(const std::vector<std::string>& assignments) {
  for (const auto& a : assignments) set(a);
}

void Config::set_string(const std::string& key, const std::string& value,
                        const std::string& origin) {
  if (!valid_key(key)) throw InputError("'" + key + "' is not a key path like data.file (" + origin + ")");
  if (const toml::node* existing = impl_->find(key); existing && existing->is_table()) {
    throw InputError("'" + key + "' is a section, not a value (" + origin + ")");
  }
  impl_->parent_for(key, origin).insert_or_assign(split_key(key).back(), value);
  impl_->key_source[key] = origin;
}

bool Config::has(const std::string& key) const {
  const auto* node = impl_->find(key);
  return node && !node->is_table();
}

std::string Config::value_text(const std::string& key) const {
  const auto* node = impl_->find(key);
  if (!node || node->is_table()) return "(unset)";
  std::ostringstream out;
  node->visit([&](const auto& v) { out << v; });
  return out.str();
}

bool Config::has_section(const std::string& key) const {
  const auto* node = impl_->find(key);
  return node && node->is_table();
}

template <class T>
T Config::get(const std::string& key, const T& default_value) const {
  impl_->used.insert(key);
  if (const auto* node = impl_->find(key)) return impl_->convert<T>(key, *node);
  impl_->record_default(key, default_value);
  return default_value;
}

template <class T>
T Config::get(const std::string& key) const {
  impl_->used.insert(key);
  const auto* node = impl_->find(key);
  if (!node) throw InputError("missing config key '" + key + "' (in " + impl_->source + ")");
  return impl_->convert<T>(key, *node);
}

#define WL_CONFIG_INSTANTIATE(T)                                             \
  template T Config::get<T>(const std::string&, const T&) const;             \
  template T Config::get<T>(const std::string&) const;
WL_CONFIG_INSTANTIATE(bool)
WL_CONFIG_INSTANTIATE(int)
WL_CONFIG_INSTANTIATE(long)
WL_CONFIG_INSTANTIATE(long long)
WL_CONFIG_INSTANTIATE(unsigned)
WL_CONFIG_INSTANTIATE(unsigned long)
WL_CONFIG_INSTANTIATE(unsigned long long)
WL_CONFIG_INSTANTIATE(double)
WL_CONFIG_INSTANTIATE(float)
WL_CONFIG_INSTANTIATE(std::string)
WL_CONFIG_INSTANTIATE(std::vector<double>)
WL_CONFIG_INSTANTIATE(std::vector<int64_t>)
WL_CONFIG_INSTANTIATE(std::vector<std::string>)
#undef WL_CONFIG_INSTANTIATE

void Config::mark_used(const std::string& key) const { impl_->used.insert(key); }

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  collect_leaves(impl_->root, "", out);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Config::unused_keys() const {
  std::vector<std::string> out;
  for (const auto& key : keys()) {
    if (!impl_->is_used(key)) out.push_back(key);
  }
  return out;
}

void Config::check_all_used() const {
  const auto unused = unused_keys();
  if (unused.empty()) return;
  std::string message = "unknown config key '" + unused.front() + "' (in " +
                        impl_->source_of(unused.front()) + ")";
  if (unused.size() > 1) {
    message += "; also unknown:";
    for (std::size_t i = 1; i < unused.size(); ++i) {
      message += " '" + unused[i] + "' (in " + impl_->source_of(unused[i]) + ")";
    }
  }
  throw InputError(message);
}

std::string Config::to_toml() const {
  std::ostringstream out;
  out << impl_->root << "\n";
  return out.str();
}

void Config::write(const std::filesystem::path& path, bool force) const {
  refuse_overwrite(path, force);
  write_text_atomically(path, to_toml(), true);
}

const std::string& Config::source() const { return impl_->source; }

}  // namespace wl::core
