#pragma once
// Input checks shared by the metric functions: one-line InputError naming what is wrong.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "wavelearn/core/error.hpp"

namespace wl::eval::detail {

inline void check_same_size(std::size_t a, std::size_t b, const char* what) {
  if (a != b) {
    throw wl::core::InputError(std::string(what) + ": " + std::to_string(a) + " scores but " +
                               std::to_string(b) + " labels");
  }
}

// Every value a probability in [0, 1] (NaN refused), and at least one.
inline void check_probabilities(const std::vector<double>& p, const char* what, const char* name) {
  if (p.empty()) throw wl::core::InputError(std::string(what) + ": " + name + " is empty");
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
      throw wl::core::InputError(std::string(what) + ": " + name + "[" + std::to_string(i) + "] = " +
                                 std::to_string(p[i]) + ", must be a probability in [0, 1]");
    }
  }
}

inline void check_finite(const std::vector<double>& v, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i])) {
      throw wl::core::InputError(std::string(what) + ": non-finite value at event " +
                                 std::to_string(i));
    }
  }
}

// Counts of each class; throws when either is absent (ROC/AUC undefined).
inline std::pair<std::size_t, std::size_t> count_classes(const std::vector<uint8_t>& is_signal,
                                                         const char* what) {
  std::size_t ns = 0;
  for (auto s : is_signal) ns += (s != 0);
  const std::size_t nb = is_signal.size() - ns;
  if (ns == 0 || nb == 0) {
    throw wl::core::InputError(std::string(what) + ": needs both signal and background events (" +
                               std::to_string(ns) + " signal, " + std::to_string(nb) +
                               " background)");
  }
  return {ns, nb};
}

}  // namespace wl::eval::detail
