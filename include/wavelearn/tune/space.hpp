#pragma once
// The search space of `wavelearn tune`: which configuration keys a trial draws, and from
// what distribution (docs/tune.md). A trial's draw depends only on (seed, trial, parameter
// name), so trial k is the same whatever the number of trials or the other parameters.
// No libtorch and no toml++ here.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace wl::core {
class Config;
}

namespace wl::tune {

enum class Distribution { kUniform, kLogUniform, kIntUniform, kChoice };
const char* to_string(Distribution d);

struct Parameter {
  // The config key, or the entry's own name when it sets several keys together (`keys`).
  std::string name;
  std::vector<std::string> keys;
  Distribution distribution = Distribution::kUniform;
  double low = 0.0, high = 0.0;  // uniform, log_uniform, int_uniform (inclusive)
  // choice: one option per entry, each holding one TOML value text per key ("[512, 32]").
  std::vector<std::vector<std::string>> choices;
  // Non-empty: the drawn scalar is repeated once per element of this key's list in the
  // trial's configuration (one kernel size for every conv layer).
  std::string repeat_for;
};

struct Space {
  std::vector<Parameter> parameters;  // sorted by name
  // From the optional [tune] table; 0 when not given (the command's defaults apply).
  int min_epochs = 0, eta = 0;
  // The last rung's budget; 0: the base configuration's train.epochs.
  int max_epochs = 0;
  // Trial 0 trains the base configuration as it is (`[tune] base_trial`, default true), so a
  // search never reports a configuration worse on validation than the one it started from.
  bool base_trial = true;
  std::string source;  // file name, for messages
};

// Parses and checks the space: a missing or empty [space], an unknown distribution, low >
// high, a log_uniform bound <= 0, an empty choice, a joint option of the wrong length, a
// key drawn twice. InputError naming the entry and the file.
Space parse_space(const std::string& toml_text, const std::string& source);
Space load_space(const std::filesystem::path& path);

// One parameter's value in one trial.
struct Draw {
  std::string name;
  std::vector<std::string> keys;
  std::vector<std::string> values;  // TOML text per key (a repeated value is expanded later)
  double number = 0.0;  // the value on a numeric axis (the option's index for a choice)
  int choice = -1;      // the option drawn, -1 for numeric distributions
  std::string text;     // as trials.csv shows it
};

// A uniform number in [0, 1) from (seed, trial, name) alone (splitmix64 of the three).
double unit_draw(uint64_t seed, int trial, const std::string& name);
Draw draw_parameter(const Parameter& p, uint64_t seed, int trial);
std::vector<Draw> draw_trial(const Space& space, uint64_t seed, int trial);
// The base configuration's own value of every parameter, as a draw (the base trial): the
// option it equals for a choice (else choice -1), NaN on a numeric axis when the base does
// not set the key (the reader's default applies).
std::vector<Draw> base_draws(const Space& space, const core::Config& base);

// The `key=value` overrides of a trial on `base`; repeated values take their length from
// the base with the other draws applied. InputError when repeat_for names no list.
std::vector<std::string> trial_assignments(const std::vector<Draw>& draws, const Space& space,
                                           const core::Config& base);

}  // namespace wl::tune
