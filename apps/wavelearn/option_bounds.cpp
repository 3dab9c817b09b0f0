// The option bounds of command.hpp.
#include <cmath>
#include <string>
#include <thread>

#include "command.hpp"

namespace wl::app {

CLI::Validator count_range(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        try {
          std::size_t used = 0;
          const long long v = std::stoll(text, &used);
          if (used == text.size() && v >= lo && v <= hi) return "";
        } catch (const std::exception&) {
        }
        return "'" + text + "' is not a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
      },
      "INT in [" + std::to_string(lo) + " - " + std::to_string(hi) + "]");
}

namespace {

// The whole text as a number; NaN when it is not one, so every range test on it fails.
double parse_number(const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nan("");
}

// "'TEXT' is not WHAT" unless ok(number).
CLI::Validator number_check(bool (*ok)(double), const std::string& what, const std::string& description) {
  return CLI::Validator(
      [ok, what](std::string& text) -> std::string { return ok(parse_number(text)) ? "" : "'" + text + "' is not " + what; },
      description);
}

}  // namespace

CLI::Validator positive_finite() {
  return number_check([](double v) { return v > 0 && std::isfinite(v); }, "a positive finite number", "NUMBER > 0");
}

CLI::Validator finite_number() {
  return number_check([](double v) { return std::isfinite(v); }, "a finite number", "NUMBER");
}

// Below 0.1 ns every window of the DSP chain spans billions of samples.
CLI::Validator sample_period_range() {
  return number_check([](double v) { return v >= 0.1 && v <= 1e6; }, "a sampling period from 0.1 to 1000000 ns",
                      "NS in [0.1 - 1e6]");
}

CLI::Validator path_given() {
  return CLI::Validator([](std::string& text) -> std::string { return text.empty() ? "an empty path names no file" : ""; },
                        "PATH");
}

CLI::Validator batch_size_range() { return count_range(1, kMaxBatchEvents); }

// More threads than a few per core only slows the work down (--threads 100000 took 55 s for
// a 0.8 s command).
CLI::Validator threads_range() {
  const long long cores = std::max(1u, std::thread::hardware_concurrency());
  return count_range(0, 4 * cores);
}

}  // namespace wl::app
