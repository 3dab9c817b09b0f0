// Before any trial: the base configuration must be a neural run with epochs, and every key
// of the search space must be one that the run reads, can vary between trials, and keeps
// the trials comparable (the same validation events for all).
#include "validate.hpp"

#include <filesystem>
#include <set>

#include "wavelearn/core/config.hpp"
#include "wavelearn/core/error.hpp"
#include "wavelearn/core/file_list.hpp"
#include "wavelearn/data/dataset.hpp"
#include "wavelearn/data/loader_options.hpp"
#include "wavelearn/data/preprocess.hpp"
#include "wavelearn/nn/model_spec.hpp"
#include "wavelearn/run/train.hpp"
#include "wavelearn/train/train_spec.hpp"

namespace wl::tune::detail {

using core::InputError;

namespace {

// Reads every section a neural run reads before its data, and returns the keys that none of
// them read (the head's [task] keys need the file: they are accepted when the base
// configuration has them).
std::set<std::string> unread_keys(const core::Config& config) {
  const core::Config probe = config;
  train::train_spec_from(probe);
  nn::model_spec_from(probe);
  data::dataset_config_from(probe);
  data::loader_options_from(probe);
  data::preprocess_config_from(probe);
  std::string stratify;
  data::split_keys_from(probe, stratify);
  const auto keys = probe.unused_keys();
  return {keys.begin(), keys.end()};
}

// Keys a trial may not draw, with the reason.
std::string forbidden_reason(const std::string& key) {
  if (key == "train.epochs") return "the halving sets train.epochs (the budget is the base configuration's)";
  if (key == "model.type") return "each model type reads other keys; tune one type per search space";
  if (key == "seed") return "the seed sets the split; trials must share their validation events (use train.init_seed)";
  if (key == "train.ensemble") return "a trial is one network";
  if (key.rfind("data.", 0) == 0 && key != "data.batch_size")
    return "data keys other than data.batch_size change which events a trial trains and is validated on";
  if (key.rfind("eval.", 0) == 0 || key == "name") return "it does not change the training";
  return "";
}

// One value of each parameter (the first choice, the lowest integer, trial 0's number): a
// configuration the readers can check.
std::vector<Draw> representative(const Space& space) {
  std::vector<Draw> draws;
  for (const auto& p : space.parameters) {
    Draw d;
    d.name = p.name;
    d.keys = p.keys;
    if (p.distribution == Distribution::kChoice) d.values = p.choices.front();
    else if (p.distribution == Distribution::kIntUniform) d.values = {std::to_string(static_cast<long long>(p.low))};
    else d.values = {draw_parameter(p, 0, 0).values.front()};
    draws.push_back(d);
  }
  return draws;
}

void check_with(const core::Config& base, const Space& space, const std::vector<Draw>& draws) {
  core::Config probe = base;
  probe.set_all(trial_assignments(draws, space, base));
  unread_keys(probe);
}

}  // namespace

int check_base(const core::Config& base) {
  if (run::is_tabular_config(base))
    throw InputError("tune: model.type = \"" + base.get<std::string>("model.type") +
                     "\" trains in one pass without epochs; tune searches neural networks (fcnet, cnn, lstm, gru, "
                     "transformer)");
  const core::Config probe = base;
  const auto spec = train::train_spec_from(probe);
  if (spec.ensemble > 1) throw InputError("tune: train.ensemble = " + std::to_string(spec.ensemble) +
                                          " in the base configuration; a trial is one network");
  const auto file = probe.get<std::string>("data.file");
  for (const auto& one : core::expand_file_list(file, "tune: --data"))
    if (!std::filesystem::is_regular_file(one)) throw InputError("tune: data file " + one + " not found (--data)");
  return static_cast<int>(spec.epochs);
}

void check_space(const core::Config& base, const Space& space) {
  const std::string where = "search space " + space.source;
  for (const auto& p : space.parameters)
    for (const auto& key : p.keys)
      if (const auto why = forbidden_reason(key); !why.empty())
        throw InputError(where + ": key '" + key + "' cannot be searched: " + why);
  const auto draws = representative(space);
  const auto unread = unread_keys([&] {
    core::Config c = base;
    c.set_all(trial_assignments(draws, space, base));
    return c;
  }());
  const core::Config plain = base;
  for (const auto& p : space.parameters)
    for (const auto& key : p.keys)
      if (unread.count(key) && !plain.has(key))
        throw InputError(where + ": unknown config key '" + key + "' (no part of a " +
                         plain.get<std::string>("model.type", "fcnet") + " run reads it)");
  // Every option of every choice, one at a time: list lengths that disagree (conv layers)
  // or values a reader refuses are errors now, not a failed trial later.
  for (std::size_t i = 0; i < space.parameters.size(); ++i) {
    const auto& p = space.parameters[i];
    for (std::size_t k = 0; p.distribution == Distribution::kChoice && k < p.choices.size(); ++k) {
      auto d = draws;
      d[i].values = p.choices[k];
      try {
        check_with(base, space, d);
      } catch (const InputError& e) {
        throw InputError(where + ": [space.\"" + p.name + "\"] option " + std::to_string(k + 1) + ": " + e.what());
      }
    }
  }
}

}  // namespace wl::tune::detail
